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
const SEGMENTS = ['regular', 'music-fan', 'lapsed', null];
const TAG_SETS = [['vip'], ['mystery', 'book-lover'], ['80s-rock'], []];

export async function seedFeedback(
  dataSource: DataSource,
  options: { records: number; seed?: number; start: Date; days: number },
): Promise<FeedbackWorld> {
  const next = random(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const query = (sql: string, params: unknown[] = []) => dataSource.query(sql, params);

  const agents = [];
  for (const name of ['Ana Agent', 'Ben Agent', 'Cleo Agent']) {
    const email = `${name.split(' ')[0].toLowerCase()}-${Math.floor(next() * 1e9)}@example.com`;
    const [row] = await query(`INSERT INTO users (email, name, role) VALUES ($1, $2, 'agent') RETURNING id`, [
      email,
      name,
    ]);
    agents.push({ id: row.id as string, name, email });
  }

  const contacts: { id: string; segment: string | null; tags: string[]; identityId: string; channel: string }[] = [];
  for (let n = 0; n < 60; n++) {
    const segment = SEGMENTS[n % SEGMENTS.length];
    const tags = TAG_SETS[n % TAG_SETS.length];
    const channel = CHANNELS[n % CHANNELS.length];
    const [contact] = await query(
      `INSERT INTO contacts (display_name, attributes, tags) VALUES ($1, $2::jsonb, $3) RETURNING id`,
      [`Customer ${n}`, JSON.stringify(segment ? { segment } : {}), tags],
    );
    const [identity] = await query(
      `INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, $2, $3) RETURNING id`,
      [contact.id, channel, `seed-${options.seed ?? 42}-${n}-${Math.floor(next() * 1e9)}`],
    );
    contacts.push({ id: contact.id, segment, tags, identityId: identity.id, channel });
  }

  // One resolved conversation per contact, assigned round-robin (a third unassigned).
  const conversations: {
    id: string;
    contactId: string;
    channel: string;
    agentId: string | null;
    segment: string | null;
    tags: string[];
  }[] = [];
  for (const [n, contact] of contacts.entries()) {
    const agentId = n % 4 === 3 ? null : agents[n % 3].id;
    const [conversation] = await query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status, assignee_id) VALUES ($1, $2, $3, 'resolved', $4) RETURNING id`,
      [contact.id, contact.identityId, contact.channel, agentId],
    );
    conversations.push({
      id: conversation.id,
      contactId: contact.id,
      channel: contact.channel,
      agentId,
      segment: contact.segment,
      tags: contact.tags,
    });
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
      tags: [flowId],
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
              ARRAY[f], t
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::int[],
                     $9::text[], $10::text[], $11::timestamptz[])
              WITH ORDINALITY AS x(c, v, ch, f, va, a, k, s, cm, sl, t, n)
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
      ],
    );
    out.push(...inserted);
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
