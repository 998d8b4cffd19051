import { UNKNOWN_CONTACT_NAME } from '../../core/identity';

/**
 * What JavaScript's `String.prototype.trim` removes (ECMAScript's WhiteSpace and LineTerminator),
 * as a PostgreSQL Unicode literal: `btrim` alone strips only spaces, and a name of a tab or a
 * newline would then be a name in SQL and blank in TypeScript.
 */
const JS_WHITESPACE = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
const TRIMMED = `U&'${JS_WHITESPACE.map((code) => `\\${code.toString(16).toUpperCase().padStart(4, '0')}`).join('')}'`;

/**
 * The one display-name rule (`displayName` in src/core/identity.ts) as a SQL expression over a
 * `contacts` row aliased `alias`. Every query that shows a contact's name selects this, so the
 * inbox, Slack, feedback and the contact panel agree; a test holds it to the TypeScript rule.
 */
export function contactDisplayNameSql(alias: string): string {
  const column = (name: string) => `NULLIF(btrim(${alias}.${name}, ${TRIMMED}), '')`;
  return `COALESCE(${column('display_name')},
    NULLIF(concat_ws(' ', ${column('first_name')}, ${column('last_name')}), ''),
    ${column('email')}, ${column('phone')}, '${UNKNOWN_CONTACT_NAME}')`;
}
