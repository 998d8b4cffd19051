import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sums of an event property over a window that saved segments use (`{ event: order.placed,
 * within_days: 365, sum: { property: total, gte: 500 } }`), kept per contact instead of added up
 * at count time (bench:segments: a million orders in a year's window, 1.4 s a count).
 *
 * - `event_sum_windows`: one row per (event name, property, days) that a saved segment uses,
 *   registered and dropped by src/store/segments/event-sum-window-store.ts, with `counted_from`:
 *   each contact's total holds the values of the events that occurred at or after it.
 * - `contact_event_window_sums`: per window and contact, that total. Triggers on
 *   `contact_event_numbers` (which the events' own triggers keep: API, seed, merges, erasure) add a
 *   new event's value to every window that counts it and take a removed one's away, in the
 *   transaction that changes the event.
 *
 * A count reads the totals and corrects them exactly for the moment it asks about: the values of
 * events between `counted_from` and its own cutoff (the few that aged out since the store last
 * moved `counted_from` forward) are taken away, or added when the count's moment is earlier.
 */
export class EventSumWindows1796920000000 implements MigrationInterface {
  name = 'EventSumWindows1796920000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE event_sum_windows (
        id SERIAL NOT NULL,
        name varchar(100) NOT NULL,
        key varchar(100) NOT NULL,
        days integer NOT NULL,
        counted_from timestamptz NOT NULL,
        CONSTRAINT event_sum_windows_pkey PRIMARY KEY (id),
        CONSTRAINT uq_event_sum_windows UNIQUE (name, key, days)
      )`);
    await db.query(`
      CREATE TABLE contact_event_window_sums (
        window_id integer NOT NULL,
        contact_id uuid NOT NULL,
        total numeric NOT NULL,
        CONSTRAINT contact_event_window_sums_pkey PRIMARY KEY (window_id, contact_id),
        CONSTRAINT contact_event_window_sums_window_id_fkey FOREIGN KEY (window_id)
          REFERENCES event_sum_windows (id) ON DELETE CASCADE,
        CONSTRAINT contact_event_window_sums_contact_id_fkey FOREIGN KEY (contact_id)
          REFERENCES contacts (id) ON DELETE CASCADE
      )`);
    // "Spent at least 500": the totals that pass, read from the index alone.
    await db.query(
      'CREATE INDEX ix_contact_event_window_sums_total ON contact_event_window_sums (window_id, total, contact_id)',
    );

    // The values of `rows` that each window counts, per window and contact (sorted: concurrent
    // writers lock the totals in one order).
    const counted = (rows: string) => `
      SELECT w.id AS window_id, n.contact_id, sum(n.value) AS total
        FROM ${rows} n JOIN event_sum_windows w
          ON w.name = n.name AND w.key = n.key AND n.occurred_at >= w.counted_from
       GROUP BY w.id, n.contact_id
       ORDER BY w.id, n.contact_id`;
    const add = (rows: string) => `
      INSERT INTO contact_event_window_sums AS s (window_id, contact_id, total)
      ${counted(rows)}
      ON CONFLICT (window_id, contact_id) DO UPDATE SET total = s.total + excluded.total`;
    // A contact deleted in the same statement has no total left to change: an update, not an
    // upsert. A total that reaches zero goes (no total and zero mean the same to a count): an
    // erased person keeps no row here.
    const subtract = (rows: string) => `
      UPDATE contact_event_window_sums s SET total = s.total - r.total
        FROM (${counted(rows)}) r
       WHERE s.window_id = r.window_id AND s.contact_id = r.contact_id;
      DELETE FROM contact_event_window_sums s USING (${counted(rows)}) r
       WHERE s.window_id = r.window_id AND s.contact_id = r.contact_id AND s.total = 0`;

    // One statement-level trigger per change, its transition tables named in `tables`.
    const trigger = async (change: 'INSERT' | 'DELETE' | 'UPDATE', tables: string, body: string) => {
      const name = `contact_event_window_sums_${{ INSERT: 'inserted', DELETE: 'deleted', UPDATE: 'updated' }[change]}`;
      await db.query(`
        CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${body};
          RETURN NULL;
        END $$`);
      await db.query(`
        CREATE TRIGGER ${name} AFTER ${change} ON contact_event_numbers
          REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`);
    };
    await trigger('INSERT', 'NEW TABLE AS inserted', add('inserted'));
    await trigger('DELETE', 'OLD TABLE AS deleted', subtract('deleted'));
    // The events' triggers replace numbers rather than update them; any update is followed all the same.
    await trigger(
      'UPDATE',
      'OLD TABLE AS old_rows NEW TABLE AS new_rows',
      `${subtract('old_rows')}; ${add('new_rows')}`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER contact_event_window_sums_updated ON contact_event_numbers');
    await db.query('DROP TRIGGER contact_event_window_sums_deleted ON contact_event_numbers');
    await db.query('DROP TRIGGER contact_event_window_sums_inserted ON contact_event_numbers');
    await db.query('DROP FUNCTION contact_event_window_sums_updated()');
    await db.query('DROP FUNCTION contact_event_window_sums_deleted()');
    await db.query('DROP FUNCTION contact_event_window_sums_inserted()');
    await db.query('DROP TABLE contact_event_window_sums');
    await db.query('DROP TABLE event_sum_windows');
  }
}
