import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a segment's event conditions read instead of every event (bench:segments: 1,000,000
 * contacts, 5,000,000 events), maintained by triggers in the transaction that changes an event,
 * whoever writes it (the events API, the demo seed, a contact merge moving events, an erasure):
 * - `contact_event_totals`: per contact and event name, how many and the last time. "Last order
 *   more than 90 days ago" reads the contacts whose last time is before the cutoff from an index,
 *   instead of the maximum over every order of every contact.
 * - `contact_event_numbers`: each event's numeric top-level properties (a number, or a text that
 *   is one), one row each, indexed by (name, key, time) with the contact and the value in the
 *   index: a sum over a window is an index-only range scan instead of a random read of every
 *   event's JSON. Values written in more than 60 characters (or with an exponent past 99) are not
 *   numbers anyone sums; they are left out, as the segment compiler's sums leave them out.
 * - an index on events by (name, time, contact): counts and "any in the last N days" read the
 *   window's entries alone, not every event of that name.
 * Inserts add to the totals incrementally; deletes and updates recompute the pairs they touched
 * (a maximum cannot be decremented). Triggers are per statement with transition tables, so a
 * batch of events costs one statement per table.
 */
export class EventRollups1796800000000 implements MigrationInterface {
  name = 'EventRollups1796800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE contact_event_totals (
        contact_id uuid NOT NULL,
        name varchar(100) NOT NULL,
        events integer NOT NULL,
        last_at timestamptz NOT NULL,
        CONSTRAINT contact_event_totals_pkey PRIMARY KEY (contact_id, name),
        CONSTRAINT contact_event_totals_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE
      )`);
    await db.query(
      'CREATE INDEX ix_contact_event_totals_name_last ON contact_event_totals (name, last_at, contact_id)',
    );
    await db.query(`
      CREATE TABLE contact_event_numbers (
        event_id uuid NOT NULL,
        key varchar(100) NOT NULL,
        name varchar(100) NOT NULL,
        contact_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        value numeric NOT NULL,
        CONSTRAINT contact_event_numbers_pkey PRIMARY KEY (event_id, key),
        CONSTRAINT contact_event_numbers_event_id_fkey FOREIGN KEY (event_id) REFERENCES contact_events (id) ON DELETE CASCADE
      )`);
    await db.query(
      'CREATE INDEX ix_contact_event_numbers_sum ON contact_event_numbers (name, key, occurred_at, contact_id, value)',
    );
    await db.query('CREATE INDEX ix_contact_events_name_time ON contact_events (name, occurred_at, contact_id)');

    // The numeric top-level properties of an event, as the segment compiler reads a number.
    await db.query(`
      CREATE FUNCTION contact_event_numbers_of(properties jsonb) RETURNS TABLE (key text, value numeric)
      LANGUAGE sql IMMUTABLE AS $$
        SELECT p.key, (btrim(p.value #>> '{}'))::numeric
          FROM jsonb_each(CASE jsonb_typeof(properties) WHEN 'object' THEN properties ELSE '{}'::jsonb END) AS p
         WHERE char_length(p.key) <= 100
           AND char_length(btrim(p.value #>> '{}')) <= 60
           AND (jsonb_typeof(p.value) = 'number'
                OR jsonb_typeof(p.value) = 'string'
                   AND btrim(p.value #>> '{}') ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?$')
      $$`);
    // Recomputes the totals of (contact, name) pairs from the events left.
    const recompute = (pairs: string) => `
      DELETE FROM contact_event_totals t USING (${pairs}) p
       WHERE t.contact_id = p.contact_id AND t.name = p.name;
      INSERT INTO contact_event_totals (contact_id, name, events, last_at)
      SELECT e.contact_id, e.name, count(*), max(e.occurred_at)
        FROM contact_events e JOIN (${pairs}) p ON e.contact_id = p.contact_id AND e.name = p.name
       GROUP BY e.contact_id, e.name
       ORDER BY e.contact_id, e.name`;
    const numbers = (rows: string) => `
      INSERT INTO contact_event_numbers (event_id, key, name, contact_id, occurred_at, value)
      SELECT e.id, n.key, e.name, e.contact_id, e.occurred_at, n.value
        FROM ${rows} e CROSS JOIN LATERAL contact_event_numbers_of(e.properties) AS n`;

    await db.query(`
      CREATE FUNCTION contact_event_rollups_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO contact_event_totals AS t (contact_id, name, events, last_at)
        SELECT contact_id, name, count(*), max(occurred_at) FROM inserted
         GROUP BY contact_id, name ORDER BY contact_id, name
        ON CONFLICT (contact_id, name) DO UPDATE
          SET events = t.events + excluded.events, last_at = greatest(t.last_at, excluded.last_at);
        ${numbers('inserted')};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER contact_event_rollups_inserted AFTER INSERT ON contact_events
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION contact_event_rollups_inserted()`);

    // Merges move events to another contact; nothing else rewrites them, but any change is followed.
    await db.query(`
      CREATE FUNCTION contact_event_rollups_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Saving an event's answer rewrites its row but nothing counted.
        IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                        WHERE (o.contact_id, o.name, o.occurred_at, o.properties)
                              IS DISTINCT FROM (n.contact_id, n.name, n.occurred_at, n.properties)) THEN
          RETURN NULL;
        END IF;
        ${recompute(`SELECT contact_id, name FROM old_rows UNION SELECT contact_id, name FROM new_rows`)};
        DELETE FROM contact_event_numbers n USING old_rows o WHERE n.event_id = o.id;
        ${numbers('new_rows')};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER contact_event_rollups_updated AFTER UPDATE ON contact_events
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION contact_event_rollups_updated()`);

    // The numbers go with their event (cascade); the totals of the pairs are recomputed.
    await db.query(`
      CREATE FUNCTION contact_event_rollups_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${recompute('SELECT DISTINCT contact_id, name FROM deleted')};
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER contact_event_rollups_deleted AFTER DELETE ON contact_events
        REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION contact_event_rollups_deleted()`);

    // The events already recorded.
    await db.query(`
      INSERT INTO contact_event_totals (contact_id, name, events, last_at)
      SELECT contact_id, name, count(*), max(occurred_at) FROM contact_events GROUP BY contact_id, name`);
    await db.query(numbers('contact_events'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER contact_event_rollups_deleted ON contact_events');
    await db.query('DROP TRIGGER contact_event_rollups_updated ON contact_events');
    await db.query('DROP TRIGGER contact_event_rollups_inserted ON contact_events');
    await db.query('DROP FUNCTION contact_event_rollups_deleted()');
    await db.query('DROP FUNCTION contact_event_rollups_updated()');
    await db.query('DROP FUNCTION contact_event_rollups_inserted()');
    await db.query('DROP FUNCTION contact_event_numbers_of(jsonb)');
    await db.query('DROP INDEX ix_contact_events_name_time');
    await db.query('DROP TABLE contact_event_numbers');
    await db.query('DROP TABLE contact_event_totals');
  }
}
