import type { EntityManager } from 'typeorm';
import type { ChannelName } from '../../core/types';
import { queryRows } from '../prepared-query';
import type { ConsentStatus } from './consent-store';

/** A contact's current consent on a channel, as an import must respect it. */
export interface CurrentConsent {
  contactId: string;
  channel: ChannelName;
  status: ConsentStatus;
  source: string;
}

/** A consent stated by an imported row, with its evidence. */
export interface ImportedConsentDecision {
  contactId: string;
  channel: ChannelName;
  status: ConsentStatus;
  /** Where the person agreed or refused (the file's consent_source), e.g. `checkout form`. */
  source: string;
  /** When they did (the file's consent_at), else the moment of the import. */
  at: Date | null;
}

/**
 * The consent writes of a CSV import, a chunk of rows per statement: the bulk counterpart of
 * ConsentStore's own writes to `consents` and `consent_evidence` (same tables, same rules: the
 * evidence is appended, never rewritten). Nothing is recorded when the status is already what the
 * file says, so a re-import adds no evidence.
 */
export class ConsentImportStore {
  /** The current SMS and WhatsApp consents of these contacts. */
  async current(tx: EntityManager, contactIds: string[]): Promise<CurrentConsent[]> {
    if (!contactIds.length) return [];
    const rows = await queryRows<{ contact_id: string; channel: ChannelName; status: ConsentStatus; source: string }>(
      tx,
      `SELECT contact_id, channel, status, source FROM consents
        WHERE contact_id = ANY($1::uuid[]) AND channel IN ('sms', 'whatsapp')`,
      [contactIds],
    );
    return rows.map((row) => ({
      contactId: row.contact_id,
      channel: row.channel,
      status: row.status,
      source: row.source,
    }));
  }

  /**
   * Records the decisions that change a status, each with its evidence (`recordedBy` names the
   * import). An opt-out is never replaced by an opt-in here, whatever the caller decided: the
   * statement itself refuses to. Answers the decisions that changed a status.
   */
  async record(
    tx: EntityManager,
    decisions: ImportedConsentDecision[],
    recordedBy: string,
  ): Promise<{ contactId: string; channel: ChannelName; status: ConsentStatus; source: string }[]> {
    if (!decisions.length) return [];
    const rows = await queryRows<{ contact_id: string; channel: ChannelName; status: ConsentStatus; source: string }>(
      tx,
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS i(contact_id uuid, channel text, status text, source text, at timestamptz)),
       changed AS (
         INSERT INTO consents (contact_id, channel, status, source, changed_at)
         SELECT contact_id, channel, status, source, COALESCE(at, now()) FROM input
         ON CONFLICT (contact_id, channel) DO UPDATE
           SET status = EXCLUDED.status, source = EXCLUDED.source, changed_at = EXCLUDED.changed_at
         WHERE consents.status <> EXCLUDED.status AND EXCLUDED.status = 'opted_out'
         RETURNING contact_id, channel, status, source, changed_at)
       INSERT INTO consent_evidence (contact_id, channel, status, source, recorded_by, created_at)
       SELECT contact_id, channel, status, source, $2, changed_at FROM changed
       RETURNING contact_id, channel, status, source`,
      [
        JSON.stringify(
          decisions.map((d) => ({
            contact_id: d.contactId,
            channel: d.channel,
            status: d.status,
            source: d.source.slice(0, 64),
            at: d.at?.toISOString() ?? null,
          })),
        ),
        recordedBy.slice(0, 64),
      ],
    );
    return rows.map((row) => ({
      contactId: row.contact_id,
      channel: row.channel,
      status: row.status,
      source: row.source,
    }));
  }
}
