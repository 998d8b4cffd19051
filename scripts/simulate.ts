/**
 * `npm run simulate -- sms --from +14155550123 "Hi there"` (or `whatsapp`): sends a correctly
 * signed Twilio webhook to a running hub and prints the replies that reach its sandbox.
 * Reads the same configuration (and data folder secret) as the hub, so it signs with the
 * sandbox token the hub expects. Options: --url (the hub's public URL), --wait seconds.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import {
  sandboxCredentials,
  SANDBOX_SMS_FROM,
  SANDBOX_WHATSAPP_FROM,
} from '../channels/twilio/sandbox/sandbox-credentials';
import { loadConfig } from '../src/config';
import { resolveSecret } from '../src/secret';

interface SandboxMessage {
  sid: string;
  body: string | null;
  contentSid: string | null;
  mediaUrls: string[];
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, url: { type: 'string' }, wait: { type: 'string', default: '5' } },
  });
  const [channel, ...words] = positionals;
  const text = words.join(' ');
  if ((channel !== 'sms' && channel !== 'whatsapp') || !values.from || !text) {
    console.error(
      'usage: npm run simulate -- sms|whatsapp --from +14155550123 "Hi there" [--url http://127.0.0.1:3000]',
    );
    process.exit(2);
  }
  const config = loadConfig();
  if (config.TWILIO_ACCOUNT_SID) {
    console.error(
      'The hub is configured for live Twilio (TWILIO_ACCOUNT_SID is set): simulate only talks to the sandbox.',
    );
    process.exit(2);
  }
  const { accountSid, authToken } = sandboxCredentials(resolveSecret(config.RAPPORT_SECRET, config.RAPPORT_DATA_DIR));
  const hubUrl = (values.url ?? config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, '');
  const webhookUrl = `${hubUrl}/webhooks/twilio`;
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const from = channel === 'whatsapp' ? `whatsapp:${values.from}` : values.from;
  const to = channel === 'whatsapp' ? `whatsapp:${SANDBOX_WHATSAPP_FROM}` : SANDBOX_SMS_FROM;
  const params = {
    MessageSid: sid,
    SmsMessageSid: sid,
    AccountSid: accountSid,
    From: from,
    To: to,
    Body: text,
    NumMedia: '0',
  };

  const since = new Date().toISOString();
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, webhookUrl, params),
    },
    body: new URLSearchParams(params),
  });
  console.log(`→ ${channel} from ${values.from}: "${text}"  (hub answered ${response.status})`);
  if (!response.ok) {
    console.error(await response.text());
    process.exit(1);
  }

  const seen = new Set<string>();
  const deadline = Date.now() + Number(values.wait) * 1000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The sandbox answers this machine, or anyone with its credentials (a hub elsewhere, --url).
    const listing = await fetch(
      `${hubUrl}/sandbox/twilio/messages?to=${encodeURIComponent(values.from)}&since=${encodeURIComponent(since)}`,
      { headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` } },
    );
    const { messages } = (await listing.json()) as { messages: SandboxMessage[] };
    for (const message of messages.filter((candidate) => !seen.has(candidate.sid))) {
      seen.add(message.sid);
      const content = message.body ?? (message.contentSid ? `[template ${message.contentSid}]` : '');
      console.log(`← ${content}${message.mediaUrls.length ? `  (+${message.mediaUrls.length} media)` : ''}`);
    }
  }
  if (seen.size === 0) console.log(`(no reply within ${values.wait}s)`);
}

main().catch((error: unknown) => {
  console.error('simulate failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
