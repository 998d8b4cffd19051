import type { ChannelName } from '../../core/types';

/** A contact as the hub works with it: the one shape every reader of `contacts` gets. */
export interface ContactRecord {
  id: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  /** The shop's own id for this person (unique; an import matches by it first). */
  externalId: string | null;
  locale: string | null;
  timeZone: string | null;
  /** `YYYY-MM-DD`, read as text so no time zone can shift the day. */
  birthday: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
  lastSeenAt: string | null;
  createdAt: string;
}

/** One way a contact can be reached: a phone number on SMS, a visitor id on web chat, … */
export interface ContactIdentityRecord {
  id: string;
  channel: ChannelName;
  address: string;
}

/** The columns `contactOf` reads, as every contact query selects them. */
export const CONTACT_COLUMNS = `id, display_name, first_name, last_name, email, phone, external_id, locale, time_zone,
  birthday::text AS birthday, attributes, tags, last_seen_at, created_at`;

/** A `contacts` row as selected with CONTACT_COLUMNS. */
export interface ContactRow {
  id: string;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  external_id: string | null;
  locale: string | null;
  time_zone: string | null;
  birthday: string | null;
  attributes: Record<string, unknown> | null;
  tags: string[] | null;
  last_seen_at: Date | string | null;
  created_at: Date | string;
}

/** The one mapper from a `contacts` row to a ContactRecord. */
export function contactOf(row: ContactRow): ContactRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    externalId: row.external_id,
    locale: row.locale,
    timeZone: row.time_zone,
    birthday: row.birthday,
    attributes: row.attributes ?? {},
    tags: row.tags ?? [],
    lastSeenAt: row.last_seen_at === null ? null : new Date(row.last_seen_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
