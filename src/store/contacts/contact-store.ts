import type { DataSource } from 'typeorm';
import type { ChannelName } from '../../core/types';
import { queryRows } from '../prepared-query';
import { mergeContactRows, type ContactMergeResult } from './merge-contacts';
import {
  CONTACT_COLUMNS,
  contactOf,
  type ContactIdentityRecord,
  type ContactRecord,
  type ContactRow,
} from './contact-row';

/** The fields an edit may set, already in their stored form (E.164 phone, normalized email). */
export interface ContactFieldChanges {
  displayName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  locale?: string | null;
  timeZone?: string | null;
  birthday?: string | null;
  /** Merged key by key; a null value removes the key. */
  attributes?: Record<string, unknown>;
  /** Replaces the tags (lower-cased, unique). */
  tags?: string[];
}

const COLUMNS: [Exclude<keyof ContactFieldChanges, 'attributes' | 'tags'>, string][] = [
  ['displayName', 'display_name'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['locale', 'locale'],
  ['timeZone', 'time_zone'],
  ['birthday', 'birthday'],
];

/** SMS and WhatsApp share E.164 addresses: the same number is the same person on both. */
const PHONE_CHANNELS: readonly ChannelName[] = ['sms', 'whatsapp'];

/**
 * The only code that reads and writes `contacts` and `contact_identities` (consents: ConsentStore).
 * Callers hand it values already in their one stored form (src/core/identity.ts).
 */
export class ContactStore {
  constructor(private readonly dataSource: DataSource) {}

  async find(contactId: string): Promise<ContactRecord | null> {
    const [row] = await queryRows<ContactRow>(
      this.dataSource.manager,
      `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE id = $1`,
      [contactId],
    );
    return row ? contactOf(row) : null;
  }

  async identities(contactId: string): Promise<ContactIdentityRecord[]> {
    return queryRows<ContactIdentityRecord>(
      this.dataSource.manager,
      'SELECT id, channel, address FROM contact_identities WHERE contact_id = $1 ORDER BY created_at, id',
      [contactId],
    );
  }

  /** The contact whose phone, or SMS/WhatsApp identity, is this E.164 number. */
  async idByPhone(e164: string): Promise<string | null> {
    const [row] = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `SELECT contact_id AS id FROM contact_identities WHERE channel = ANY($2) AND address = $1
       UNION ALL SELECT id FROM contacts WHERE phone = $1
       LIMIT 1`,
      [e164, PHONE_CHANNELS],
    );
    return row?.id ?? null;
  }

  /** The oldest contact with this (normalized) email. */
  async idByEmail(email: string): Promise<string | null> {
    const [row] = await queryRows<{ id: string }>(
      this.dataSource.manager,
      'SELECT id FROM contacts WHERE lower(email) = $1 ORDER BY created_at LIMIT 1',
      [email],
    );
    return row?.id ?? null;
  }

  async exists(contactId: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(this.dataSource.manager, 'SELECT id FROM contacts WHERE id = $1', [
      contactId,
    ]);
    return rows.length === 1;
  }

  /** Applies an edit; answers false when the contact does not exist. */
  async update(contactId: string, changes: ContactFieldChanges): Promise<boolean> {
    const sets: string[] = [];
    const params: unknown[] = [contactId];
    for (const [field, column] of COLUMNS) {
      if (changes[field] === undefined) continue;
      params.push(changes[field]);
      sets.push(`${column} = $${params.length}`);
    }
    if (changes.attributes) {
      const removed = Object.keys(changes.attributes).filter((key) => changes.attributes?.[key] === null);
      const kept = Object.fromEntries(Object.entries(changes.attributes).filter(([, value]) => value !== null));
      params.push(JSON.stringify(kept), removed);
      sets.push(`attributes = (attributes || $${params.length - 1}::jsonb) - $${params.length}::text[]`);
    }
    if (changes.tags) {
      params.push([...new Set(changes.tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))]);
      sets.push(`tags = $${params.length}`);
    }
    const text =
      sets.length > 0
        ? `UPDATE contacts SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING id`
        : 'SELECT id FROM contacts WHERE id = $1';
    return (await queryRows<{ id: string }>(this.dataSource.manager, text, params)).length === 1;
  }

  /** Merges `mergedId` into `survivorId` by the rules of merge-contacts.ts, in one transaction. */
  merge(survivorId: string, mergedId: string): Promise<ContactMergeResult | null> {
    return this.dataSource.transaction((tx) => mergeContactRows(tx, survivorId, mergedId));
  }
}
