import { openStore, type Store } from '../../src/store/data-source';
import { CampaignStore } from '../../src/store/campaigns/campaign-store';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio';
import { zoneAtNoon } from '../helpers/zone-at-noon';
import { HubProcess } from './hub-process';
import { PrivatePostgres } from './private-postgres';

// A PostgreSQL cluster, hub processes started with tsx, and a campaign of a few hundred messages.
jest.setTimeout(240_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const AUDIENCE = 300;

let postgres: PrivatePostgres;
let fake: FakeTwilio;
let store: Store | undefined;
const hubs: HubProcess[] = [];

beforeAll(async () => {
  postgres = await PrivatePostgres.start();
  fake = await startFakeTwilio();
});
afterAll(async () => {
  for (const hub of hubs) await hub.kill();
  await store?.close();
  await fake?.close();
  await postgres?.destroy();
});

describe('a campaign sent by two processes, one of them killed mid-way', () => {
  it('reaches every recipient exactly once, and the restarted process finishes nothing twice', async () => {
    // Fast senders and short claims, so the test does not wait minutes for a dead process's locks.
    const env = { TWILIO_SMS_MPS: '60', CAMPAIGN_CLAIM_SECONDS: '3', OUTBOUND_CLAIM_SECONDS: '5' };
    const first = await HubProcess.start(postgres.url, fake.url, env);
    hubs.push(first);
    const second = await HubProcess.start(postgres.url, fake.url, env);
    hubs.push(second);

    store = await openStore({ databaseUrl: postgres.url });
    const { dataSource } = store;
    await dataSource.query(
      `INSERT INTO contacts (first_name, phone, time_zone, tags)
       SELECT 'Customer ' || n, '+1415556' || lpad(n::text, 4, '0'), $2, ARRAY['ops-campaign']
         FROM generate_series(1, $1) AS n`,
      [AUDIENCE, zoneAtNoon()],
    );
    const campaigns = new CampaignStore(dataSource);
    const id = await campaigns.create({
      name: 'Shipping notice',
      purpose: 'transactional',
      channel: 'sms',
      segmentId: null as unknown as string,
      message: { text: 'Your order is on its way, {{ contact.first_name }}.' },
      schedule: undefined,
      variants: undefined,
      holdoutPercent: 0,
      skipWhenCapped: false,
      createdBy: null,
    });
    // Launched as the API does it, on a predicate over the contacts (a segment's, in the hub).
    const size = await campaigns.launch(
      id,
      { sql: "c.tags @> ARRAY['ops-campaign']::text[]", params: [] },
      { holdoutPercent: 0, variants: null, marketing: false, when: { at: new Date() } },
    );
    expect(size).toBe(AUDIENCE);

    // Mid-campaign, the first process dies without a chance to clean up.
    const deadline = Date.now() + 60_000;
    while (fake.accepted.length < 40 && Date.now() < deadline) await pause(50);
    await first.kill();
    expect(fake.accepted.length).toBeLessThan(AUDIENCE);
    // It comes back (a deploy's restart), and works beside the survivor.
    const restarted = await HubProcess.start(postgres.url, fake.url, env);
    hubs.push(restarted);

    // Done: no recipient waits, and every send job is settled — except those whose attempts the kill
    // cut mid-request: their outcome is unknown, and the outbox never sends such a message again
    // on a guess (the attempt ledger; a status callback or reconciliation settles it).
    let left = -1;
    let unknown = 0;
    while (Date.now() < deadline + 60_000) {
      const [row] = await postgres.query<{ left: number; unknown: number }>(
        `SELECT (SELECT count(*) FROM campaign_recipients WHERE state <> 'sent')
              + (SELECT count(*) FROM outbound_jobs j WHERE NOT EXISTS (
                   SELECT 1 FROM outbound_attempts a WHERE a.message_id = j.message_id AND a.finished_at IS NULL)) AS left,
                (SELECT count(*) FROM outbound_jobs j WHERE EXISTS (
                   SELECT 1 FROM outbound_attempts a WHERE a.message_id = j.message_id AND a.finished_at IS NULL)) AS unknown`,
      );
      [left, unknown] = [Number(row.left), Number(row.unknown)];
      if (left === 0) break;
      await pause(250);
    }
    expect(left).toBe(0);

    // Each recipient has one message, and no number got two.
    const [{ messages }] = await postgres.query<{ messages: number }>(
      "SELECT count(*)::int AS messages FROM messages WHERE direction = 'outbound'",
    );
    expect(messages).toBe(AUDIENCE);
    const texts = fake.accepted.map((message) => String(message.params.To));
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts.length).toBeGreaterThanOrEqual(AUDIENCE - unknown);
    // At most the dead process's batches in flight (lanes × batch size) can be of unknown outcome.
    expect(unknown).toBeLessThanOrEqual(100);
    expect(second.alive && restarted.alive).toBe(true);
  });
});
