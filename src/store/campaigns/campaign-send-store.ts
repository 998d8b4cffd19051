import type { DataSource } from 'typeorm';
import type { ChannelName, MessageTemplate } from '../../core/types';
import { MESSAGE_COLUMNS, type MessageRow } from '../../conversations/views';
import { queryRows } from '../prepared-query';
import { campaignConversations } from './campaign-conversations';
import {
  contactProfileColumns,
  contactProfileOf,
  type ContactProfile,
  type ContactProfileRow,
} from './contact-profile';

/** The states in which a recipient still waits to be sent. */
export const WAITING_STATES = ['pending', 'held', 'deferred'] as const;

/**
 * The variant of the audience kept out on purpose. A holdout waits like the others until its
 * moment comes (its sending window in its own time zone), then settles as `holdout` at that
 * moment with nothing sent: the experiment compares arms whose moments came alike.
 */
export const HOLDOUT_VARIANT = 'holdout';

/** What a send decision reads about a contact (send-decision.ts): who, where, consents, recent sends. */
export interface ContactSendingFacts {
  contact: ContactProfile;
  /** The contact's SMS and WhatsApp addresses (E.164), by channel. */
  addresses: Partial<Record<ChannelName, string>>;
  consents: Partial<Record<ChannelName, 'opted_in' | 'opted_out'>>;
  /** When the contact last wrote, by channel. */
  lastInboundAt: Partial<Record<ChannelName, Date>>;
  /** When marketing messages of any campaign or automation went to them lately (the caps' memory): each one's sending slot. */
  recentMarketingSends: Date[];
}

/** A recipient whose moment has come, with everything its send decision reads, in one look-up. */
export interface DueRecipient extends ContactSendingFacts {
  id: string;
  campaignId: string;
  contactId: string;
  variant: string | null;
  marketing: boolean;
}

interface DueRow extends FactsRow {
  id: string;
  campaign_id: string;
  contact_id: string;
  variant: string | null;
  marketing: boolean;
}

interface FactsRow extends ContactProfileRow {
  addresses: Record<string, string> | null;
  consents: Record<string, 'opted_in' | 'opted_out'> | null;
  last_inbound: Record<string, string> | null;
  recent_sends: (string | Date)[] | null;
}

/** How far back the caps look: the longest cap period (a week) and a margin. */
const CAP_MEMORY_DAYS = 8;

/** The facts columns of a due recipient or a contact, for the contact whose id is `contactId` (an SQL expression), as of `now` (a parameter). */
const factsColumns = (contactId: string, now: string) => `
         ${contactProfileColumns('k')},
         (SELECT jsonb_object_agg(i.channel, i.address) FROM contact_identities i
           WHERE i.contact_id = ${contactId} AND i.channel IN ('sms', 'whatsapp')) AS addresses,
         (SELECT jsonb_object_agg(co.channel, co.status) FROM consents co WHERE co.contact_id = ${contactId}) AS consents,
         (SELECT jsonb_object_agg(cv.channel, cv.at) FROM (
            SELECT channel, max(last_inbound_at) AS at FROM conversations
             WHERE contact_id = ${contactId} AND last_inbound_at IS NOT NULL GROUP BY channel) cv) AS last_inbound,
         (SELECT array_agg(s.sent_at ORDER BY s.sent_at) FROM campaign_recipients s
           WHERE s.contact_id = ${contactId} AND s.marketing AND s.sent_at > ${now}::timestamptz - interval '${CAP_MEMORY_DAYS} days')
           AS recent_sends`;

/**
 * Claims due recipients of running campaigns, with their facts, in one statement: locked for
 * `lockSeconds` (a process that dies lets them go when the lock runs out), skipping rows another
 * process holds.
 */
const CLAIM = `
  WITH due AS (
    SELECT r.id FROM campaign_recipients r
      JOIN campaigns c ON c.id = r.campaign_id
     WHERE r.state IN ('pending', 'held', 'deferred') AND r.send_at <= $1
       AND (r.locked_until IS NULL OR r.locked_until < $1)
       AND c.status = 'running'
     ORDER BY r.send_at, r.id
     LIMIT $2
       FOR UPDATE OF r SKIP LOCKED
  ), claimed AS (
    UPDATE campaign_recipients r SET locked_until = $1::timestamptz + make_interval(secs => $3)
      FROM due WHERE r.id = due.id
    RETURNING r.id, r.campaign_id, r.contact_id, r.variant, r.marketing, r.send_at
  )
  SELECT r.id, r.campaign_id, r.contact_id, r.variant, r.marketing, ${factsColumns('r.contact_id', '$1')}
    FROM claimed r
    JOIN contacts k ON k.id = r.contact_id
   ORDER BY r.send_at, r.id`;

/** One contact's facts, erased or not (an erased contact's are empty). */
const CONTACT_FACTS = `
  SELECT k.erased_at IS NOT NULL AS erased, ${factsColumns('k.id', '$2')}
    FROM contacts k WHERE k.id = $1`;

/** One recipient leaving now: the message as written, and when the sender's pace lets it go. */
export interface OutgoingCampaignMessage {
  recipientId: string;
  contactId: string;
  channel: ChannelName;
  address: string;
  body: string | null;
  template: MessageTemplate | null;
  runAfter: Date;
  metadata: Record<string, unknown>;
}

/** What a batch's send wrote: each message, in its conversation. */
export interface SentCampaignMessage {
  recipientId: string;
  message: MessageRow;
}

/**
 * Messages, their send jobs (at the paced moment) and the recipients' new state in one statement.
 * A recipient is sent only if it still waits when its row is locked here: a second process that
 * claimed it after a lock ran out finds it sent, and writes nothing — each recipient once.
 * Conversations this transaction opened already carry the moment (campaignConversations): only
 * older ones are bumped, so a new conversation is written once, not twice. The `= ANY ($n)`
 * beside each join to a CTE lets the planner reach the rows by their primary key: it estimates a
 * CTE at a few hundred rows and would otherwise scan the whole table for them, every round.
 */
const SEND = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])
      AS t(recipient_id, conversation_id, contact_id, channel, body, metadata, run_after)
  ), still_waiting AS (
    SELECT r.id FROM campaign_recipients r
     WHERE r.id = ANY ($1::uuid[]) AND r.state IN ('pending', 'held', 'deferred')
     ORDER BY r.id
       FOR UPDATE
  ), go AS (
    SELECT input.* FROM input JOIN still_waiting ON still_waiting.id = input.recipient_id
  ), msg AS (
    INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, attachments, status, metadata)
    SELECT conversation_id, contact_id, channel, 'outbound', 'system', body, '[]'::jsonb, 'queued', metadata FROM go
    RETURNING ${MESSAGE_COLUMNS}
  ), job AS (
    INSERT INTO outbound_jobs (message_id, conversation_id, run_after)
    SELECT msg.id, msg.conversation_id, go.run_after FROM msg JOIN go ON go.conversation_id = msg.conversation_id
  ), locked AS (
    SELECT id FROM conversations
     WHERE id IN (SELECT conversation_id FROM go) AND id = ANY ($2::uuid[])
       AND (last_message_at IS DISTINCT FROM now() OR updated_at IS DISTINCT FROM now())
     ORDER BY id
       FOR NO KEY UPDATE
  ), bumped AS (
    UPDATE conversations SET last_message_at = now(), updated_at = now() WHERE id = ANY (ARRAY(SELECT id FROM locked))
  ), sent AS (
    UPDATE campaign_recipients r
       SET state = 'sent', reason = NULL, channel = go.channel, message_id = msg.id, sent_at = go.run_after,
           locked_until = NULL, updated_at = now()
      FROM go JOIN msg ON msg.conversation_id = go.conversation_id
     WHERE r.id = go.recipient_id AND r.id = ANY ($1::uuid[])
  )
  SELECT go.recipient_id, msg.* FROM msg JOIN go ON go.conversation_id = msg.conversation_id`;

/**
 * A campaign's sending side: claiming due recipients with what their decision needs, and writing
 * the outcome — sent (message, job and state in one statement), held, deferred or skipped.
 */
export class CampaignSendStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Up to `limit` due recipients, locked for `lockSeconds`, with their contexts. */
  async claimDue(now: Date, limit: number, lockSeconds: number): Promise<DueRecipient[]> {
    const rows = await queryRows<DueRow>(this.dataSource.manager, CLAIM, [now, limit, lockSeconds]);
    return rows.map(dueRecipientOf);
  }

  /**
   * What a send decision reads about one contact, outside any campaign (an agent writing first,
   * src/inbox/outreach-service.ts); null when there is no such contact.
   */
  async contactFacts(contactId: string, now: Date): Promise<{ erased: boolean; facts: ContactSendingFacts } | null> {
    const [row] = await queryRows<FactsRow & { erased: boolean }>(this.dataSource.manager, CONTACT_FACTS, [
      contactId,
      now,
    ]);
    return row ? { erased: row.erased, facts: factsOf(row) } : null;
  }

  /**
   * The contact's open conversation on a channel at an address (the address becomes their
   * identity when it is not one yet; opened when none is open), as a campaign's send finds it;
   * null when the address is another contact's.
   */
  async openConversation(contactId: string, channel: ChannelName, address: string): Promise<string | null> {
    return this.dataSource.transaction(async (tx) => {
      const found = await campaignConversations(tx, [{ recipientId: contactId, contactId, channel, address }], false);
      return found.get(contactId) ?? null;
    });
  }

  /** Recipients that wait on (quiet hours, a cap): their new moment and why. */
  async postpone(
    items: { recipientId: string; until: Date; state: 'held' | 'deferred'; reason: string }[],
  ): Promise<void> {
    if (items.length === 0) return;
    await queryRows(
      this.dataSource.manager,
      `UPDATE campaign_recipients r SET state = t.state, reason = t.reason, send_at = t.until, locked_until = NULL,
              updated_at = now()
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[]) AS t(id, until, state, reason)
        WHERE r.id = t.id AND r.state IN ('pending', 'held', 'deferred')`,
      [
        items.map((i) => i.recipientId),
        items.map((i) => i.until),
        items.map((i) => i.state),
        items.map((i) => i.reason),
      ],
    );
  }

  /** Holdout recipients whose moment has come: kept out from `at` on, nothing sent. */
  async settleHoldouts(recipientIds: string[], at: Date): Promise<void> {
    if (recipientIds.length === 0) return;
    await queryRows(
      this.dataSource.manager,
      `UPDATE campaign_recipients SET state = 'holdout', reason = NULL, send_at = $2, locked_until = NULL, updated_at = now()
        WHERE id = ANY ($1::uuid[]) AND variant = '${HOLDOUT_VARIANT}' AND state IN ('pending', 'held', 'deferred')`,
      [recipientIds, at],
    );
  }

  /** Recipients that will not be sent, each with its reason. */
  async skip(items: { recipientId: string; reason: string }[]): Promise<void> {
    if (items.length === 0) return;
    await queryRows(
      this.dataSource.manager,
      `UPDATE campaign_recipients r SET state = 'skipped', reason = t.reason, locked_until = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS t(id, reason)
        WHERE r.id = t.id AND r.state IN ('pending', 'held', 'deferred')`,
      [items.map((i) => i.recipientId), items.map((i) => i.reason)],
    );
  }

  /** Lets claimed recipients go at once (no pace slot for them this round; a stopping process). */
  async release(recipientIds: string[]): Promise<void> {
    if (recipientIds.length === 0) return;
    await queryRows(
      this.dataSource.manager,
      "UPDATE campaign_recipients SET locked_until = NULL WHERE id = ANY ($1::uuid[]) AND state IN ('pending', 'held', 'deferred')",
      [recipientIds],
    );
  }

  /**
   * Takes up to `wanted` sending slots of a channel at `perSecond`, none later than `horizonMs`
   * from now: every process shares the channel's next free slot, so together they keep the pace.
   * Answers the slots' moments (fewer than wanted when the horizon is full).
   */
  async reserveSlots(
    channel: ChannelName,
    wanted: number,
    perSecond: number,
    now: Date,
    horizonMs: number,
  ): Promise<Date[]> {
    if (wanted <= 0) return [];
    const spacingMs = 1000 / perSecond;
    return this.dataSource.transaction(async (tx) => {
      await queryRows(tx, 'INSERT INTO send_pacing (channel, next_slot_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        channel,
        now,
      ]);
      const [row] = await queryRows<{ next_slot_at: Date }>(
        tx,
        'SELECT next_slot_at FROM send_pacing WHERE channel = $1 FOR UPDATE',
        [channel],
      );
      // A slot booked beyond the horizon cannot come from a clock that moved forward: this clock (or
      // another process's) went back. The pace starts over from now rather than stall until then.
      const booked = new Date(row.next_slot_at).getTime();
      const first = booked > now.getTime() + horizonMs ? now.getTime() : Math.max(booked, now.getTime());
      const room = Math.floor((now.getTime() + horizonMs - first) / spacingMs);
      const granted = Math.max(0, Math.min(wanted, room));
      if (granted === 0) return [];
      await queryRows(tx, 'UPDATE send_pacing SET next_slot_at = $2 WHERE channel = $1', [
        channel,
        new Date(first + granted * spacingMs),
      ]);
      return Array.from({ length: granted }, (_, n) => new Date(first + n * spacingMs));
    });
  }

  /**
   * Sends a batch: each contact's address on the channel becomes an identity (when it is not one
   * yet), an open conversation on it is found or opened, then messages, jobs and recipients are
   * written together. A recipient whose address belongs to another contact is skipped.
   */
  async send(
    outgoing: OutgoingCampaignMessage[],
  ): Promise<{ sent: SentCampaignMessage[]; skipped: { recipientId: string; reason: string }[] }> {
    if (outgoing.length === 0) return { sent: [], skipped: [] };
    return this.dataSource.transaction(async (tx) => {
      const conversations = await campaignConversations(tx, outgoing, true);
      const skipped = outgoing
        .filter((item) => !conversations.has(item.recipientId))
        .map((item) => ({ recipientId: item.recipientId, reason: 'address_of_another_contact' }));
      const going = outgoing.filter((item) => conversations.has(item.recipientId));
      const rows = await queryRows<{ recipient_id: string } & MessageRow>(tx, SEND, [
        going.map((item) => item.recipientId),
        going.map((item) => conversations.get(item.recipientId)),
        going.map((item) => item.contactId),
        going.map((item) => item.channel),
        going.map((item) => item.body),
        going.map((item) =>
          JSON.stringify(item.template ? { ...item.metadata, template: item.template } : item.metadata),
        ),
        going.map((item) => item.runAfter),
      ]);
      if (skipped.length > 0) {
        await queryRows(
          tx,
          `UPDATE campaign_recipients r SET state = 'skipped', reason = t.reason, locked_until = NULL, updated_at = now()
             FROM unnest($1::uuid[], $2::text[]) AS t(id, reason)
            WHERE r.id = t.id AND r.state IN ('pending', 'held', 'deferred')`,
          [skipped.map((s) => s.recipientId), skipped.map((s) => s.reason)],
        );
      }
      return {
        sent: rows.map(({ recipient_id, ...message }) => ({
          recipientId: recipient_id,
          message: message as MessageRow,
        })),
        skipped,
      };
    });
  }

  /**
   * Recipients whose message is a flow: each gets its conversation on the channel and is marked
   * sent — before the flow starts (the caller starts it after this commits), so a crash in
   * between loses that start rather than doubling it: never twice wins over never lost.
   */
  async markFlowStarts(
    items: Pick<OutgoingCampaignMessage, 'recipientId' | 'contactId' | 'channel' | 'address'>[],
    now: Date,
  ): Promise<{ recipientId: string; conversationId: string }[]> {
    if (items.length === 0) return [];
    return this.dataSource.transaction(async (tx) => {
      const conversations = await campaignConversations(tx, items, false);
      const going = items.filter((item) => conversations.has(item.recipientId));
      const marked = await queryRows<{ id: string }>(
        tx,
        `UPDATE campaign_recipients r SET state = 'sent', reason = NULL, channel = t.channel, sent_at = $3,
                locked_until = NULL, updated_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS t(id, channel)
          WHERE r.id = t.id AND r.state IN ('pending', 'held', 'deferred')
          RETURNING r.id`,
        [going.map((item) => item.recipientId), going.map((item) => item.channel), now],
      );
      const refused = items.filter((item) => !conversations.has(item.recipientId));
      if (refused.length > 0) {
        await queryRows(
          tx,
          `UPDATE campaign_recipients SET state = 'skipped', reason = 'address_of_another_contact', locked_until = NULL,
                  updated_at = now()
            WHERE id = ANY ($1::uuid[]) AND state IN ('pending', 'held', 'deferred')`,
          [refused.map((item) => item.recipientId)],
        );
      }
      return marked.map((row) => ({ recipientId: row.id, conversationId: conversations.get(row.id) as string }));
    });
  }
}

function dueRecipientOf(row: DueRow): DueRecipient {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    contactId: row.contact_id,
    variant: row.variant,
    marketing: row.marketing,
    ...factsOf(row),
  };
}

function factsOf(row: FactsRow): ContactSendingFacts {
  const lastInboundAt: Partial<Record<ChannelName, Date>> = {};
  for (const [channel, at] of Object.entries(row.last_inbound ?? {}))
    lastInboundAt[channel as ChannelName] = new Date(at);
  return {
    contact: contactProfileOf(row),
    addresses: (row.addresses ?? {}) as Partial<Record<ChannelName, string>>,
    consents: (row.consents ?? {}) as ContactSendingFacts['consents'],
    lastInboundAt,
    recentMarketingSends: (row.recent_sends ?? []).map((at) => new Date(at)),
  };
}
