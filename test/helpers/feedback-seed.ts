import type { DataSource } from 'typeorm';

/**
 * A known set of feedback: contacts with segments and tags, agents, conversations, ratings,
 * comments and requests, generated from a seed so tests can compute the right answers directly.
 */
export interface SeededFeedback {
  id: string;
  contactId: string;
  conversationId: string;
  channel: string;
  flowId: string;
  variant: string | null;
  agentId: string | null;
  kind: 'csat' | 'nps' | 'comment';
  score: number | null;
  comment: string | null;
  sentimentLabel: 'positive' | 'neutral' | 'negative' | null;
  tags: string[];
  createdAt: Date;
  segment: string | null;
  contactTags: string[];
}

export interface SeededRequest {
  contactId: string;
  conversationId: string;
  channel: string;
  flowId: string;
  variant: string | null;
  agentId: string | null;
  kind: 'csat' | 'nps' | 'comment';
  createdAt: Date;
  answered: boolean;
}

export interface FeedbackWorld {
  agents: { id: string; name: string; email: string }[];
  feedback: SeededFeedback[];
  requests: SeededRequest[];
  /** The conversation each agent is assigned, by agent id. */
  assignments: Map<string, string>;
}

/** Mulberry32: small, fast and the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POSITIVE = [
  'Lovely staff and the flat white was perfect',
  'Fast delivery, great packaging, love the bookmark',
  'The book club is wonderful, friendly people',
  'Great recommendations, the mystery was brilliant',
];
const NEGATIVE = [
  'Delivery was late and the box was damaged',
  'Cold coffee and a rude reply, really disappointing',
  'Late delivery again, the book arrived damaged',
  'Waited two weeks, terrible tracking, late parcel',
];
const NEUTRAL = ['It was fine', 'Okay I guess', 'Arrived on Tuesday'];

const CHANNELS = ['sms', 'whatsapp', 'webchat', 'botframework'];
const SEGMENTS = ['regular', 'music-fan', 'lapsed', 'student', 'wholesale', 'book-club', 'new', null];
const CONTACT_TAGS = [
  'vip',
  'mystery',
  'book-lover',
  '80s-rock',
  'jazz',
  'vinyl',
  'poetry',
  'sci-fi',
  'cookbooks',
  'kids',
  'gift-buyer',
  'local',
  'overseas',
  'newsletter',
  'loyalty-gold',
  'loyalty-silver',
  'events',
  'signed-copies',
  'audiobooks',
  'comics',
];
/** Tags a manager puts on ratings while reviewing them. */
const REVIEW_TAGS = ['late-delivery', 'damaged', 'refund', 'praise', 'staff', 'pricing'];
const FIRST_NAMES = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eve', 'Finn', 'Gia', 'Hugo', 'Iris', 'Jon', 'Kai', 'Lea'];

export interface SeedOptions {
  records: number;
  seed?: number;
  start: Date;
  days: number;
  /** Customers who answered (default 60): a shop's real figure is tens of thousands. */
  contacts?: number;
  /** Agents handling their conversations (default 3); a quarter of conversations has none. */
  agents?: number;
}

export async function seedFeedback(dataSource: DataSource, options: SeedOptions): Promise<FeedbackWorld> {
  const next = random(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const query = (sql: string, params: unknown[] = []) => dataSource.query(sql, params);
  const run = Math.floor(next() * 1e9);
  // The dashboard breaks scores down by saved segments: one per segment the contacts carry.
  await query(
    `INSERT INTO segments (key, name, rules)
     SELECT s, s, jsonb_build_object('field', 'contact.attributes.segment', 'equals', s) FROM unnest($1::text[]) AS s
     ON CONFLICT (key) DO NOTHING`,
    [SEGMENTS.filter((segment) => segment !== null)],
  );

  const agents: FeedbackWorld['agents'] = [];
  for (let n = 0; n < (options.agents ?? 3); n++) {
    const name = `${FIRST_NAMES[n % FIRST_NAMES.length]} Agent${n < FIRST_NAMES.length ? '' : ` ${n}`}`;
    const email = `agent-${n}-${run}@example.com`;
    const [row] = await query(`INSERT INTO users (email, name, role) VALUES ($1, $2, 'agent') RETURNING id`, [
      email,
      name,
    ]);
    agents.push({ id: row.id as string, name, email });
  }

  const people = Array.from({ length: options.contacts ?? 60 }, (_, n) => ({
    n,
    segment: pick(SEGMENTS),
    // 0–3 tags each, a few popular ones more often.
    tags: [
      ...new Set(Array.from({ length: Math.floor(next() * 4) }, () => CONTACT_TAGS[Math.floor(next() ** 2 * 20)])),
    ],
    channel: pick(CHANNELS),
  }));
  const contacts = await insertContacts(dataSource, people, `seed-${run}`);

  // One resolved conversation per contact, some with a second one; a quarter unassigned.
  const conversations: {
    id: string;
    contactId: string;
    channel: string;
    agentId: string | null;
    segment: string | null;
    tags: string[];
  }[] = [];
  const planned = contacts.flatMap((contact) =>
    Array.from({ length: next() < 0.3 ? 2 : 1 }, () => ({
      contact,
      agentId: next() < 0.25 ? null : pick(agents).id,
    })),
  );
  for (let offset = 0; offset < planned.length; offset += 5000) {
    const batch = planned.slice(offset, offset + 5000);
    const rows: { id: string }[] = await query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, assignee_id)
       SELECT c, i, ch, 'resolved', a FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[]) WITH ORDINALITY AS x(c, i, ch, a, n)
        ORDER BY n
       RETURNING id`,
      [
        batch.map((p) => p.contact.id),
        batch.map((p) => p.contact.identityId),
        batch.map((p) => p.contact.channel),
        batch.map((p) => p.agentId),
      ],
    );
    batch.forEach((p, index) =>
      conversations.push({
        id: rows[index].id,
        contactId: p.contact.id,
        channel: p.contact.channel,
        agentId: p.agentId,
        segment: p.contact.segment,
        tags: p.contact.tags,
      }),
    );
  }
  const assignments = new Map<string, string>();
  for (const conversation of conversations) {
    if (conversation.agentId && !assignments.has(conversation.agentId))
      assignments.set(conversation.agentId, conversation.id);
  }

  const feedback: Omit<SeededFeedback, 'id'>[] = [];
  const requests: SeededRequest[] = [];
  const span = options.days * 86_400_000;
  for (let n = 0; n < options.records; n++) {
    const conversation = pick(conversations);
    const kindRoll = next();
    const kind: SeededFeedback['kind'] = kindRoll < 0.5 ? 'csat' : kindRoll < 0.85 ? 'nps' : 'comment';
    const flowId = kind === 'nps' ? 'nps-survey' : 'post-purchase';
    const variant = next() < 0.5 ? null : pick(['a', 'b']);
    const score = kind === 'csat' ? 1 + Math.floor(next() * 5) : kind === 'nps' ? Math.floor(next() * 11) : null;
    const sentimentRoll = next();
    const withComment = kind === 'comment' || next() < 0.3;
    const sentimentLabel: SeededFeedback['sentimentLabel'] = !withComment
      ? null
      : sentimentRoll < 0.4
        ? 'negative'
        : sentimentRoll < 0.8
          ? 'positive'
          : 'neutral';
    const comment =
      sentimentLabel === null
        ? null
        : pick(sentimentLabel === 'negative' ? NEGATIVE : sentimentLabel === 'positive' ? POSITIVE : NEUTRAL);
    const createdAt = new Date(options.start.getTime() + Math.floor(next() * span));
    const record: Omit<SeededFeedback, 'id'> = {
      contactId: conversation.contactId,
      conversationId: conversation.id,
      channel: conversation.channel,
      flowId,
      variant,
      agentId: conversation.agentId,
      kind,
      score,
      comment,
      sentimentLabel,
      tags: next() < 0.1 ? [flowId, pick(REVIEW_TAGS)] : [flowId],
      createdAt,
      segment: conversation.segment,
      contactTags: conversation.tags,
    };
    feedback.push(record);
    requests.push({ ...record, answered: true, createdAt: new Date(createdAt.getTime() - 60_000) });
    // Some requests go unanswered.
    if (next() < 0.25)
      requests.push({ ...record, answered: false, createdAt: new Date(createdAt.getTime() - 120_000) });
  }

  const ids: { id: string }[] = await insertFeedback(dataSource, feedback);
  await insertRequests(dataSource, requests);
  return {
    agents,
    feedback: feedback.map((record, index) => ({ ...record, id: ids[index].id })),
    requests,
    assignments,
  };
}

async function insertFeedback(dataSource: DataSource, rows: Omit<SeededFeedback, 'id'>[]): Promise<{ id: string }[]> {
  const out: { id: string }[] = [];
  for (let offset = 0; offset < rows.length; offset += 5000) {
    const batch = rows.slice(offset, offset + 5000);
    const inserted: { id: string }[] = await dataSource.query(
      `INSERT INTO feedback (contact_id, conversation_id, channel, flow_id, variant, agent_id, kind, score, comment,
                             sentiment_label, sentiment_score, tags, created_at)
       SELECT c, v, ch, f, va, a, k, s, cm, sl,
              CASE sl WHEN 'positive' THEN 0.4 WHEN 'negative' THEN -0.4 WHEN 'neutral' THEN 0 END,
              string_to_array(tg, ','), t
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::int[],
                     $9::text[], $10::text[], $11::timestamptz[], $12::text[])
              WITH ORDINALITY AS x(c, v, ch, f, va, a, k, s, cm, sl, t, tg, n)
        ORDER BY n
       RETURNING id`,
      [
        batch.map((r) => r.contactId),
        batch.map((r) => r.conversationId),
        batch.map((r) => r.channel),
        batch.map((r) => r.flowId),
        batch.map((r) => r.variant),
        batch.map((r) => r.agentId),
        batch.map((r) => r.kind),
        batch.map((r) => r.score),
        batch.map((r) => r.comment),
        batch.map((r) => r.sentimentLabel),
        batch.map((r) => r.createdAt.toISOString()),
        batch.map((r) => r.tags.join(',')),
      ],
    );
    out.push(...inserted);
  }
  return out;
}

interface Person {
  n: number;
  segment: string | null;
  tags: string[];
  channel: string;
}

/** Contacts with one identity each, in batches (tens of thousands one by one would take minutes). */
async function insertContacts(dataSource: DataSource, people: Person[], addressPrefix: string) {
  const out: (Omit<Person, 'n'> & { id: string; identityId: string })[] = [];
  for (let offset = 0; offset < people.length; offset += 5000) {
    const batch = people.slice(offset, offset + 5000);
    const rows: { id: string; identity_id: string }[] = await dataSource.query(
      `WITH x AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                       WITH ORDINALITY AS x(name, segment, tags, channel, address, n)
       ), inserted AS (
         INSERT INTO contacts (display_name, attributes, tags)
         SELECT name, CASE WHEN segment IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('segment', segment) END,
                string_to_array(tags, ',')
           FROM x ORDER BY n
         RETURNING id, display_name
       ), identities AS (
         INSERT INTO contact_identities (contact_id, channel, address)
         SELECT inserted.id, x.channel, x.address FROM inserted JOIN x ON x.name = inserted.display_name
         RETURNING id, contact_id
       )
       SELECT inserted.id, identities.id AS identity_id
         FROM x JOIN inserted ON inserted.display_name = x.name JOIN identities ON identities.contact_id = inserted.id
        ORDER BY x.n`,
      [
        batch.map((p) => `Customer ${p.n}`),
        batch.map((p) => p.segment),
        batch.map((p) => p.tags.join(',')),
        batch.map((p) => p.channel),
        batch.map((p) => `${addressPrefix}-${p.n}`),
      ],
    );
    batch.forEach((person, index) => out.push({ ...person, id: rows[index].id, identityId: rows[index].identity_id }));
  }
  return out;
}

async function insertRequests(dataSource: DataSource, rows: SeededRequest[]): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += 5000) {
    const batch = rows.slice(offset, offset + 5000);
    await dataSource.query(
      `INSERT INTO feedback_requests (contact_id, conversation_id, channel, flow_id, variant, agent_id, kind, tags, created_at, answered_at)
       SELECT c, v, ch, f, va, a, k, ARRAY[f], t, CASE WHEN ans THEN t + interval '1 minute' END
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::timestamptz[], $9::boolean[])
              AS x(c, v, ch, f, va, a, k, t, ans)`,
      [
        batch.map((r) => r.contactId),
        batch.map((r) => r.conversationId),
        batch.map((r) => r.channel),
        batch.map((r) => r.flowId),
        batch.map((r) => r.variant),
        batch.map((r) => r.agentId),
        batch.map((r) => r.kind),
        batch.map((r) => r.createdAt.toISOString()),
        batch.map((r) => r.answered),
      ],
    );
  }
}
