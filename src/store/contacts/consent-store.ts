import type { DataSource, EntityManager } from 'typeorm';
import type { EventBus } from '../../core/events';
import type { ChannelName } from '../../core/types';
import { endRunsOnOptOut, type RunEndedByOptOut } from '../flow-runs/end-runs-on-opt-out';
import { lockConversationTurns } from '../conversations/turn-locks';
import { queryRows } from '../prepared-query';

export type ConsentStatus = 'opted_in' | 'opted_out';

/** Why the hub believes a consent: kept with it, for ever (see consent_evidence). */
export interface ConsentEvidence {
  /** What was said or reported: `keyword:STOP`, `provider:21610`. */
  source: string;
  /** The part of the hub that recorded it: `consent-gate`, `provider`, `merge`. */
  recordedBy: string;
  /** The customer's message that said it, when there is one. */
  messageId?: string | null;
}

/** One consent decision as kept in the evidence table. */
export interface ConsentEvidenceRecord {
  channel: ChannelName;
  status: ConsentStatus;
  source: string;
  recordedBy: string;
  messageId: string | null;
  createdAt: string;
}

/**
 * The only code that writes `consents` (the current status per contact and channel, which the
 * outbound guard reads) and `consent_evidence` (every decision, append-only). It publishes
 * `consent.changed` after the commit when a status really changed.
 */
export class ConsentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  /** Records a consent decision with its evidence, in a transaction of its own. */
  async record(
    contactId: string,
    channel: ChannelName,
    status: ConsentStatus,
    evidence: ConsentEvidence,
  ): Promise<void> {
    const changed = await this.dataSource.transaction((tx) => this.write(tx, contactId, channel, status, evidence));
    if (changed) this.bus.publish('consent.changed', { contactId, channel, status, source: evidence.source });
  }

  /**
   * An opt-out said in a conversation: records it and ends every live flow run of the contact's
   * conversations on that channel, in one transaction. It takes those conversations' turn locks
   * first (turn-locks.ts): a turn in progress finishes first, and its run is then ended; a turn
   * that comes after finds no run.
   */
  async optOutInConversation(
    message: { contactId: string; channel: ChannelName },
    evidence: ConsentEvidence,
  ): Promise<RunEndedByOptOut[]> {
    const { contactId, channel } = message;
    const { changed, ended } = await this.dataSource.transaction(async (tx) => {
      const conversations = await queryRows<{ id: string }>(
        tx,
        'SELECT id FROM conversations WHERE contact_id = $1 AND channel = $2',
        [contactId, channel],
      );
      const conversationIds = conversations.map((row) => row.id);
      // Turn locks before any row: the order turns, merges and erasures take them in.
      await lockConversationTurns(tx, conversationIds);
      return {
        changed: await this.write(tx, contactId, channel, 'opted_out', evidence),
        ended: await endRunsOnOptOut(tx, conversationIds),
      };
    });
    if (changed)
      this.bus.publish('consent.changed', { contactId, channel, status: 'opted_out', source: evidence.source });
    return ended;
  }

  /** The contact's consent on a channel; null when they never said. */
  async status(contactId: string, channel: ChannelName): Promise<ConsentStatus | null> {
    const [row] = await queryRows<{ status: ConsentStatus }>(
      this.dataSource.manager,
      'SELECT status FROM consents WHERE contact_id = $1 AND channel = $2',
      [contactId, channel],
    );
    return row?.status ?? null;
  }

  /** Whether a decision was recorded from this message (a redelivery must not record it twice). */
  async hasEvidenceFrom(messageId: string): Promise<boolean> {
    const rows = await queryRows<{ found: number }>(
      this.dataSource.manager,
      'SELECT 1 AS found FROM consent_evidence WHERE message_id = $1 LIMIT 1',
      [messageId],
    );
    return rows.length > 0;
  }

  /** Every decision recorded for the contact, oldest first. */
  async evidence(contactId: string): Promise<ConsentEvidenceRecord[]> {
    const rows = await queryRows<{
      channel: ChannelName;
      status: ConsentStatus;
      source: string;
      recorded_by: string;
      message_id: string | null;
      created_at: Date | string;
    }>(
      this.dataSource.manager,
      `SELECT channel, status, source, recorded_by, message_id, created_at
         FROM consent_evidence WHERE contact_id = $1 ORDER BY created_at, id`,
      [contactId],
    );
    return rows.map((row) => ({
      channel: row.channel,
      status: row.status,
      source: row.source,
      recordedBy: row.recorded_by,
      messageId: row.message_id,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }

  /** Keeps the evidence, then sets the status; answers whether the status changed. */
  private async write(
    tx: EntityManager,
    contactId: string,
    channel: ChannelName,
    status: ConsentStatus,
    evidence: ConsentEvidence,
  ): Promise<boolean> {
    await queryRows(
      tx,
      `INSERT INTO consent_evidence (contact_id, channel, status, source, recorded_by, message_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [contactId, channel, status, evidence.source, evidence.recordedBy, evidence.messageId ?? null],
    );
    const changed = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO consents (contact_id, channel, status, source, changed_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (contact_id, channel) DO UPDATE
         SET status = EXCLUDED.status, source = EXCLUDED.source, changed_at = EXCLUDED.changed_at
       WHERE consents.status <> EXCLUDED.status
       RETURNING id`,
      [contactId, channel, status, evidence.source],
    );
    // Only a real change is news: a second STOP changes nothing (its evidence is kept all the same).
    return changed.length > 0;
  }
}
