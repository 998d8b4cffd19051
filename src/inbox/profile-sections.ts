import type { DataSource } from 'typeorm';

/**
 * An extension point of the contact profile: another part of the hub (consent, flows, feedback)
 * adds what it knows about a contact. `load` returns plain JSON rows, newest first.
 */
export interface ProfileSection {
  key: string;
  load(dataSource: DataSource, contactId: string): Promise<Record<string, unknown>[]>;
}

/**
 * A section read from a table another part of the hub owns, if that table exists with a
 * `contact_id` column. Those parts are built separately, so the profile reads them defensively:
 * a missing table is an empty section, not an error.
 */
export function optionalTableSection(key: string, table: string, limit = 50): ProfileSection {
  return {
    key,
    async load(dataSource, contactId) {
      const columns: { column_name: string }[] = await dataSource.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1`,
        [table],
      );
      const names = new Set(columns.map((column) => column.column_name));
      if (!names.has('contact_id')) return [];
      const order = names.has('created_at') ? 'ORDER BY t.created_at DESC' : '';
      const rows: { row: Record<string, unknown> }[] = await dataSource.query(
        `SELECT row_to_json(t.*) AS row FROM "${table}" t WHERE t.contact_id = $1 ${order} LIMIT ${limit}`,
        [contactId],
      );
      return rows.map(({ row }) => withoutInternals(row));
    },
  };
}

/** Raw provider payloads and engine state stay out of the agent's view. */
function withoutInternals(row: Record<string, unknown>): Record<string, unknown> {
  const { raw: _raw, state: _state, ...rest } = row;
  return rest;
}

/** The sections every hub has: consent, flow answers and feedback, when those tables exist. */
export const DEFAULT_PROFILE_SECTIONS: ProfileSection[] = [
  optionalTableSection('consents', 'consents'),
  optionalTableSection('flowAnswers', 'flow_runs'),
  optionalTableSection('feedback', 'feedback'),
];
