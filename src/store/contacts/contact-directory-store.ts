import type { DataSource } from 'typeorm';
import { queryRows } from '../prepared-query';
import { contactDisplayNameSql } from './display-name-sql';
import { storedTag } from './stored-tags';

/** A SQL condition with its parameters, numbered from the first number its maker was given. */
export interface SqlPredicate {
  sql: string;
  params: unknown[];
}

/** Where a page starts: strictly after this contact in (created_at DESC, id DESC) order. */
export interface DirectoryCursor {
  /** `created_at` in UTC to the microsecond (`2026-12-02T04:41:07.123456Z`), so no row is skipped. */
  createdAt: string;
  id: string;
}

export type ConsentFilter = 'opted_in' | 'opted_out' | 'none';

export interface DirectoryFilters {
  /** Part of a name, an email or a phone number. */
  q?: string;
  /** That number in E.164, when `q` reads as one: matches the phone and SMS/WhatsApp identities. */
  phone?: string;
  tag?: string;
  /** Has an identity on this channel; with `consent`, the channel the consent is about. */
  channel?: string;
  consent?: ConsentFilter;
  limit: number;
  after?: DirectoryCursor;
}

/** One row of the directory: what the Contacts table shows. */
export interface DirectoryItem {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  externalId: string | null;
  tags: string[];
  /** The channels the contact has an identity on, sorted. */
  channels: string[];
  /** The recorded consent per channel (`{ sms: 'opted_out' }`); a channel absent has none. */
  consents: Record<string, 'opted_in' | 'opted_out'>;
  lastSeenAt: string | null;
  createdAt: string;
}

interface DirectoryRow {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  external_id: string | null;
  tags: string[];
  channels: string[] | null;
  consents: Record<string, 'opted_in' | 'opted_out'> | null;
  last_seen_at: Date | string | null;
  created_at: Date | string;
  created_key: string;
}

/** The contacts alias the directory's statement (and a segment's predicate) uses. */
export const DIRECTORY_CONTACT_ALIAS = 'ct';

/**
 * The contacts directory's read model: a filtered page of contacts, newest first, by keyset on
 * (created_at, id) — the index ix_contacts_created serves it, and a contact created while someone
 * pages sorts before every cursor, so pages neither skip nor repeat. Erased contacts are gone.
 */
export class ContactDirectoryStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One page. `audience` restricts to contacts the caller may see (a predicate over the
   * conversation alias `c`, src/inbox/access.ts) and `segment` to a segment's members (a
   * predicate over the contact alias `ct`); both are numbered from the parameter numbers this
   * store hands to their makers, `segment` always from $1.
   */
  async page(
    filters: DirectoryFilters,
    audience: (firstParam: number) => SqlPredicate,
    segment?: SqlPredicate,
  ): Promise<{ items: DirectoryItem[]; next: DirectoryCursor | null }> {
    const params: unknown[] = [...(segment?.params ?? [])];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['ct.erased_at IS NULL'];
    if (segment) where.push(`(${segment.sql})`);
    const visible = audience(params.length + 1);
    if (visible.sql !== 'true') {
      params.push(...visible.params);
      where.push(`EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = ct.id AND ${visible.sql})`);
    }
    if (filters.q) where.push(searchCondition(filters.q, filters.phone, param));
    if (filters.tag) where.push(`ct.tags @> ARRAY[${param(storedTag(filters.tag))}]::text[]`);
    if (filters.channel) {
      where.push(
        `EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = ct.id AND i.channel = ${param(filters.channel)})`,
      );
    }
    if (filters.consent) where.push(consentCondition(filters.consent, filters.channel, param));
    if (filters.after) {
      where.push(
        `(ct.created_at, ct.id) < (${param(filters.after.createdAt)}::timestamptz, ${param(filters.after.id)}::uuid)`,
      );
    }
    const rows = await queryRows<DirectoryRow>(
      this.dataSource.manager,
      `SELECT ct.id, ${contactDisplayNameSql('ct')} AS name, ct.phone, ct.email, ct.external_id, ct.tags,
              ct.last_seen_at, ct.created_at, to_char(ct.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key,
              (SELECT array_agg(DISTINCT i.channel ORDER BY i.channel) FROM contact_identities i
                WHERE i.contact_id = ct.id) AS channels,
              (SELECT jsonb_object_agg(s.channel, s.status) FROM consents s WHERE s.contact_id = ct.id) AS consents
         FROM contacts ct
        WHERE ${where.join(' AND ')}
        ORDER BY ct.created_at DESC, ct.id DESC
        LIMIT ${param(filters.limit + 1)}`,
      params,
    );
    const more = rows.length > filters.limit;
    const page = rows.slice(0, filters.limit);
    const last = page.at(-1);
    return {
      items: page.map(itemOf),
      next: more && last ? { createdAt: last.created_key, id: last.id } : null,
    };
  }
}

/** Escapes LIKE's wildcards so a search for `50%` or `a_b` finds those characters. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function searchCondition(q: string, phone: string | undefined, param: (value: unknown) => string): string {
  const pattern = param(likePattern(q));
  const fields = ['ct.display_name', 'ct.first_name', 'ct.last_name', 'ct.email', 'ct.phone', 'ct.external_id']
    .map((column) => `${column} ILIKE ${pattern}`)
    .concat(`concat_ws(' ', ct.first_name, ct.last_name) ILIKE ${pattern}`);
  if (phone) {
    const e164 = param(phone);
    fields.push(
      `ct.phone = ${e164}`,
      `EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = ct.id AND i.address = ${e164})`,
    );
  }
  return `(${fields.join(' OR ')})`;
}

/**
 * `none`: no consent recorded (on the channel, or on any channel without one); otherwise that
 * status on the channel, or on some channel.
 */
function consentCondition(
  consent: ConsentFilter,
  channel: string | undefined,
  param: (value: unknown) => string,
): string {
  const onChannel = channel ? ` AND s.channel = ${param(channel)}` : '';
  if (consent === 'none') return `NOT EXISTS (SELECT 1 FROM consents s WHERE s.contact_id = ct.id${onChannel})`;
  return `EXISTS (SELECT 1 FROM consents s WHERE s.contact_id = ct.id${onChannel} AND s.status = ${param(consent)})`;
}

function itemOf(row: DirectoryRow): DirectoryItem {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    externalId: row.external_id,
    tags: row.tags,
    channels: row.channels ?? [],
    consents: row.consents ?? {},
    lastSeenAt: row.last_seen_at === null ? null : new Date(row.last_seen_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
