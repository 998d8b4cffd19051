/** A contact as campaigns see them: what their templates render and their decisions read. */
export interface ContactProfile {
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  timeZone: string | null;
  locale: string | null;
  birthday: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
}

/** The profile's columns of a `contacts` row aliased `alias`, in the shape `contactProfileOf` reads. */
export function contactProfileColumns(alias: string): string {
  return `${alias}.first_name, ${alias}.last_name, ${alias}.display_name, ${alias}.email, ${alias}.phone,
          ${alias}.time_zone, ${alias}.locale, ${alias}.birthday::text AS birthday, ${alias}.attributes, ${alias}.tags`;
}

/** A row holding `contactProfileColumns`. */
export interface ContactProfileRow {
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  time_zone: string | null;
  locale: string | null;
  birthday: string | null;
  attributes: Record<string, unknown> | null;
  tags: string[] | null;
}

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
