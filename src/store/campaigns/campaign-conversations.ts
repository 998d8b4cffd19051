import type { EntityManager } from 'typeorm';
import type { ChannelName } from '../../core/types';
import { openConversationSql } from '../conversations/conversation-rules';
import { queryRows } from '../prepared-query';

/** A recipient about to be reached on a channel at an address. */
export interface ConversationWanted {
  recipientId: string;
  contactId: string;
  channel: ChannelName;
  address: string;
}

/**
 * Identities added where missing, open conversations found or opened, for a whole batch in one
 * statement. `$4`: the conversations it opens carry their first message's moment already (the
 * send statement then has no row of its own to bump). A statement sees the table as it began, so
 * an identity or conversation another transaction committed meanwhile is missed here (its insert
 * did nothing): those few recipients go through `conversationsOneByOne`'s steps, which see it.
 *
 * The answer is two kinds of rows, joined by the caller: the batch's identities (`identity`) and
 * the open conversations found or opened for them (`conversation`). Joined here, CTE to CTE, the
 * planner (which has no statistics for a CTE and estimates each at one row) nests loops: 2,000 ×
 * 2,000 comparisons, 300 ms of a 600 ms statement in bench:campaign. Only joins the planner can
 * drive by an index are left in the statement.
 */
const FIND_OR_OPEN = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(contact_id, channel, address)
  ), added_identities AS (
    INSERT INTO contact_identities (contact_id, channel, address)
    SELECT contact_id, channel, address FROM input ORDER BY 2, 3
    ON CONFLICT (channel, address) DO NOTHING
    RETURNING id, contact_id, channel, address
  ), identities AS (
    SELECT id, contact_id, channel, address FROM added_identities
    UNION ALL
    SELECT i.id, i.contact_id, i.channel, i.address FROM contact_identities i
      JOIN input t ON i.channel = t.channel AND i.address = t.address
  ), mine AS (
    SELECT DISTINCT i.id, i.contact_id, i.channel, i.address FROM identities i
      JOIN input t ON t.channel = i.channel AND t.address = i.address AND t.contact_id = i.contact_id
  ), existing AS (
    SELECT DISTINCT ON (c.identity_id) c.id, c.identity_id FROM conversations c
     WHERE c.identity_id IN (SELECT id FROM mine) AND ${openConversationSql('c')}
     ORDER BY c.identity_id, c.created_at DESC
  ), opened AS (
    INSERT INTO conversations (contact_id, identity_id, channel, last_message_at)
    SELECT m.contact_id, m.id, m.channel, CASE WHEN $4::boolean THEN now() END FROM mine m
     WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.identity_id = m.id AND ${openConversationSql('c')})
     ORDER BY m.id
    ON CONFLICT DO NOTHING
    RETURNING id, identity_id
  )
  SELECT 'identity' AS kind, id AS identity_id, contact_id, channel, address, NULL::uuid AS conversation_id FROM mine
  UNION ALL
  SELECT 'conversation', identity_id, NULL, NULL, NULL, id FROM existing
  UNION ALL
  SELECT 'conversation', identity_id, NULL, NULL, NULL, id FROM opened`;

/**
 * Each recipient's conversation on its channel: the identity (channel, address) is added to the
 * contact when missing; its open conversation is found, or opened (race-safe: one open
 * conversation per identity). Recipients whose address is another contact's identity get none.
 * `stampOpened`: a message is written into them in this transaction (last_message_at set now).
 */
export async function campaignConversations(
  tx: EntityManager,
  wanted: ConversationWanted[],
  stampOpened: boolean,
): Promise<Map<string, string>> {
  const rows = await queryRows<{
    kind: 'identity' | 'conversation';
    identity_id: string;
    contact_id: string | null;
    channel: string | null;
    address: string | null;
    conversation_id: string | null;
  }>(tx, FIND_OR_OPEN, [
    wanted.map((w) => w.contactId),
    wanted.map((w) => w.channel),
    wanted.map((w) => w.address),
    stampOpened,
  ]);
  const conversationOf = new Map(
    rows.flatMap((row) =>
      row.kind === 'conversation' ? [[row.identity_id, row.conversation_id as string] as const] : [],
    ),
  );
  const found = new Map(
    rows.flatMap((row) => {
      const conversationId = row.kind === 'identity' ? conversationOf.get(row.identity_id) : undefined;
      return conversationId ? [[`${row.contact_id} ${row.channel} ${row.address}`, conversationId] as const] : [];
    }),
  );
  const result = new Map<string, string>();
  const missed: ConversationWanted[] = [];
  for (const item of wanted) {
    const conversationId = found.get(`${item.contactId} ${item.channel} ${item.address}`);
    if (conversationId) result.set(item.recipientId, conversationId);
    else missed.push(item);
  }
  if (missed.length > 0) {
    for (const [recipientId, conversationId] of await conversationsOneByOne(tx, missed)) {
      result.set(recipientId, conversationId);
    }
  }
  return result;
}

/**
 * The same, step by step: each statement sees what other transactions committed before it began,
 * so an identity or open conversation that appeared while the batch statement ran is found.
 */
async function conversationsOneByOne(tx: EntityManager, wanted: ConversationWanted[]): Promise<Map<string, string>> {
  const contactIds = wanted.map((item) => item.contactId);
  const channels = wanted.map((item) => item.channel);
  const addresses = wanted.map((item) => item.address);
  await queryRows(
    tx,
    `INSERT INTO contact_identities (contact_id, channel, address)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ORDER BY 2, 3
     ON CONFLICT (channel, address) DO NOTHING`,
    [contactIds, channels, addresses],
  );
  const identities = await queryRows<{ id: string; contact_id: string; channel: string; address: string }>(
    tx,
    `SELECT i.id, i.contact_id, i.channel, i.address FROM contact_identities i
       JOIN unnest($1::text[], $2::text[]) AS t(channel, address) ON i.channel = t.channel AND i.address = t.address`,
    [channels, addresses],
  );
  const identityOf = new Map(identities.map((row) => [`${row.channel} ${row.address}`, row]));
  const mine = wanted.flatMap((item) => {
    const identity = identityOf.get(`${item.channel} ${item.address}`);
    return identity && identity.contact_id === item.contactId ? [{ item, identityId: identity.id }] : [];
  });
  if (mine.length === 0) return new Map();
  await queryRows(
    tx,
    `INSERT INTO conversations (contact_id, identity_id, channel)
     SELECT t.contact_id, t.identity_id, t.channel FROM unnest($1::uuid[], $2::uuid[], $3::text[])
         AS t(contact_id, identity_id, channel)
      WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.identity_id = t.identity_id AND ${openConversationSql('c')})
      ORDER BY t.identity_id
     ON CONFLICT DO NOTHING`,
    [mine.map((m) => m.item.contactId), mine.map((m) => m.identityId), mine.map((m) => m.item.channel)],
  );
  const open = await queryRows<{ id: string; identity_id: string }>(
    tx,
    `SELECT DISTINCT ON (c.identity_id) c.id, c.identity_id FROM conversations c
      WHERE c.identity_id = ANY ($1::uuid[]) AND ${openConversationSql('c')}
      ORDER BY c.identity_id, c.created_at DESC`,
    [mine.map((m) => m.identityId)],
  );
  const conversationOf = new Map(open.map((row) => [row.identity_id, row.id]));
  const result = new Map<string, string>();
  for (const { item, identityId } of mine) {
    const conversationId = conversationOf.get(identityId);
    if (conversationId) result.set(item.recipientId, conversationId);
  }
  return result;
}
