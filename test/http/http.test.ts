import { startTestApp, type TestApp } from '../helpers/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789';
let hub: TestApp;

beforeAll(async () => {
  hub = await startTestApp({ METRICS_TOKEN });
});
afterAll(async () => {
  await hub.close();
});

describe('the hub over HTTP', () => {
  it('answers /health with the database in use and each channel mode', async () => {
    const response = await fetch(`${hub.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      channels: expect.objectContaining({ webchat: 'live' }),
    });
  });

  it('answers unknown routes with a JSON 404 in the error shape', async () => {
    const response = await fetch(`${hub.url}/no/such/thing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found' } });
  });

  it('serves the demo page hosting the widget, and the widget', async () => {
    const page = await fetch(`${hub.url}/`);
    expect(await page.text()).toContain('<script src="/widget.js"');
    const widget = await fetch(`${hub.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(await widget.text()).toContain("io(hub + '/webchat'");
  });

  it('counts stored messages and ingest time in /metrics, behind the metrics token', async () => {
    await hub.app.ingest.ingest({
      channel: 'webchat',
      from: 'metrics-visitor',
      providerMessageId: 'metrics-1',
      text: 'count me',
    });
    await hub.app.ingest.ingest({
      channel: 'webchat',
      from: 'metrics-visitor',
      providerMessageId: 'metrics-1',
      text: 'count me',
    });
    await hub.app.bus.drain();

    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${hub.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status,
    ).toBe(401);
    const response = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await response.text();
    expect(text).toContain('rapport_messages_received_total{channel="webchat"} 1');
    expect(text).toMatch(/rapport_ingest_duration_seconds_count\{channel="webchat",outcome="stored"\} 1/);
    expect(text).toMatch(/rapport_ingest_duration_seconds_count\{channel="webchat",outcome="duplicate"\} 1/);
    expect(text).toContain('rapport_process_resident_memory_bytes');
  });
});
