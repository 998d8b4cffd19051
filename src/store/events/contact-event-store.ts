import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';

/** Something a customer did, as the shop reported it through POST /api/events. */
export interface ContactEventInput {
  contactId: string;
  name: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  /** The sender's id for the event: the same id is recorded once. */
  eventId?: string;
}

export interface ContactEventRecord {
  id: string;
  name: string;
  occurredAt: string;
  properties: Record<string, unknown>;
  eventId: string | null;
  createdAt: string;
}

/** What recording an event came to. */
export type RecordOutcome =
  | { kind: 'recorded'; id: string }
  /** An event with this eventId is already recorded: its contact, name and the answer given then. */
  | { kind: 'repeat'; contactId: string; name: string; answer: Record<string, unknown> | null }
  /** The contact is erased (or gone): nothing was recorded. */
  | { kind: 'erased' };

interface EventRow {
  id: string;
  name: string;
  occurred_at: Date | string;
  properties: Record<string, unknown>;
  event_id: string | null;
  created_at: Date | string;
}

/** The only code that writes `contact_events`; contact-erasure.ts deletes a person's with them. */
export class ContactEventStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records an event unless its eventId is known. The contact row is read FOR SHARE in the same
   * statement, so an erasure in progress (which holds it FOR UPDATE) finishes first and the
   * event then finds the contact erased: no event outlives its person.
   */
  async record(event: ContactEventInput): Promise<RecordOutcome> {
    const [inserted] = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `WITH live AS (SELECT id FROM contacts WHERE id = $1 AND erased_at IS NULL FOR SHARE)
       INSERT INTO contact_events (contact_id, name, occurred_at, properties, event_id)
       SELECT id, $2, $3, $4::jsonb, $5 FROM live
       ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [event.contactId, event.name, event.occurredAt, JSON.stringify(event.properties), event.eventId ?? null],
    );
    if (inserted) return { kind: 'recorded', id: inserted.id };
    if (event.eventId === undefined) return { kind: 'erased' };
    const [known] = await queryRows<{ contact_id: string; name: string; answer: Record<string, unknown> | null }>(
      this.dataSource.manager,
      'SELECT contact_id, name, answer FROM contact_events WHERE event_id = $1',
      [event.eventId],
    );
    return known
      ? { kind: 'repeat', contactId: known.contact_id, name: known.name, answer: known.answer }
      : { kind: 'erased' };
  }

  /** Keeps the answer given for a recorded event, for a repeat of its eventId. */
  async saveAnswer(id: string, answer: Record<string, unknown>): Promise<void> {
    await queryRows(this.dataSource.manager, 'UPDATE contact_events SET answer = $2::jsonb WHERE id = $1', [
      id,
      JSON.stringify(answer),
    ]);
  }

  /** The contact's latest events, newest first. */
  async recent(contactId: string, limit: number): Promise<ContactEventRecord[]> {
    const rows = await queryRows<EventRow>(
      this.dataSource.manager,
      `SELECT id, name, occurred_at, properties, event_id, created_at FROM contact_events
        WHERE contact_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`,
      [contactId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      occurredAt: new Date(row.occurred_at).toISOString(),
      properties: row.properties,
      eventId: row.event_id,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }
}
