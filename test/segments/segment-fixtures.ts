import type { DataSource } from 'typeorm';

/** The moment every fixture date is counted back from: a Monday noon in June, UTC. */
export const NOW = new Date('2026-06-15T12:00:00Z');

const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

/**
 * Four contacts whose memberships are counted by hand in segment-sql.test.ts:
 * - Ann: VIP book lover in Paris, opted in to SMS, wrote 3 days ago, NPS 10 then 3 (a detractor
 *   now), 4 orders in the last 90 days (100 + 200 + 50 + "25" = 375), last 5 days ago.
 * - Bob: in "paris" (lower-case), opted out of SMS, on WhatsApp, wrote 120 days ago, CSAT 5, one
 *   order of 500 150 days ago.
 * - Cy: new (1 day), in Kiritimati (UTC+14: already 16 June there), two page views, nothing else.
 * - Dee: created 50 days ago, newsletter: true, born 2 January, nothing else.
 */
export async function seedSegmentFixtures(dataSource: DataSource): Promise<Record<string, string>> {
  const q = <T = { id: string }>(sql: string, params: unknown[]) => dataSource.query<T[]>(sql, params);
  const contact = async (row: {
    first: string;
    email?: string;
    tz?: string;
    birthday?: string;
    attributes?: Record<string, unknown>;
    tags?: string[];
    created: number;
    seen?: number;
  }) => {
    const [{ id }] = await q(
      `INSERT INTO contacts (first_name, email, time_zone, birthday, attributes, tags, created_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING id`,
      [
        row.first,
        row.email ?? null,
        row.tz ?? null,
        row.birthday ?? null,
        JSON.stringify(row.attributes ?? {}),
        row.tags ?? [],
        daysAgo(row.created),
        row.seen === undefined ? null : daysAgo(row.seen),
      ],
    );
    return id;
  };
  const ann = await contact({
    first: 'Ann',
    email: 'ann@example.com',
    tz: 'Europe/Paris',
    birthday: '1990-06-20',
    attributes: {
      city: 'Paris',
      points: 120,
      score_text: ' 42 ',
      interests: ['Jazz', 'books'],
      nested: { level: 'gold' },
      empty: '',
      nul: null,
    },
    tags: ['vip', 'book'],
    created: 10,
    seen: 2,
  });
  const bob = await contact({
    first: 'Bob',
    email: 'bob@example.com',
    birthday: '1985-06-30',
    attributes: { city: 'paris', points: 80 },
    tags: ['book'],
    created: 400,
    seen: 200,
  });
  const cy = await contact({ first: 'Cy', tz: 'Pacific/Kiritimati', birthday: '2000-06-16', created: 1 });
  const dee = await contact({ first: 'Dee', birthday: '1980-01-02', attributes: { newsletter: true }, created: 50 });

  await q("INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'sms', 'opted_in', 'web-form')", [
    ann,
  ]);
  await q(
    "INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'sms', 'opted_out', 'keyword:STOP')",
    [bob],
  );
  const identity = async (contactId: string, channel: string, address: string) =>
    (
      await q('INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, $2, $3) RETURNING id', [
        contactId,
        channel,
        address,
      ])
    )[0].id;
  const conversation = async (contactId: string, identityId: string, channel: string, inbound: number) =>
    (
      await q(
        `INSERT INTO conversations (contact_id, identity_id, channel, status, last_inbound_at)
         VALUES ($1, $2, $3, 'resolved', $4) RETURNING id`,
        [contactId, identityId, channel, daysAgo(inbound)],
      )
    )[0].id;
  const annConversation = await conversation(ann, await identity(ann, 'sms', '+14155550101'), 'sms', 3);
  const bobConversation = await conversation(bob, await identity(bob, 'whatsapp', '+14155550102'), 'whatsapp', 120);

  const feedback = (contactId: string, conversationId: string, kind: string, score: number, ago: number) =>
    q(
      `INSERT INTO feedback (contact_id, conversation_id, channel, kind, score, created_at)
       VALUES ($1, $2, 'sms', $3, $4, $5) RETURNING id`,
      [contactId, conversationId, kind, score, daysAgo(ago)],
    );
  await feedback(ann, annConversation, 'nps', 10, 30);
  await feedback(ann, annConversation, 'nps', 3, 1);
  await feedback(bob, bobConversation, 'csat', 5, 20);

  for (const flowId of ['csat', 'other'])
    await q("INSERT INTO flow_versions (flow_id, version, source) VALUES ($1, 'v1', 'id: x') RETURNING flow_id", [
      flowId,
    ]);
  const run = (contactId: string, conversationId: string, flowId: string, answers: object, ago: number) =>
    q(
      `INSERT INTO flow_runs (conversation_id, contact_id, flow_id, flow_version, status, answers, trigger, created_at)
       VALUES ($1, $2, $3, 'v1', 'done', $4::jsonb, '{"kind":"requested"}'::jsonb, $5) RETURNING id`,
      [conversationId, contactId, flowId, JSON.stringify(answers), daysAgo(ago)],
    );
  await run(ann, annConversation, 'csat', { rating: 1 }, 40);
  await run(ann, annConversation, 'csat', { rating: 5, colour: 'Blue' }, 4);

  const event = (contactId: string, name: string, ago: number, properties: object = {}) =>
    q('INSERT INTO contact_events (contact_id, name, occurred_at, properties) VALUES ($1, $2, $3, $4::jsonb)', [
      contactId,
      name,
      daysAgo(ago),
      JSON.stringify(properties),
    ]);
  await event(ann, 'order.placed', 80, { total: 100 });
  await event(ann, 'order.placed', 40, { total: 200 });
  await event(ann, 'order.placed', 20, { total: 50 });
  await event(ann, 'order.placed', 5, { total: '25' });
  await event(bob, 'order.placed', 150, { total: 500 });
  await event(cy, 'page.viewed', 1);
  await event(cy, 'page.viewed', 2);
  return { ann, bob, cy, dee };
}
