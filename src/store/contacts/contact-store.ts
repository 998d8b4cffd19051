import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../core/errors';
import { tombstoneHash, type TombstoneKind } from '../../core/tombstone';
import type { ChannelName } from '../../core/types';
import { queryRows } from '../prepared-query';
import { mergeContactRows, type ContactMergeResult } from './merge-contacts';
import { storedTags } from './stored-tags';
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
  externalId?: string | null;
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
  ['externalId', 'external_id'],
  ['locale', 'locale'],
  ['timeZone', 'time_zone'],
  ['birthday', 'birthday'],
];

/** A new contact's fields, in their stored form; attributes and tags as they are to be kept. */
export type NewContactFields = Omit<ContactFieldChanges, 'attributes'> & { attributes?: Record<string, unknown> };

const UNIQUE_VIOLATION = '23505';

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
      `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE id = $1 AND erased_at IS NULL`,
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

  /** The contact with this external id (the shop's own id), erased ones aside. */
  async idByExternalId(externalId: string): Promise<string | null> {
    const [row] = await queryRows<{ id: string }>(
      this.dataSource.manager,
      'SELECT id FROM contacts WHERE external_id = $1',
      [externalId],
    );
    return row?.id ?? null;
  }

  /** Whether an erased person had this address (in its stored form: E.164, lower-cased email). */
  async isTombstoned(kind: TombstoneKind, storedValue: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      'SELECT id FROM contact_tombstones WHERE kind = $1 AND value_hash = $2',
      [kind, tombstoneHash(kind, storedValue)],
    );
    return rows.length === 1;
  }

  /**
   * Creates a contact unless one already has its phone (as profile or SMS/WhatsApp identity),
   * email or external id: then CONTACT_EXISTS names the field and the existing contact. Creations
   * of the same address are serialised by a transaction-scoped advisory lock on it, so two
   * concurrent requests cannot both find nobody and create two.
   */
  async create(fields: NewContactFields): Promise<string> {
    return this.dataSource.transaction(async (tx) => {
      const keys = (['phone', 'email', 'externalId'] as const)
        .filter((field) => typeof fields[field] === 'string')
        .map((field) => `contact:${field}:${fields[field] as string}`)
        .sort();
      for (const key of keys) await queryRows(tx, 'SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
      await this.refuseDuplicates(tx, fields);
      const columns = COLUMNS.filter(([field]) => fields[field] !== undefined);
      const params: unknown[] = columns.map(([field]) => fields[field]);
      params.push(JSON.stringify(fields.attributes ?? {}), storedTags(fields.tags ?? []));
      const [row] = await queryRows<{ id: string }>(
        tx,
        `INSERT INTO contacts (${[...columns.map(([, column]) => column), 'attributes', 'tags'].join(', ')})
         VALUES (${params.map((_, i) => (i === columns.length ? `$${i + 1}::jsonb` : `$${i + 1}`)).join(', ')})
         RETURNING id`,
        params,
      );
      return row.id;
    });
  }

  private async refuseDuplicates(tx: EntityManager, fields: NewContactFields): Promise<void> {
    const checks: [keyof NewContactFields, string, unknown[]][] = [
      ['externalId', 'SELECT id FROM contacts WHERE external_id = $1', [fields.externalId]],
      [
        'phone',
        `SELECT contact_id AS id FROM contact_identities WHERE channel = ANY($2) AND address = $1
         UNION ALL SELECT id FROM contacts WHERE phone = $1 LIMIT 1`,
        [fields.phone, PHONE_CHANNELS],
      ],
      ['email', 'SELECT id FROM contacts WHERE lower(email) = $1 ORDER BY created_at LIMIT 1', [fields.email]],
    ];
    for (const [field, text, params] of checks) {
      if (typeof fields[field] !== 'string') continue;
      const [existing] = await queryRows<{ id: string }>(tx, text, params);
      if (existing) throw contactExists(field, existing.id);
    }
  }

  /** Applies an edit; answers false when the contact does not exist. */
  async update(contactId: string, changes: ContactFieldChanges): Promise<boolean> {
    try {
      return await this.applyUpdate(contactId, changes);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION || changes.externalId == null) throw error;
      throw contactExists('externalId', await this.idByExternalId(changes.externalId));
    }
  }

  private async applyUpdate(contactId: string, changes: ContactFieldChanges): Promise<boolean> {
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
      params.push(storedTags(changes.tags));
      sets.push(`tags = $${params.length}`);
    }
    const text =
      sets.length > 0
        ? `UPDATE contacts SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 AND erased_at IS NULL RETURNING id`
        : 'SELECT id FROM contacts WHERE id = $1 AND erased_at IS NULL';
    return (await queryRows<{ id: string }>(this.dataSource.manager, text, params)).length === 1;
  }

  /** Merges `mergedId` into `survivorId` by the rules of merge-contacts.ts, in one transaction. */
  merge(survivorId: string, mergedId: string): Promise<ContactMergeResult | null> {
    return this.dataSource.transaction((tx) => mergeContactRows(tx, survivorId, mergedId));
  }
}

function contactExists(field: string, existingId: string | null): AppError {
  return new AppError('CONTACT_EXISTS', `${field}: a contact with this ${field} already exists`, {
    field,
    existingId,
  });
}
