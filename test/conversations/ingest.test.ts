import { AppError } from '../../src/core/errors';
import type { HubEvents } from '../../src/core/events';
import type { InboundMessage } from '../../src/core/types';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let sequence = 0;

beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(async () => {
  await hub.close();
});

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

function sms(from: string, text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  sequence += 1;
  return { channel: 'sms', from, providerMessageId: `SM${Date.now()}${sequence}`, text, ...overrides };
}

async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const [row] = await query<{ count: string }>(`SELECT count(*) FROM ${table} WHERE ${where}`, params);
  return Number(row.count);
}

describe('ingest', () => {
  it('creates the contact, identity and conversation for a first message and stores it', async () => {
    const outcome = await hub.app.ingest.ingest(sms('+14155550100', 'Hello there'));

    expect(outcome).toMatchObject({ duplicate: false, isNewContact: true, isNewConversation: true });
    expect(outcome.message).toMatchObject({
      direction: 'inbound',
      authorKind: 'contact',
      body: 'Hello there',
      status: 'received',
    });
    expect(outcome.conversation).toMatchObject({ status: 'open', handledBy: 'bot', channel: 'sms' });
    const [identity] = await query('SELECT * FROM contact_identities WHERE channel = $1 AND address = $2', [
      'sms',
      '+14155550100',
    ]);
    expect(identity.contact_id).toBe(outcome.message.contactId);
    const [conversation] = await query('SELECT * FROM conversations WHERE id = $1', [outcome.conversation.id]);
    expect(conversation).toMatchObject({ unread_count: 1, identity_id: identity.id });
  });

  it('appends later messages to the same open conversation', async () => {
    const first = await hub.app.ingest.ingest(sms('+14155550101', 'one'));
    const second = await hub.app.ingest.ingest(sms('+14155550101', 'two'));

    expect(second.conversation.id).toBe(first.conversation.id);
    expect(second).toMatchObject({ isNewContact: false, isNewConversation: false });
    expect(await count('messages', 'conversation_id = $1', [first.conversation.id])).toBe(2);
    const [conversation] = await query('SELECT unread_count FROM conversations WHERE id = $1', [first.conversation.id]);
    expect(conversation.unread_count).toBe(2);
  });

  it('stores a redelivered provider message once and returns the message already stored', async () => {
    const inbound = sms('+14155550102', 'only once');
    const first = await hub.app.ingest.ingest(inbound);
    const retry = await hub.app.ingest.ingest(inbound);

    expect(retry.duplicate).toBe(true);
    expect(retry.message.id).toBe(first.message.id);
    expect(await count('messages', 'provider_message_id = $1', [inbound.providerMessageId])).toBe(1);
  });

  it('stores one message when the same provider id arrives five times at once', async () => {
    const inbound = sms('+14155550103', 'racing retries');
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => hub.app.ingest.ingest(inbound)));

    expect(new Set(outcomes.map((outcome) => outcome.message.id)).size).toBe(1);
    expect(outcomes.filter((outcome) => !outcome.duplicate)).toHaveLength(1);
    expect(await count('messages', 'provider_message_id = $1', [inbound.providerMessageId])).toBe(1);
    expect(await count('contact_identities', 'address = $1', ['+14155550103'])).toBe(1);
  });

  it('opens one contact and one conversation when a new sender sends several messages at once', async () => {
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((text) => hub.app.ingest.ingest(sms('+14155550104', text))),
    );

    expect(new Set(outcomes.map((outcome) => outcome.conversation.id)).size).toBe(1);
    expect(outcomes.filter((outcome) => outcome.isNewContact)).toHaveLength(1);
    expect(
      await count('contacts c JOIN contact_identities i ON i.contact_id = c.id', 'i.address = $1', ['+14155550104']),
    ).toBe(1);
    expect(await count('messages', 'conversation_id = $1', [outcomes[0].conversation.id])).toBe(4);
  });

  it('stores a burst from many known customers at once, each message once, each count right', async () => {
    // Concurrent messages share append statements (group commit); two of one customer never share one.
    const customers = Array.from({ length: 12 }, (_, index) => `+1415555${String(2000 + index)}`);
    const opened = await Promise.all(customers.map((from) => hub.app.ingest.ingest(sms(from, 'hello'))));
    const burst = customers.flatMap((from) => ['one', 'two', 'three'].map((text) => sms(from, text)));
    const outcomes = await Promise.all(burst.map((inbound) => hub.app.ingest.ingest(inbound)));

    expect(outcomes.every((outcome) => !outcome.duplicate && !outcome.isNewConversation)).toBe(true);
    outcomes.forEach((outcome, index) => {
      expect(outcome.message.body).toBe(burst[index].text);
      expect(outcome.conversation.id).toBe(opened[Math.floor(index / 3)].conversation.id);
    });
    const rows = await query<{ address: string; unread_count: number; messages: string }>(
      `SELECT i.address, c.unread_count, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS messages
         FROM conversations c JOIN contact_identities i ON i.id = c.identity_id WHERE i.address = ANY($1)`,
      [customers],
    );
    expect(rows).toHaveLength(12);
    expect(rows.every((row) => row.unread_count === 4 && Number(row.messages) === 4)).toBe(true);
  });

  it("refuses a provider id that another sender's message already holds, in one burst or later", async () => {
    const [first, second] = ['+14155552100', '+14155552101'];
    await Promise.all([first, second].map((from) => hub.app.ingest.ingest(sms(from, 'hello'))));
    const shared = `SMshared${Date.now()}`;
    const outcomes = await Promise.allSettled(
      [first, second].map((from) => hub.app.ingest.ingest(sms(from, `from ${from}`, { providerMessageId: shared }))),
    );

    const stored = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(stored).toHaveLength(1);
    expect(refused.map((outcome) => outcome.reason)).toEqual([expect.objectContaining({ code: 'MESSAGE_ID_TAKEN' })]);
    // Either sender may win the burst; the one who lost it is refused again when they retry later.
    const loser = outcomes[0].status === 'rejected' ? first : second;
    await expect(hub.app.ingest.ingest(sms(loser, 'later', { providerMessageId: shared }))).rejects.toMatchObject({
      code: 'MESSAGE_ID_TAKEN',
      status: 409,
    });
    expect(await count('messages', 'provider_message_id = $1', [shared])).toBe(1);
  });

  it('treats the same number on SMS and WhatsApp as one contact with a conversation per channel', async () => {
    const bySms = await hub.app.ingest.ingest(sms('+14155550105', 'by text'));
    const byWhatsApp = await hub.app.ingest.ingest(sms('+14155550105', 'by whatsapp', { channel: 'whatsapp' }));

    expect(byWhatsApp.message.contactId).toBe(bySms.message.contactId);
    expect(byWhatsApp.isNewContact).toBe(false);
    expect(byWhatsApp.conversation.id).not.toBe(bySms.conversation.id);
    expect(byWhatsApp.conversation.channel).toBe('whatsapp');
  });

  it('opens a new conversation after the previous one was resolved, for the same contact', async () => {
    const first = await hub.app.ingest.ingest(sms('+14155550106', 'first visit'));
    await query("UPDATE conversations SET status = 'resolved' WHERE id = $1", [first.conversation.id]);
    const next = await hub.app.ingest.ingest(sms('+14155550106', 'back again'));

    expect(next.conversation.id).not.toBe(first.conversation.id);
    expect(next).toMatchObject({ isNewConversation: true, isNewContact: false });
    expect(next.message.contactId).toBe(first.message.contactId);
  });

  it('reopens a pending or snoozed conversation when the customer writes', async () => {
    const first = await hub.app.ingest.ingest(sms('+14155550107', 'hi'));
    await query("UPDATE conversations SET status = 'snoozed' WHERE id = $1", [first.conversation.id]);
    const next = await hub.app.ingest.ingest(sms('+14155550107', 'anyone?'));

    expect(next.conversation).toMatchObject({ id: first.conversation.id, status: 'open' });
  });

  it('publishes message.received after the commit, once per stored message', async () => {
    const seen: HubEvents['message.received'][] = [];
    const committed: number[] = [];
    const off = hub.app.bus.on('message.received', async (event) => {
      seen.push(event);
      committed.push(await count('messages', 'id = $1', [event.message.id]));
    });
    const inbound = sms('+14155550108', 'tell everyone');
    await hub.app.ingest.ingest(inbound);
    await hub.app.ingest.ingest(inbound);
    await hub.app.bus.drain();
    off();

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ isNewContact: true, isNewConversation: true, message: { body: 'tell everyone' } });
    expect(committed).toEqual([1]);
  });

  it('keeps media as attachments and the raw payload for audit', async () => {
    const outcome = await hub.app.ingest.ingest(
      sms('+14155550109', '', {
        attachments: [{ url: 'https://media.example.com/cat.jpg', contentType: 'image/jpeg' }],
        raw: { Latitude: '51.5', Longitude: '-0.12' },
      }),
    );
    const [row] = await query('SELECT attachments, raw, body FROM messages WHERE id = $1', [outcome.message.id]);

    expect(row.attachments).toEqual([{ url: 'https://media.example.com/cat.jpg', contentType: 'image/jpeg' }]);
    expect(row.raw).toEqual({ Latitude: '51.5', Longitude: '-0.12' });
    expect(row.body).toBeNull();
  });

  describe('rejects bad input and stores nothing', () => {
    const cases: [string, InboundMessage, string][] = [
      [
        'a message with neither text nor media',
        { channel: 'sms', from: '+14155550190', providerMessageId: 'SMempty', text: '   ' },
        'EMPTY_MESSAGE',
      ],
      [
        'a text over 64 KiB',
        { channel: 'sms', from: '+14155550191', providerMessageId: 'SMhuge', text: 'x'.repeat(64 * 1024 + 1) },
        'MESSAGE_TOO_LARGE',
      ],
      [
        'an unknown channel',
        { channel: 'fax' as never, from: '+14155550192', providerMessageId: 'SMfax', text: 'hi' },
        'VALIDATION_FAILED',
      ],
      [
        'a missing sender',
        { channel: 'sms', from: '', providerMessageId: 'SMnofrom', text: 'hi' },
        'VALIDATION_FAILED',
      ],
      [
        'an attachment that is not an http(s) URL',
        {
          channel: 'sms',
          from: '+14155550193',
          providerMessageId: 'SMjs',
          attachments: [{ url: 'javascript:alert(1)', contentType: 'text/html' }],
        },
        'VALIDATION_FAILED',
      ],
    ];

    it.each(cases)('%s', async (_name, inbound, code) => {
      const before = await count('messages');
      const contactsBefore = await count('contacts');
      const failure = await hub.app.ingest.ingest(inbound).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).code).toBe(code);
      expect(await count('messages')).toBe(before);
      expect(await count('contacts')).toBe(contactsBefore);
    });

    it('refuses a sender address with a NUL character (addresses are matched exactly, never altered)', async () => {
      const failure = await hub.app.ingest.ingest(sms('+1415555\u00000195', 'hi')).catch((error: unknown) => error);
      expect((failure as AppError).code).toBe('VALIDATION_FAILED');
    });

    it('stores a message whose text or payload holds NUL characters, without them (PostgreSQL cannot)', async () => {
      // Once as a first message (the transaction path) and once more in the open conversation.
      for (const text of ['first\u0000 word', 'sec\u0000ond']) {
        const outcome = await hub.app.ingest.ingest(
          sms('+14155550196', text, { raw: { Body: text, 'Odd\u0000Key': ['x\u0000'] }, senderName: 'Ann\u0000' }),
        );
        expect(outcome.message.body).toBe(text.replace('\u0000', ''));
        const [row] = await query<{ raw: Record<string, unknown> }>('SELECT raw FROM messages WHERE id = $1', [
          outcome.message.id,
        ]);
        expect(row.raw).toEqual({ Body: text.replace('\u0000', ''), OddKey: ['x'] });
      }
    });

    it('accepts exactly 64 KiB of text', async () => {
      const outcome = await hub.app.ingest.ingest(sms('+14155550194', 'y'.repeat(64 * 1024)));
      expect(outcome.message.body).toHaveLength(64 * 1024);
    });
  });
});
