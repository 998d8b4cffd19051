import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';

/**
 * Everything the hub holds about one person (GDPR art. 15), table by table, as plain JSON rows
 * with the tables' column names: the profile, identities, conversations each with its messages,
 * consents with their evidence, events, flow runs (answers), A/B exposures, feedback, feedback
 * requests and the bot's handoff summaries. A reader of the contacts feature over tables other
 * stores own, like the profile's sections; nothing is left out of the person's own copy
 * (internal notes included: they are data about the person too).
 */
export interface ContactExportData {
  profile: Record<string, unknown>;
  identities: Record<string, unknown>[];
  conversations: (Record<string, unknown> & { messages: Record<string, unknown>[] })[];
  consents: Record<string, unknown>[];
  consentEvidence: Record<string, unknown>[];
  events: Record<string, unknown>[];
  flowRuns: Record<string, unknown>[];
  exposures: Record<string, unknown>[];
  feedback: Record<string, unknown>[];
  feedbackRequests: Record<string, unknown>[];
  handoffs: Record<string, unknown>[];
}

const SECTIONS = {
  identities:
    'SELECT id, channel, address, created_at FROM contact_identities WHERE contact_id = $1 ORDER BY created_at',
  consents:
    'SELECT channel, status, source, changed_at, created_at FROM consents WHERE contact_id = $1 ORDER BY channel',
  consentEvidence: `SELECT channel, status, source, recorded_by, message_id, created_at FROM consent_evidence
                     WHERE contact_id = $1 ORDER BY created_at, id`,
  events: `SELECT id, name, occurred_at, properties, event_id, created_at FROM contact_events
            WHERE contact_id = $1 ORDER BY occurred_at, id`,
  flowRuns: `SELECT id, conversation_id, flow_id, flow_version, status, step_id, answers, variant, trigger, end_reason,
                    created_at, updated_at, ended_at
               FROM flow_runs WHERE contact_id = $1 ORDER BY created_at, id`,
  exposures: `SELECT run_id, flow_id, flow_version, step_id, variant, created_at FROM flow_exposures
               WHERE contact_id = $1 ORDER BY created_at, id`,
  feedback: `SELECT id, conversation_id, channel, flow_id, kind, score, comment, sentiment_label, tags, created_at
               FROM feedback WHERE contact_id = $1 ORDER BY created_at, id`,
  feedbackRequests: `SELECT id, conversation_id, channel, flow_id, kind, created_at, answered_at
                       FROM feedback_requests WHERE contact_id = $1 ORDER BY created_at, id`,
  handoffs: `SELECT h.conversation_id, h.team, h.reason, h.summary, h.handed_off_at FROM conversation_handoffs h
               JOIN conversations c ON c.id = h.conversation_id WHERE c.contact_id = $1 ORDER BY h.handed_off_at`,
} as const;

export class ContactExportStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The person's data, or null when there is no such contact (or it was erased). */
  async export(contactId: string): Promise<ContactExportData | null> {
    const manager = this.dataSource.manager;
    const [profile] = await jsonRows(
      manager,
      `SELECT id, display_name, first_name, last_name, email, phone, external_id, locale, time_zone,
              birthday::text AS birthday, attributes, tags, last_seen_at, created_at, updated_at
         FROM contacts WHERE id = $1 AND erased_at IS NULL`,
      contactId,
    );
    if (!profile) return null;
    const sections = {} as Record<keyof typeof SECTIONS, Record<string, unknown>[]>;
    for (const [key, text] of Object.entries(SECTIONS) as [keyof typeof SECTIONS, string][]) {
      sections[key] = await jsonRows(manager, text, contactId);
    }
    const conversations = await jsonRows(
      manager,
      `SELECT id, channel, status, team, labels, created_at, last_message_at FROM conversations
        WHERE contact_id = $1 ORDER BY created_at, id`,
      contactId,
    );
    const messages = await jsonRows(
      manager,
      `SELECT id, conversation_id, direction, author_kind, body, attachments, is_private, status, sent_at, created_at
         FROM messages WHERE contact_id = $1 ORDER BY created_at, id`,
      contactId,
    );
    return {
      profile,
      ...sections,
      conversations: conversations.map((conversation) => ({
        ...conversation,
        messages: messages.filter((message) => message.conversation_id === conversation.id),
      })),
    };
  }
}

/** Rows as JSON (row_to_json), so timestamps and jsonb come out as the export writes them. */
async function jsonRows(
  manager: DataSource['manager'],
  text: string,
  contactId: string,
): Promise<Record<string, unknown>[]> {
  const rows = await queryRows<{ row: Record<string, unknown> }>(
    manager,
    `SELECT row_to_json(t.*) AS row FROM (${text}) t`,
    [contactId],
  );
  return rows.map(({ row }) => row);
}
