import type { App } from '../../src/app';
import type { MessageView } from '../../src/core/events';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio';
import { startHubsSharingDatabase } from '../helpers/test-app';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, SMS_FROM, waitFor } from '../helpers/twilio-hub';

/**
 * Two hub processes share one PostgreSQL database and its outbound queue: every reply is sent
 * exactly once, whichever hub queued it, and each conversation's replies leave in order. Needs a
 * real PostgreSQL server (several connections at once), so it runs in the PostgreSQL pass.
 */
const describeOnPostgres = process.env.DATABASE_URL ? describe : describe.skip;

describeOnPostgres('the outbound queue across hub processes', () => {
  let database: TestDatabase;
  let fake: FakeTwilio;
  const hubs: App[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await startFakeTwilio();
    const shared = await startHubsSharingDatabase(database.url!, 2, {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_SMS_FROM: SMS_FROM,
      TWILIO_API_URL: fake.url,
      PUBLIC_URL,
      // Small batches and several lanes per hub: as much competition for each job as possible.
      OUTBOUND_BATCH_SIZE: '3',
      OUTBOUND_LANES: '3',
    });
    hubs.push(...shared.map((hub) => hub.app));
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.close();
    await fake.close();
    await database.drop();
  });

  it('sends every reply exactly once, in order per conversation, whichever hub queued it', async () => {
    const customers = Array.from({ length: 8 }, (_, index) => `+1415555${String(7000 + index)}`);
    const conversations: string[] = [];
    for (const [index, phone] of customers.entries()) {
      const outcome = await hubs[index % 2].ingest.ingest({
        channel: 'sms',
        from: phone,
        providerMessageId: `SMscaleout${index}`,
        text: 'hello',
      });
      conversations.push(outcome.conversation.id);
    }

    // Five replies per conversation, queued alternately by the two hubs, all at once.
    const queued: MessageView[] = [];
    for (let round = 0; round < 5; round++) {
      const sends = conversations.map((conversationId, index) =>
        hubs[(index + round) % 2].outbound.send({ conversationId, text: `reply ${round}`, authorKind: 'bot' }),
      );
      queued.push(...(await Promise.all(sends)));
    }

    await waitFor(async () => {
      const rows: { pending: string }[] = await hubs[0].store.dataSource.query(
        `SELECT count(*) AS pending FROM messages WHERE id = ANY($1::uuid[]) AND provider_message_id IS NULL`,
        [queued.map((message) => message.id)],
      );
      return Number(rows[0].pending) === 0;
    }, 30_000);

    const callbacks = fake.requests.map((request) => String(request.params.StatusCallback));
    expect(callbacks).toHaveLength(queued.length);
    expect(new Set(callbacks).size).toBe(queued.length);
    for (const phone of customers) {
      const bodies = fake.requests.filter((request) => request.params.To === phone).map((r) => r.params.Body);
      expect(bodies).toEqual(['reply 0', 'reply 1', 'reply 2', 'reply 3', 'reply 4']);
    }
  });
});
