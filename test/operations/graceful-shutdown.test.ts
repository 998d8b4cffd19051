import { writeFileSync } from 'node:fs';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio';
import { HubProcess } from './hub-process';
import { PrivatePostgres } from './private-postgres';
import { PersistentVisitor, deliverSms, storedInbound, type Attempt } from './traffic';

// Two hub processes started with tsx on a busy machine, a PostgreSQL cluster and a burst.
jest.setTimeout(240_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let postgres: PrivatePostgres;
let fake: FakeTwilio;
const hubs: HubProcess[] = [];

beforeAll(async () => {
  postgres = await PrivatePostgres.start();
  fake = await startFakeTwilio();
});
afterAll(async () => {
  // The hubs' own logs, for a failure's post-mortem: RAPPORT_TEST_HUB_LOG=/tmp/hub.log.
  if (process.env.RAPPORT_TEST_HUB_LOG) {
    writeFileSync(process.env.RAPPORT_TEST_HUB_LOG, hubs.map((hub) => hub.output()).join('\n-----\n'));
  }
  for (const hub of hubs) await hub.kill();
  await fake?.close();
  await postgres?.destroy();
});

/** Our message id rides in the status callback URL of every send (twilio-channel.ts). */
const sentMessageId = (params: Record<string, string | string[]>): string =>
  new URL(String(params.StatusCallback)).searchParams.get('messageId') ?? '';

describe('SIGTERM in the middle of a web chat and webhook burst', () => {
  it('drains in time and exits 0: every acknowledged message stored once, no reply sent twice, and the next hub sends what was left', async () => {
    const first = await HubProcess.start(postgres.url, fake.url);
    hubs.push(first);
    // Twilio refuses the first replies for a moment: their jobs wait for a retry, which falls
    // after the first hub has stopped — sends it leaves for the next one.
    fake.script({ status: 503 }, { status: 503 }, { status: 503 });
    const next: { hub?: HubProcess } = {};
    // The load balancer: the old process while it takes traffic, the new one once it is up.
    const targets = () => [first.url, ...(next.hub ? [next.hub.url] : [])];
    const attempts: Attempt[] = [];
    const deadline = Date.now() + 150_000;

    const visitors = Array.from({ length: 10 }, () => new PersistentVisitor(targets, attempts));
    const chatTexts: string[] = [];
    const chat = visitors.map(async (visitor, v) => {
      for (let m = 0; m < 10; m++) {
        const text = m === 0 ? `help (visitor ${v})` : `visitor ${v} message ${m}`;
        chatTexts.push(text);
        await visitor.send(text, `client-${v}-${m}`, deadline);
        await pause(150);
      }
    });
    const sids: string[] = [];
    const sms = Array.from({ length: 4 }, async (_, s) => {
      for (let m = 0; m < 8; m++) {
        // FAQ questions: the flow answers each by SMS through the durable outbound queue.
        sids.push(await deliverSms(targets, `+1415555014${s}`, 'when are you open', attempts, deadline));
        await pause(150);
      }
    });

    // Mid-burst: a deploy. The old process is told to stop while its replacement boots.
    await pause(1_000);
    const [exit, replacement] = await Promise.all([first.terminate(), HubProcess.start(postgres.url, fake.url)]);
    next.hub = replacement;
    hubs.push(replacement);
    await Promise.all([...chat, ...sms]);

    expect({ code: exit.code, inTime: exit.ms < 10_000 }).toEqual({ code: 0, inTime: true });
    expect(first.output()).not.toMatch(/did not stop|shutdown failed|Unhandled/);
    // A clean drain: the only thing the old process complained about is what it refused.
    const complaints = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg)
      .filter((msg) => msg !== 'request refused: unavailable');
    expect(complaints).toEqual([]);
    // Senders were told to try again (503 / UNAVAILABLE / a dropped connection), never given an error.
    expect(attempts.filter((attempt) => attempt.outcome === 'other')).toEqual([]);

    // Every message acknowledged (or answered 2xx) is stored, once.
    const { chatRows, smsRows } = await storedInbound(postgres);
    expect(chatRows.map((row) => row.body).sort()).toEqual([...chatTexts].sort());
    expect(chatRows.filter((row) => row.copies !== 1)).toEqual([]);
    expect(smsRows.map((row) => row.provider_message_id).sort()).toEqual([...sids].sort());
    expect(smsRows.filter((row) => row.copies !== 1)).toEqual([]);

    // The replies: the second hub sends whatever the first left queued, and nothing goes twice.
    const deadlineForSends = Date.now() + 30_000;
    let left = -1;
    while (Date.now() < deadlineForSends) {
      [{ left }] = await postgres.query<{ left: number }>('SELECT count(*)::int AS left FROM outbound_jobs');
      if (left === 0) break;
      await pause(250);
    }
    expect(left).toBe(0);
    const replies = await postgres.query<{ id: string; provider_message_id: string | null }>(
      `SELECT id, provider_message_id FROM messages WHERE channel = 'sms' AND direction = 'outbound'`,
    );
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.filter((reply) => reply.provider_message_id === null)).toEqual([]);
    const sent = fake.accepted.map((message) => sentMessageId(message.params));
    expect(sent.length).toBe(new Set(sent).size);
    expect(new Set(sent)).toEqual(new Set(replies.map((reply) => reply.id)));
    const neverSent = fake.requests.map((request) => sentMessageId(request.params)).filter((id) => !sent.includes(id));
    expect(neverSent).toEqual([]);
    expect(fake.requests.length).toBe(sent.length + 3);
    for (const visitor of visitors) visitor.close();
  });
});
