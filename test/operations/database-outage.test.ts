import { writeFileSync } from 'node:fs';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio';
import { HubProcess } from './hub-process';
import { PrivatePostgres } from './private-postgres';
import { PersistentVisitor, deliverSms, storedInbound, type Attempt } from './traffic';

// A PostgreSQL cluster, a hub process and a burst of a few hundred messages on a shared machine.
jest.setTimeout(180_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let postgres: PrivatePostgres;
let fake: FakeTwilio;
let hub: HubProcess;

beforeAll(async () => {
  postgres = await PrivatePostgres.start();
  fake = await startFakeTwilio();
  hub = await HubProcess.start(postgres.url, fake.url, { RAPPORT_FLOWS_ENABLED: 'false' });
});
afterAll(async () => {
  // The hub's own log, for a failure's post-mortem: RAPPORT_TEST_HUB_LOG=/tmp/hub.log.
  if (process.env.RAPPORT_TEST_HUB_LOG) writeFileSync(process.env.RAPPORT_TEST_HUB_LOG, hub?.output() ?? '');
  await hub?.kill();
  await fake?.close();
  await postgres?.destroy();
});

describe('a PostgreSQL outage under load', () => {
  it('keeps the hub alive, refuses with 503 / UNAVAILABLE while the database is away, stores every message once and recovers by itself', async () => {
    const attempts: Attempt[] = [];
    const targets = () => [hub.url];
    const deadline = Date.now() + 60_000;
    const visitors = Array.from({ length: 10 }, () => new PersistentVisitor(targets, attempts));
    const chatTexts: string[] = [];
    const chat = visitors.map(async (visitor, v) => {
      for (let m = 0; m < 12; m++) {
        const text = `outage visitor ${v} message ${m}`;
        chatTexts.push(text);
        await visitor.send(text, `client-${v}-${m}-${Date.now()}`, deadline);
        await pause(100);
      }
    });
    const sids: string[] = [];
    const sms = Array.from({ length: 4 }, async (_, s) => {
      for (let m = 0; m < 10; m++) {
        sids.push(await deliverSms(targets, `+1415555013${s}`, `outage sms ${s}/${m}`, attempts, deadline));
        await pause(100);
      }
    });

    // Mid-burst: stop the server (sessions terminated, as in a restart), 3 s away, start again.
    const during: { ready?: number; health?: number } = {};
    const outage = (async () => {
      await pause(800);
      await postgres.stop();
      await pause(500);
      during.ready = (await fetch(`${hub.url}/ready`)).status;
      during.health = (await fetch(`${hub.url}/health`)).status;
      await pause(2_500);
      await postgres.start();
    })();
    await Promise.all([...chat, ...sms, outage]);

    expect({ alive: hub.alive, crash: /Unhandled 'error' event/.test(hub.output()) }).toEqual({
      alive: true,
      crash: false,
    });
    expect(during).toEqual({ ready: 503, health: 200 });

    // The outage was felt, and only as "try again": no 500, no INTERNAL, no hanging request.
    const refused = attempts.filter((attempt) => attempt.outcome !== 'stored');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((attempt) => attempt.outcome !== 'unavailable')).toEqual([]);
    // A refusal comes at once, not after a hang: well inside Twilio's 15 s webhook timeout, so it
    // retries. (Timing is the benchmarks' business; here only "no hang", with room for a loaded CI.)
    const slowest503 = Math.max(...refused.filter((a) => a.channel === 'sms').map((a) => a.ms), 0);
    expect(slowest503).toBeLessThan(5_000);

    // Every message its sender saw acknowledged is stored, once.
    const { chatRows, smsRows } = await storedInbound(postgres);
    expect(chatRows.map((row) => row.body).sort()).toEqual([...chatTexts].sort());
    expect(chatRows.filter((row) => row.copies !== 1)).toEqual([]);
    expect(smsRows.map((row) => row.provider_message_id).sort()).toEqual([...sids].sort());
    expect(smsRows.filter((row) => row.copies !== 1)).toEqual([]);

    // Recovered without a restart: ready again, and a new message goes straight through.
    expect((await fetch(`${hub.url}/ready`)).status).toBe(200);
    const after: Attempt[] = [];
    await visitors[0].send('after the outage', 'client-after-outage', Date.now() + 5_000);
    await deliverSms(targets, '+14155550139', 'after the outage', after, Date.now() + 5_000);
    expect(after.map((attempt) => attempt.outcome)).toEqual(['stored']);
    for (const visitor of visitors) visitor.close();
  });
});
