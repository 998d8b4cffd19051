import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inboundForm, postSigned, startTwilioHub, type TwilioHub } from '../helpers/twilio-hub';
import { Visitor } from '../helpers/webchat-visitor';
import { teaOrCoffeeSurvey } from '../flows/sample-flows';

/**
 * Issue 12, defect 1: STOP is decided once, by the consent gate, before the flow engine hears of
 * the message. Before, the engine decided again with its own word list ("STOP?" kept the run
 * going and it asked again) and web chat had no opt-out at all.
 */
let env: TwilioHub;
let flowsDir: string;
let number = 700;

beforeAll(async () => {
  flowsDir = mkdtempSync(path.join(tmpdir(), 'rapport-gate-flows-'));
  writeFileSync(path.join(flowsDir, 'survey.yaml'), teaOrCoffeeSurvey);
  env = await startTwilioHub({ RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_FLOWS_DIR: flowsDir });
});
afterAll(async () => {
  await env.close();
  rmSync(flowsDir, { recursive: true, force: true });
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  env.hub.app.store.dataSource.query(sql, params);

type Customer = { say(text: string): Promise<string>; close(): void };

/** A customer on a channel: `say` sends a message and answers its conversation once the hub is done. */
async function customerOn(channel: 'sms' | 'whatsapp' | 'webchat'): Promise<Customer> {
  if (channel === 'webchat') {
    const visitor = await Visitor.connect(env.hub.url);
    return {
      say: async (text) => {
        const ack = await visitor.send({ text });
        if (!('id' in ack)) throw new Error(`refused: ${JSON.stringify(ack)}`);
        await env.hub.app.bus.drain();
        const [row] = await query<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE id = $1', [
          ack.id,
        ]);
        return row.conversation_id;
      },
      close: () => visitor.close(),
    };
  }
  const phone = `+1415555${String((number += 1)).padStart(4, '0')}`;
  const from = channel === 'whatsapp' ? `whatsapp:${phone}` : phone;
  return {
    say: async (text) => {
      const form = inboundForm(from, text);
      expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);
      await env.hub.app.bus.drain();
      const [row] = await query<{ conversation_id: string }>(
        'SELECT conversation_id FROM messages WHERE provider_message_id = $1',
        [form.MessageSid],
      );
      return row.conversation_id;
    },
    close: () => undefined,
  };
}

const outbound = async (conversationId: string) =>
  (
    await query<{ body: string }>(
      "SELECT body FROM messages WHERE conversation_id = $1 AND direction = 'outbound' ORDER BY created_at, id",
      [conversationId],
    )
  ).map((row) => row.body);

const runs = (conversationId: string) =>
  query<{ status: string; end_reason: string | null }>(
    'SELECT status, end_reason FROM flow_runs WHERE conversation_id = $1 ORDER BY created_at',
    [conversationId],
  );

describe.each(['sms', 'whatsapp', 'webchat'] as const)('the consent gate on %s', (channel) => {
  it.each(['STOP?', ' stop! ', 'Stop.'])('%j ends the run mid-flow, and nothing more is sent', async (stop) => {
    const customer = await customerOn(channel);
    const conversationId = await customer.say('survey');
    expect(await outbound(conversationId)).toEqual([expect.stringContaining('Tea or coffee?')]);

    await customer.say(stop);
    await customer.say('Tea');

    expect(await runs(conversationId)).toEqual([{ status: 'cancelled', end_reason: 'opted_out' }]);
    const [contact] = await query<{ status: string; source: string }>(
      `SELECT co.status, co.source FROM consents co JOIN conversations c ON c.contact_id = co.contact_id
        WHERE c.id = $1 AND co.channel = $2`,
      [conversationId, channel],
    );
    expect(contact).toEqual({ status: 'opted_out', source: 'keyword:STOP' });
    expect(await outbound(conversationId)).toEqual([expect.stringContaining('Tea or coffee?')]);
    await expect(
      env.hub.app.outbound.send({ conversationId, text: 'We miss you', authorKind: 'bot' }),
    ).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT' });
    customer.close();
  });

  it('takes "stop please" as an ordinary message, which the flow answers', async () => {
    const customer = await customerOn(channel);
    const conversationId = await customer.say('survey');
    await customer.say('stop please');

    const said = await outbound(conversationId);
    expect(said.length).toBeGreaterThan(1);
    expect(await runs(conversationId)).toEqual([{ status: 'active', end_reason: null }]);
    expect(
      await query('SELECT 1 FROM consents co JOIN conversations c ON c.contact_id = co.contact_id WHERE c.id = $1', [
        conversationId,
      ]),
    ).toEqual([]);
    customer.close();
  });
});

describe('the evidence of an opt-out', () => {
  it('keeps the channel, the keyword, the message and the time, and a later START adds to it', async () => {
    const customer = await customerOn('sms');
    await customer.say('STOP');
    const conversationId = await customer.say('start');

    const evidence = await query<{ channel: string; status: string; source: string; recorded_by: string }>(
      `SELECT e.channel, e.status, e.source, e.recorded_by, e.message_id IS NOT NULL AS has_message,
              e.created_at IS NOT NULL AS has_time
         FROM consent_evidence e JOIN conversations c ON c.contact_id = e.contact_id
        WHERE c.id = $1 ORDER BY e.created_at, e.id`,
      [conversationId],
    );
    expect(evidence).toEqual([
      {
        channel: 'sms',
        status: 'opted_out',
        source: 'keyword:STOP',
        recorded_by: 'consent-gate',
        has_message: true,
        has_time: true,
      },
      {
        channel: 'sms',
        status: 'opted_in',
        source: 'keyword:START',
        recorded_by: 'consent-gate',
        has_message: true,
        has_time: true,
      },
    ]);
  });
});

describe('a redelivered STOP', () => {
  it('records the opt-out its first delivery stored but never recorded, and a second redelivery records nothing more', async () => {
    const phone = `+1415555${String((number += 1)).padStart(4, '0')}`;
    const form = inboundForm(phone, 'STOP');
    expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);
    await env.hub.app.bus.drain();
    const [message] = await query<{ id: string; contact_id: string }>(
      'SELECT id, contact_id FROM messages WHERE provider_message_id = $1',
      [form.MessageSid],
    );
    // The first delivery failed between the message's commit and the gate (the webhook answered
    // 500, so Twilio retries): the message is stored, the opt-out is not.
    await query('DELETE FROM consent_evidence WHERE message_id = $1', [message.id]);
    await query('DELETE FROM consents WHERE contact_id = $1', [message.contact_id]);

    const consentOf = () =>
      query<{ status: string; source: string }>('SELECT status, source FROM consents WHERE contact_id = $1', [
        message.contact_id,
      ]);
    const evidenceOf = () =>
      query<{ source: string }>('SELECT source FROM consent_evidence WHERE message_id = $1', [message.id]);

    expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);
    expect(await consentOf()).toEqual([{ status: 'opted_out', source: 'keyword:STOP' }]);
    expect(await evidenceOf()).toEqual([{ source: 'keyword:STOP' }]);

    expect((await postSigned(env.hub, '/webhooks/twilio', form)).status).toBe(200);
    expect(await evidenceOf()).toHaveLength(1);
    expect(await query('SELECT 1 FROM messages WHERE provider_message_id = $1', [form.MessageSid])).toHaveLength(1);
  });
});
