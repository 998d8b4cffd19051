import type { ContactRecord, ContactRow } from '../contacts/contact-row';

/** A contact as campaigns see them: what their templates render and their decisions read. */
export type ContactProfile = Pick<
  ContactRecord,
  | 'firstName'
  | 'lastName'
  | 'displayName'
  | 'email'
  | 'phone'
  | 'timeZone'
  | 'locale'
  | 'birthday'
  | 'attributes'
  | 'tags'
>;

/** The profile's columns of a `contacts` row aliased `alias`, in the shape `contactProfileOf` reads. */
export function contactProfileColumns(alias: string): string {
  return `${alias}.first_name, ${alias}.last_name, ${alias}.display_name, ${alias}.email, ${alias}.phone,
          ${alias}.time_zone, ${alias}.locale, ${alias}.birthday::text AS birthday, ${alias}.attributes, ${alias}.tags`;
}

/** A row holding `contactProfileColumns`. */
export type ContactProfileRow = Pick<
  ContactRow,
  | 'first_name'
  | 'last_name'
  | 'display_name'
  | 'email'
  | 'phone'
  | 'time_zone'
  | 'locale'
  | 'birthday'
  | 'attributes'
  | 'tags'
>;

/** The one row → profile mapping: the campaign send's facts and the composer's sample contacts both read it. */
export function contactProfileOf(row: ContactProfileRow): ContactProfile {
  return {
    firstName: row.first_name,
    lastName: row.last_name,
    displayName: row.display_name,
    email: row.email,
    phone: row.phone,
    timeZone: row.time_zone,
    locale: row.locale,
    birthday: row.birthday,
    attributes: row.attributes ?? {},
    tags: row.tags ?? [],
  };
}
