import { useMigratedStore } from '../helpers/migrated-store';

jest.setTimeout(60_000);

const store = useMigratedStore();
const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  store.dataSource.query<T[]>(sql, params);

/** The rollups as stored, and as recomputed from the events themselves: they must agree. */
async function rollups(): Promise<{ stored: unknown; expected: unknown }> {
  const [stored] = await q<{ totals: unknown; numbers: unknown }>(
    `SELECT (SELECT COALESCE(json_agg(t ORDER BY t.contact_id, t.name), '[]') FROM
               (SELECT contact_id, name, events, to_json(last_at) #>> '{}' AS last_at FROM contact_event_totals) t) AS totals,
            (SELECT COALESCE(json_agg(n ORDER BY n.event_id, n.key), '[]') FROM
               (SELECT event_id, key, name, contact_id, to_json(occurred_at) #>> '{}' AS occurred_at, value::text AS value
                  FROM contact_event_numbers) n) AS numbers`,
  );
  const [expected] = await q<{ totals: unknown; numbers: unknown }>(
    `SELECT (SELECT COALESCE(json_agg(t ORDER BY t.contact_id, t.name), '[]') FROM
               (SELECT contact_id, name, count(*)::int AS events, to_json(max(occurred_at)) #>> '{}' AS last_at
                  FROM contact_events GROUP BY contact_id, name) t) AS totals,
            (SELECT COALESCE(json_agg(n ORDER BY n.event_id, n.key), '[]') FROM
               (SELECT e.id AS event_id, p.key, e.name, e.contact_id, to_json(e.occurred_at) #>> '{}' AS occurred_at,
                       btrim(p.value #>> '{}')::numeric::text AS value
                  FROM contact_events e, jsonb_each(e.properties) AS p
                 WHERE jsonb_typeof(p.value) = 'number'
                    OR jsonb_typeof(p.value) = 'string' AND btrim(p.value #>> '{}') ~ '^[+-]?[0-9]+([.][0-9]+)?$') n) AS numbers`,
  );
  return { stored, expected };
}

async function contact(name: string): Promise<string> {
  const [{ id }] = await q<{ id: string }>('INSERT INTO contacts (first_name) VALUES ($1) RETURNING id', [name]);
  return id;
}

describe('the event rollups (migration EventRollups)', () => {
  let ann: string;
  let bob: string;

  beforeAll(async () => {
    ann = await contact('Ann');
    bob = await contact('Bob');
  });

  it('count and keep the last time and the numbers of events inserted one by one and in a batch', async () => {
    await q(
      `INSERT INTO contact_events (contact_id, name, occurred_at, properties) VALUES ($1, 'order.placed', $2, $3)`,
      [ann, '2026-05-01T10:00:00Z', JSON.stringify({ total: 100, note: 'gift', items: [1, 2] })],
    );
    await q(
      `INSERT INTO contact_events (contact_id, name, occurred_at, properties) VALUES
         ($1, 'order.placed', '2026-05-03T10:00:00Z', '{"total": " 25.5 ", "shipping": 4}'),
         ($1, 'order.placed', '2026-04-01T10:00:00Z', '{"total": "n/a"}'),
         ($2, 'order.placed', '2026-03-01T10:00:00Z', '{"total": -7}'),
         ($2, 'page.viewed', '2026-05-02T10:00:00Z', '{}')`,
      [ann, bob],
    );
    const { stored, expected } = await rollups();
    expect(stored).toEqual(expected);
    expect(await q('SELECT events, last_at FROM contact_event_totals WHERE contact_id = $1', [ann])).toEqual([
      { events: 3, last_at: new Date('2026-05-03T10:00:00Z') },
    ]);
    expect(
      (
        await q<{ key: string; value: string }>(
          'SELECT key, value FROM contact_event_numbers WHERE contact_id = $1 ORDER BY key, value',
          [ann],
        )
      ).map((row) => `${row.key}=${Number(row.value)}`),
    ).toEqual(['shipping=4', 'total=25.5', 'total=100']);
  });

  it('follow events moved to another contact (a merge) and ignore an answer saved on one', async () => {
    await q(`UPDATE contact_events SET answer = '{"ok": true}' WHERE contact_id = $1`, [bob]);
    await q(`UPDATE contact_events SET contact_id = $2 WHERE contact_id = $1 AND name = 'order.placed'`, [bob, ann]);
    const { stored, expected } = await rollups();
    expect(stored).toEqual(expected);
    expect(await q('SELECT name, events FROM contact_event_totals WHERE contact_id = $1 ORDER BY name', [bob])).toEqual(
      [{ name: 'page.viewed', events: 1 }],
    );
  });

  it('recompute the last time when the latest event is deleted, and forget a contact deleted with its events', async () => {
    await q(`DELETE FROM contact_events WHERE occurred_at = '2026-05-03T10:00:00Z'`);
    expect(await q('SELECT events, last_at FROM contact_event_totals WHERE contact_id = $1', [ann])).toEqual([
      { events: 3, last_at: new Date('2026-05-01T10:00:00Z') },
    ]);
    await q('DELETE FROM contacts WHERE id = $1', [bob]);
    const { stored, expected } = await rollups();
    expect(stored).toEqual(expected);
    expect(await q('SELECT 1 FROM contact_event_totals WHERE contact_id = $1', [bob])).toEqual([]);
  });

  it('leave out numbers nobody sums: more than 60 characters, or an exponent past 99', async () => {
    const [{ id }] = await q<{ id: string }>(
      `INSERT INTO contact_events (contact_id, name, properties) VALUES ($1, 'odd', $2) RETURNING id`,
      [ann, JSON.stringify({ long: '1'.repeat(61), huge: '1e999999', fine: '1e5', text: 'abc', list: [3] })],
    );
    expect(await q('SELECT key, value::float8 AS value FROM contact_event_numbers WHERE event_id = $1', [id])).toEqual([
      { key: 'fine', value: 100000 },
    ]);
  });
});
