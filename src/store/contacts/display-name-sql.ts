import { UNKNOWN_CONTACT_NAME } from '../../core/identity';

/**
 * The one display-name rule (`displayName` in src/core/identity.ts) as a SQL expression over a
 * `contacts` row aliased `alias`. Every query that shows a contact's name selects this, so the
 * inbox, Slack, feedback and the contact panel agree; a test holds it to the TypeScript rule.
 */
export function contactDisplayNameSql(alias: string): string {
  const column = (name: string) => `NULLIF(btrim(${alias}.${name}), '')`;
  return `COALESCE(${column('display_name')},
    NULLIF(concat_ws(' ', ${column('first_name')}, ${column('last_name')}), ''),
    ${column('email')}, ${column('phone')}, '${UNKNOWN_CONTACT_NAME}')`;
}
