import type { DataSource } from 'typeorm';

/**
 * Gives every open conversation a past, as a hub in service has: `perConversation` earlier
 * messages, half from the customer and half answered and delivered (each with its closed send
 * attempt), then ANALYZE, as autovacuum keeps the statistics. Without it a run of seconds on a
 * fresh database measures plans made for empty tables, which no hub in service runs.
 */
export async function seedHistory(dataSource: DataSource, perConversation: number): Promise<number> {
  const [{ count }] = (await dataSource.query(
    `WITH inbound AS (
       INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, provider_message_id,
                             status, raw, created_at)
       SELECT c.id, c.contact_id, c.channel, 'inbound', 'contact', 'an earlier message',
              'SMhist' || md5(c.id::text || n), 'received', '{"Body":"an earlier message"}',
              now() - make_interval(hours => n)
         FROM conversations c, generate_series(1, $1::int / 2) AS n
       RETURNING id
     ), outbound AS (
       INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, provider_message_id,
                             status, created_at)
       SELECT c.id, c.contact_id, c.channel, 'outbound', 'bot', 'an earlier answer',
              'SMsent' || md5(c.id::text || n), 'delivered', now() - make_interval(hours => n) + interval '1 minute'
         FROM conversations c, generate_series(1, $1::int / 2) AS n
       RETURNING id, provider_message_id
     ), attempts AS (
       INSERT INTO outbound_attempts (message_id, finished_at, outcome, provider_message_id)
       SELECT id, now(), 'accepted', provider_message_id FROM outbound
     )
     SELECT (SELECT count(*) FROM inbound) + (SELECT count(*) FROM outbound) AS count`,
    [perConversation],
  )) as { count: string }[];
  await dataSource.query('ANALYZE');
  return Number(count);
}
