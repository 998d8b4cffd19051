import { randomUUID } from 'node:crypto';
import { Agent, fetch } from 'undici';
import type { HubEvents } from '../../src/core/events';
import type { TestApp } from '../helpers/test-app';
import { lineMatches, type TranscriptCase, type TranscriptLine } from './transcript';

/**
 * A new connection for each event: cases between two events run for seconds without HTTP, and a
 * kept-alive socket reused just as the hub's keep-alive timer closes it is reset (ECONNRESET).
 */
const oneShot = new Agent({ pipelining: 0 });

export const API_KEY = 'test-api-key-for-flow-events';

const DEMO_NAMES = { maya: 'Maya', rick: 'Rick', sam: 'Sam' } as const;
let phoneSequence = 200;

type ActualLine =
  { user: string } | { bot: { text: string; choices?: string[] } } | { agent: string } | { time_passes: true };

/**
 * Plays one transcript case on the real hub: the customer's lines go through ingest, the bot's
 * come back through the outbound service, events through the API, waits through the poller's
 * own function. Returns what happened, for the caller to compare.
 */
export async function playCase(hub: TestApp, testCase: TranscriptCase) {
  const { app } = hub;
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => app.store.dataSource.query(sql, params);
  const address =
    testCase.channel === 'webchat' ? `visitor-${randomUUID()}` : `+1415555${String(phoneSequence++).padStart(4, '0')}`;
  // Runs created from here on are this case's (a demo contact has runs from earlier cases).
  const [{ started_at: startedAt }] = await query<{ started_at: Date }>('SELECT clock_timestamp() AS started_at');
  let contactId = await prepareContact(query, testCase, address);

  const botMessageIds: string[] = [];
  const handoffs: HubEvents['conversation.handoff'][] = [];
  const offCreated = app.bus.on('message.created', ({ message }) => {
    if (message.authorKind === 'bot' && contactId !== null && message.contactId === contactId)
      botMessageIds.push(message.id);
  });
  const offHandoff = app.bus.on('conversation.handoff', (event) => {
    if (event.conversation.contactId === contactId) handoffs.push(event);
  });
  const actual: ActualLine[] = [];
  let seen = 0;
  const collect = async () => {
    await app.bus.drain();
    const ids = botMessageIds.slice(seen);
    seen = botMessageIds.length;
    for (const id of ids) {
      const [row] = await query<{ body: string; metadata: { choices?: string[] } }>(
        'SELECT body, metadata FROM messages WHERE id = $1',
        [id],
      );
      actual.push({
        bot: row.metadata.choices ? { text: row.body, choices: row.metadata.choices } : { text: row.body },
      });
    }
  };

  try {
    if (testCase.start) {
      const response = await fetch(`${hub.url}/api/events`, {
        dispatcher: oneShot,
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ contactId, name: testCase.start.event, data: testCase.start.data ?? {} }),
      });
      if (response.status !== 202)
        throw new Error(`POST /api/events answered ${response.status}: ${await response.text()}`);
      await collect();
    }
    let sequence = 0;
    for (const line of testCase.transcript) {
      if ('user' in line) {
        actual.push({ user: expand(line.user) });
        const outcome = await app.ingest.ingest({
          channel: testCase.channel,
          from: address,
          providerMessageId: `TR-${randomUUID()}-${sequence++}`,
          text: expand(line.user),
        });
        contactId ??= outcome.message.contactId;
      } else if ('agent' in line) {
        actual.push(line);
        const conversationId = await openConversation(query, contactId as string);
        await app.outbound.send({ conversationId, text: line.agent, authorKind: 'agent' });
      } else if ('time_passes' in line) {
        actual.push(line);
        await query(
          "UPDATE flow_runs SET resume_at = now() - interval '1 second' WHERE contact_id = $1 AND status = 'waiting'",
          [contactId],
        );
        await app.flows?.resumeDue();
      } else {
        continue;
      }
      await collect();
    }
  } finally {
    offCreated();
    offHandoff();
  }
  const runs = await query<{ flow_id: string }>(
    'SELECT flow_id FROM flow_runs WHERE contact_id = $1 AND created_at >= $2 ORDER BY created_at',
    [contactId, startedAt],
  );
  return { actual, contactId: contactId as string, handoffs, query, flowsRun: runs.map((run) => run.flow_id) };
}

/** `${10KB}` stands for 10 KB of text, so transcripts can say what a paste does without carrying it. */
function expand(text: string): string {
  return text.replace('${10KB}', 'lorem ipsum '.repeat(854).slice(0, 10_240));
}

/** Compares the transcript line by line and explains the first difference with both transcripts. */
export function compareTranscript(expected: TranscriptLine[], actual: ActualLine[]): string | null {
  const show = (lines: (TranscriptLine | ActualLine)[]) =>
    lines
      .map((line) => {
        if ('bot' in line) {
          const bot = typeof line.bot === 'string' ? { text: line.bot } : line.bot;
          return `  bot: ${bot.text}${'choices' in bot && bot.choices ? `  [${bot.choices.join(' | ')}]` : ''}`;
        }
        return `  ${Object.keys(line)[0]}: ${String(Object.values(line)[0]).slice(0, 200)}`;
      })
      .join('\n');
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    const want = expected[i];
    const got = actual[i];
    if (!want || !got || !same(want, got)) {
      return `transcript differs at line ${i + 1}\n--- expected\n${show(expected)}\n--- actual\n${show(actual)}`;
    }
  }
  return null;
}

function same(want: TranscriptLine, got: ActualLine): boolean {
  if ('bot' in want) {
    if (!('bot' in got)) return false;
    const text = typeof want.bot === 'string' ? want.bot : want.bot.text;
    if (!lineMatches(text, got.bot.text)) return false;
    return typeof want.bot === 'string' || JSON.stringify(want.bot.choices) === JSON.stringify(got.bot.choices);
  }
  if ('user' in want && 'user' in got) return expand(want.user) === got.user;
  return JSON.stringify(want) === JSON.stringify(got);
}

async function prepareContact(
  query: <T>(sql: string, params?: unknown[]) => Promise<T[]>,
  testCase: TranscriptCase,
  address: string,
): Promise<string | null> {
  const { contact } = testCase;
  if (contact === 'new') return null;
  let contactId: string;
  if (typeof contact === 'string') {
    const [row] = await query<{ id: string }>(
      'SELECT id FROM contacts WHERE first_name = $1 ORDER BY created_at LIMIT 1',
      [DEMO_NAMES[contact]],
    );
    contactId = row.id;
    // Each case starts a fresh conversation, like a new day at the shop.
    await query("UPDATE conversations SET status = 'resolved' WHERE contact_id = $1 AND status <> 'resolved'", [
      contactId,
    ]);
  } else {
    const [row] = await query<{ id: string }>(
      `INSERT INTO contacts (first_name, last_name, email, time_zone, locale, birthday, attributes, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id`,
      [
        contact.first_name ?? null,
        contact.last_name ?? null,
        contact.email ?? null,
        contact.time_zone ?? null,
        contact.locale ?? null,
        contact.birthday ?? null,
        JSON.stringify(contact.attributes ?? {}),
        contact.tags ?? [],
      ],
    );
    contactId = row.id;
  }
  const [identity] = await query<{ id: string }>(
    'INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, $2, $3) RETURNING id',
    [contactId, testCase.channel, address],
  );
  if (testCase.last_wrote_hours_ago !== undefined) {
    await query(
      `INSERT INTO conversations (contact_id, identity_id, channel, last_inbound_at, last_message_at)
       VALUES ($1, $2, $3, now() - $4 * interval '1 hour', now() - $4 * interval '1 hour')`,
      [contactId, identity.id, testCase.channel, testCase.last_wrote_hours_ago],
    );
  }
  return contactId;
}

async function openConversation(query: <T>(sql: string, params?: unknown[]) => Promise<T[]>, contactId: string) {
  const [row] = await query<{ id: string }>(
    "SELECT id FROM conversations WHERE contact_id = $1 AND status <> 'resolved' ORDER BY created_at DESC LIMIT 1",
    [contactId],
  );
  return row.id;
}
