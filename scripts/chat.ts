/**
 * `npm run chat -- flows/welcome.yaml --contact maya`: chat with one flow in the terminal as a
 * demo contact (maya, rick, sam) or a new one (`--contact new`), on the real hub with embedded
 * PGlite in a temporary folder. Shows the bot's lines as the channel would (`--channel sms`,
 * `whatsapp` or `webchat`) and every change to the contact's profile as it happens.
 * Without `--channel`, a demo contact chats on their own channel when the hub may write there
 * now, and on web chat otherwise (Rick's WhatsApp window closed long ago): the point is to try
 * the flow. With `--channel`, that channel's rules apply as they would in production.
 * Type /wait to let a wait step's time pass, /profile to see the profile, /quit to leave.
 */
import 'reflect-metadata';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import type { ChannelName } from '../src/core/types';
import { loadFlowFile } from '../flows/schema/load-flow';

const DEMO = { maya: 'Maya', rick: 'Rick', sam: 'Sam' } as const;
// Colours only for a person at a terminal (https://no-color.org), not for pipes and tests.
const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint(2);
const bot = paint(36);
const changed = paint(33);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      contact: { type: 'string', default: 'new' },
      channel: { type: 'string' },
      data: { type: 'string', default: '{}' },
    },
  });
  const file = positionals[0];
  if (!file)
    throw new Error(
      'usage: npm run chat -- flows/<flow>.yaml [--contact maya|rick|sam|new] [--channel sms|whatsapp|webchat] [--data \'{"item":"…"}\']',
    );
  const loaded = loadFlowFile(path.resolve(file));
  const contactName = values.contact as string;
  if (contactName !== 'new' && !(contactName in DEMO)) throw new Error(`--contact must be one of maya, rick, sam, new`);

  const dir = mkdtempSync(path.join(tmpdir(), 'rapport-chat-'));
  const flowsDir = path.join(dir, 'flows');
  mkdirSync(flowsDir);
  copyFileSync(path.resolve(file), path.join(flowsDir, path.basename(file)));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    DATABASE_URL: '',
    RAPPORT_DATA_DIR: dir,
    RAPPORT_SEED_DEMO: 'true',
    RAPPORT_ADMIN_PASSWORD: 'chat-only-password',
    RAPPORT_FLOWS_ENABLED: 'true',
    RAPPORT_FLOWS_DIR: flowsDir,
    RAPPORT_FLOWS_POLL_MS: '3600000',
  });
  console.log(dim(`Starting a hub on embedded PGlite in ${dir} …`));
  const app = await createApp(config);
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => app.store.dataSource.query(sql, params);
  for (const channel of ['sms', 'whatsapp'] as const)
    app.channels.register({ channel, send: async () => ({ ok: true, status: 'sent' }) });

  try {
    // Who we are: a demo contact on their own channel (the demo's sample thread is closed first), or someone new.
    let channel = (values.channel as ChannelName | undefined) ?? 'sms';
    let address = `+1415555${String(Math.floor(1000 + Math.random() * 8999))}`;
    let contactId: string | null = null;
    if (contactName !== 'new') {
      const [identity] = await query<{ contact_id: string; channel: ChannelName; address: string }>(
        `SELECT i.contact_id, i.channel, i.address FROM contact_identities i JOIN contacts c ON c.id = i.contact_id
          WHERE c.first_name = $1 LIMIT 1`,
        [DEMO[contactName as keyof typeof DEMO]],
      );
      contactId = identity.contact_id;
      await query("UPDATE conversations SET status = 'resolved' WHERE contact_id = $1", [contactId]);
      channel = identity.channel;
      address = identity.address;
      const refusal = values.channel ? null : await refusalOnOwnChannel(app, contactId);
      if (refusal) {
        console.log(
          dim(
            `The hub may not write to ${DEMO[contactName as keyof typeof DEMO]} on ${identity.channel} now (${refusal}): chatting on web chat instead (--channel to choose).`,
          ),
        );
        await query("UPDATE conversations SET status = 'resolved' WHERE contact_id = $1", [contactId]);
      }
      const wanted = refusal ? 'webchat' : ((values.channel as ChannelName | undefined) ?? identity.channel);
      if (wanted !== identity.channel) {
        channel = wanted;
        address = channel === 'webchat' ? `visitor-${Date.now()}` : address;
        await query('INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, $2, $3)', [
          contactId,
          channel,
          address,
        ]);
      }
    } else if (channel === 'webchat') {
      address = `visitor-${Date.now()}`;
    }

    app.bus.on('message.created', async ({ message }) => {
      if (message.authorKind !== 'bot' || message.contactId !== contactId) return;
      const [row] = await query<{ metadata: { choices?: string[] } }>('SELECT metadata FROM messages WHERE id = $1', [
        message.id,
      ]);
      const buttons = row?.metadata.choices
        ? `\n  ${row.metadata.choices.map((choice) => `[ ${choice} ]`).join(' ')}`
        : '';
      console.log(bot(`bot › ${message.body?.replace(/\n/g, '\n      ')}${buttons}`));
    });
    let profile = contactId ? await readProfile(query, contactId) : {};
    const showChanges = async () => {
      await app.bus.drain();
      if (!contactId) return;
      const next = await readProfile(query, contactId);
      for (const line of diff(profile, next)) console.log(changed(`  ✎ ${line}`));
      profile = next;
    };

    console.log(
      dim(
        `Flow "${loaded.flow.name}" (${loaded.flow.id}@${loaded.version}) as ${contactName} on ${channel}. /wait, /profile, /quit.`,
      ),
    );
    const starts = loaded.flow.triggers;
    const event = starts.find((trigger) => trigger.type === 'event');
    if (contactId && app.flows) {
      const conversationId = await app.flows.conversations.openConversation(contactId);
      const report = await app.flows.runner.startFlow({
        conversationId,
        flowId: loaded.flow.id,
        trigger:
          event?.type === 'event'
            ? { kind: 'event', event: event.event, data: JSON.parse(values.data as string) }
            : { kind: 'requested' },
      });
      if (report.undelivered)
        console.log(
          dim(
            `The flow could not start: the hub may not write on ${channel} now (${report.undelivered}). Write first.`,
          ),
        );
      await showChanges();
    } else {
      console.log(
        dim(
          'You are a new contact: say something to start (your first message starts the welcome flow, or use a keyword).',
        ),
      );
    }

    const input = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you › ' });
    // Iterating the lines (not question()) keeps piped input from being dropped between turns.
    const lines = input[Symbol.asyncIterator]();
    let sequence = 0;
    for (;;) {
      input.prompt();
      const next = await lines.next();
      // At the end of piped input, end the prompt's line so the shell's prompt starts on its own.
      if (next.done && !process.stdin.isTTY) console.log('');
      const line = next.done ? '/quit' : next.value;
      if (!process.stdin.isTTY && !next.done) console.log(line);
      if (line === '/quit') break;
      if (line === '/profile') {
        console.log(JSON.stringify(profile, null, 2));
        continue;
      }
      if (line === '/wait') {
        await query("UPDATE flow_runs SET resume_at = now() WHERE status = 'waiting' AND contact_id = $1", [contactId]);
        await app.flows?.resumeDue();
      } else if (line.trim() !== '') {
        const outcome = await app.ingest.ingest({
          channel,
          from: address,
          providerMessageId: `chat-${Date.now()}-${sequence++}`,
          text: line,
        });
        if (!contactId) {
          contactId = outcome.message.contactId;
          await app.bus.drain();
          profile = {};
        }
      }
      await showChanges();
      const [run] = await query<{ status: string }>(
        'SELECT status FROM flow_runs WHERE contact_id = $1 ORDER BY created_at DESC LIMIT 1',
        [contactId],
      );
      if (run && !['active', 'waiting'].includes(run.status)) console.log(dim(`— the run is over (${run.status})`));
    }
    input.close();
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Why the hub may not write to the contact on their own channel now (WhatsApp's window…), or null. */
async function refusalOnOwnChannel(app: App, contactId: string): Promise<string | null> {
  if (!app.flows) return null;
  return app.outbound.refusalFor(await app.flows.conversations.openConversation(contactId));
}

async function readProfile(query: Query, contactId: string): Promise<Record<string, unknown>> {
  // A birthday is a date, not a moment: shown as 1988-03-14, not as a UTC timestamp.
  const [row] = await query<Record<string, unknown>>(
    `SELECT first_name, last_name, email, to_char(birthday, 'YYYY-MM-DD') AS birthday, time_zone, attributes, tags
       FROM contacts WHERE id = $1`,
    [contactId],
  );
  const { attributes, ...fields } = row;
  return {
    ...fields,
    ...Object.fromEntries(Object.entries(attributes as object).map(([key, value]) => [`attributes.${key}`, value])),
  };
}

/** The fields that changed; unknown, null and an empty list all read as "nothing known". */
function diff(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const shown = (value: unknown) =>
    JSON.stringify(value === undefined || (Array.isArray(value) && value.length === 0) ? null : value);
  return Object.keys(after)
    .filter((key) => shown(before[key]) !== shown(after[key]))
    .map((key) => `${key}: ${shown(before[key])} → ${shown(after[key])}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
