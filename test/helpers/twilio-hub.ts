import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { startTestApp, type TestApp } from './test-app';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const PUBLIC_URL = 'https://hub.example.com';
export const SMS_FROM = '+14155550100';
export const WHATSAPP_FROM = '+14155550199';

export interface TwilioHub {
  hub: TestApp;
  fake: FakeTwilio;
  close(): Promise<void>;
}

/** The real hub, live-configured against a fake Twilio API on 127.0.0.1. */
export async function startTwilioHub(
  env: Record<string, string> = {},
  options: Parameters<typeof startTestApp>[1] = {},
): Promise<TwilioHub> {
  const fake = await startFakeTwilio();
  const hub = await startTestApp(
    {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_SMS_FROM: SMS_FROM,
      TWILIO_WHATSAPP_FROM: WHATSAPP_FROM,
      TWILIO_API_URL: fake.url,
      PUBLIC_URL,
      OUTBOUND_RETRY_LIMIT: '3',
      OUTBOUND_RETRY_DELAY_SECONDS: '1',
      ...env,
    },
    options,
  );
  return {
    hub,
    fake,
    close: async () => {
      await hub.close();
      await fake.close();
    },
  };
}

/** A test file's Twilio hub: started in beforeAll, closed in afterAll; `query` reads its database. */
export interface TwilioHubSuite {
  readonly hub: TestApp;
  readonly fake: FakeTwilio;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Registers the file's hooks for one hub shared by the file's tests (see startTwilioHub). */
export function useTwilioHub(
  env: Record<string, string> = {},
  options: Parameters<typeof startTestApp>[1] = {},
): TwilioHubSuite {
  let started: TwilioHub | undefined;
  beforeAll(async () => {
    started = await startTwilioHub(env, options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): TwilioHub => {
    if (!started) throw new Error('the Twilio hub starts in beforeAll');
    return started;
  };
  return {
    get hub() {
      return current().hub;
    },
    get fake() {
      return current().fake;
    },
    query: <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
      current().hub.app.store.dataSource.query(sql, params),
  };
}

/** The customer texts `body` through the webhook; resolves once every listener has run, with the stored message's ids. */
export async function textHub(
  suite: TwilioHubSuite,
  from: string,
  body: string,
): Promise<{ conversationId: string; contactId: string }> {
  const form = inboundForm(from, body);
  expect((await postSigned(suite.hub, '/webhooks/twilio', form)).status).toBe(200);
  await suite.hub.app.bus.drain();
  const [row] = await suite.query<{ conversation_id: string; contact_id: string }>(
    'SELECT conversation_id, contact_id FROM messages WHERE provider_message_id = $1',
    [form.MessageSid],
  );
  return { conversationId: row.conversation_id, contactId: row.contact_id };
}

export const newSid = (prefix = 'SM'): string => `${prefix}${randomBytes(16).toString('hex')}`;

/**
 * Posts a form to the hub the way Twilio does: signed with the SDK's own algorithm over the URL
 * Twilio called (`signedUrl`, the public one by default).
 */
export async function postSigned(
  hub: TestApp,
  pathAndQuery: string,
  params: Record<string, string>,
  options: { authToken?: string; signedUrl?: string; signature?: string | null } = {},
): Promise<Response> {
  const signedUrl = options.signedUrl ?? `${PUBLIC_URL}${pathAndQuery}`;
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(options.authToken ?? AUTH_TOKEN, signedUrl, params)
      : options.signature;
  return fetch(`${hub.url}${pathAndQuery}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    },
    body: new URLSearchParams(params),
  });
}

/** An inbound SMS (or WhatsApp, with `whatsapp:` on From) as Twilio posts it. */
export function inboundForm(from: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  const sid = newSid();
  return {
    MessageSid: sid,
    SmsMessageSid: sid,
    AccountSid: ACCOUNT_SID,
    From: from,
    To: from.startsWith('whatsapp:') ? `whatsapp:${WHATSAPP_FROM}` : SMS_FROM,
    Body: body,
    NumMedia: '0',
    ...extra,
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
