import type { ContactProfile } from '../../src/inbox/contact-service';
import { FlowConversations } from '../../src/flows-runtime/flow-conversations';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Issue 12, defect 3: who a contact is. The inbox stored whatever phone text an agent typed and
 * the events API read numbers as American, while ingest joins SMS and WhatsApp by the exact
 * E.164 number: one person became two. Every writer now reads numbers in the configured region.
 */
let hub: TestApp;
let manager: TestUser;
let visitors = 0;

beforeAll(async () => {
  hub = await startTestApp({ TWILIO_DEFAULT_REGION: 'GB' });
  manager = await createUser(hub, 'manager');
});
afterAll(async () => {
  await hub.close();
});

/** A contact known only from web chat (no phone yet). */
async function webchatContact(): Promise<string> {
  visitors += 1;
  const outcome = await hub.app.ingest.ingest({
    channel: 'webchat',
    from: `identity-visitor-${visitors}`,
    providerMessageId: `identity-${visitors}`,
    text: 'hi',
  });
  return outcome.message.contactId;
}

const edit = (contactId: string, body: Record<string, unknown>) =>
  api<ContactProfile>(hub, 'PATCH', `/contacts/${contactId}`, { as: manager.session, body });

describe('contact identity', () => {
  it('stores a phone typed in the inbox in E.164, read in the configured region, so SMS finds that contact', async () => {
    const contactId = await webchatContact();

    const answer = await edit(contactId, { phone: '07700 900123' });

    expect(answer.status).toBe(200);
    expect(answer.body.phone).toBe('+447700900123');
    const sms = await hub.app.ingest.ingest({
      channel: 'sms',
      from: '+447700900123',
      providerMessageId: 'SM-identity-gb',
      text: 'it is me again',
    });
    expect(sms.message.contactId).toBe(contactId);
  });

  it('refuses a phone that cannot be a number with a 400 naming the field', async () => {
    const contactId = await webchatContact();

    const answer = await edit(contactId, { phone: 'call me maybe' });

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^phone/) },
    });
    expect((await hub.app.store.dataSource.query('SELECT phone FROM contacts WHERE id = $1', [contactId]))[0]).toEqual({
      phone: null,
    });
  });

  it('stores emails normalized and shows the one display name', async () => {
    const contactId = await webchatContact();

    const answer = await edit(contactId, { email: 'Ada@Example.COM' });

    expect(answer.body).toMatchObject({ email: 'ada@example.com', displayName: null, name: 'ada@example.com' });
  });

  it('finds the contact of an API event by a number written the way the configured region writes it', async () => {
    const contactId = await webchatContact();
    await edit(contactId, { phone: '+44 7700 900456' });
    const conversations = new FlowConversations(hub.app.store.dataSource, hub.app.config.TWILIO_DEFAULT_REGION);

    expect(await conversations.findContact({ phone: '07700 900456' })).toBe(contactId);
    expect(await conversations.findContact({ email: ' ADA2@example.com ' }).catch((error) => error.code)).toBe(
      'CONTACT_NOT_FOUND',
    );
  });
});
