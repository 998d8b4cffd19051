import type { DataSource } from 'typeorm';
import { FeedbackDashboard, type Dashboard } from '../../src/feedback-review/dashboard';
import { parseFeedbackFilter, type FeedbackViewer } from '../../src/feedback-review/filters';
import { seedFeedback } from '../helpers/feedback-seed';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let db: DataSource;

let dashboard: FeedbackDashboard;
const manager: FeedbackViewer = { userId: '00000000-0000-4000-8000-000000000001', role: 'manager' };

beforeAll(async () => {
  hub = await startTestApp();
  db = hub.app.store.dataSource;
  await seedFeedback(db, {
    records: 1500,
    seed: 11,
    start: new Date('2026-02-20T00:00:00Z'),
    days: 70,
    contacts: 300,
    agents: 5,
  });
  dashboard = new FeedbackDashboard(db);
});
afterAll(async () => {
  await hub.close();
});

interface Rating {
  kind: string;
  score: number | null;
  comment: string | null;
  sentiment: string | null;
  channel: string;
  variant: string | null;
  agent: string | null;
  segment: string;
  tags: string[];
  day: string;
  week: string;
}

/** Every rating as it stands in the database, with its day and week in a time zone. */
async function ratings(timeZone: string): Promise<Rating[]> {
  return db.query(
    `SELECT f.kind, f.score, f.comment, f.sentiment_label AS sentiment, f.channel,
            CASE WHEN f.variant IS NOT NULL THEN f.flow_id || ' · ' || f.variant END AS variant, f.agent_id AS agent,
            COALESCE(ct.attributes->>'segment', '(none)') AS segment, ct.tags || f.tags AS tags,
            to_char(f.created_at AT TIME ZONE $1, 'YYYY-MM-DD') AS day,
            to_char(date_trunc('week', f.created_at AT TIME ZONE $1), 'YYYY-MM-DD') AS week
       FROM feedback f JOIN contacts ct ON ct.id = f.contact_id`,
    [timeZone],
  );
}

/** The counts of a set of ratings, computed one by one. */
function counts(rows: Rating[]) {
  const csat = rows.filter((r) => r.kind === 'csat');
  const nps = rows.filter((r) => r.kind === 'nps');
  return {
    csat: [csat.length, csat.filter((r) => r.score! >= 4).length],
    nps: [
      nps.filter((r) => r.score! >= 9).length,
      nps.filter((r) => r.score! >= 7 && r.score! <= 8).length,
      nps.filter((r) => r.score! <= 6).length,
    ],
  };
}

function grouped(rows: Rating[], keys: (rating: Rating) => (string | null)[]) {
  const groups = new Map<string, Rating[]>();
  for (const row of rows)
    for (const key of new Set(keys(row))) if (key !== null) groups.set(key, [...(groups.get(key) ?? []), row]);
  return Object.fromEntries([...groups].map(([key, members]) => [key, counts(members)]));
}

const shown = (groups: Dashboard['breakdowns']['channel']) =>
  Object.fromEntries(
    groups.map((group) => [
      group.key,
      {
        csat: [group.csat.responses, group.csat.satisfied],
        nps: [group.nps.promoters, group.nps.passives, group.nps.detractors],
      },
    ]),
  );

/** The whole dashboard for a period, figure by figure, against the ratings read one by one. */
async function expectDirectResult(query: Record<string, string>, select: (rating: Rating) => boolean = () => true) {
  const filter = parseFeedbackFilter(query);
  const rows = (await ratings(filter.timeZone)).filter(
    (r) => (!filter.from || r.day >= filter.from) && (!filter.to || r.day <= filter.to) && select(r),
  );
  const result = await dashboard.compute(filter, manager);
  const all = counts(rows);
  expect([result.csat.responses, result.csat.satisfied]).toEqual(all.csat);
  expect([result.nps.promoters, result.nps.passives, result.nps.detractors]).toEqual(all.nps);
  expect(result.comments.total).toBe(rows.filter((r) => r.comment !== null).length);
  expect(result.comments.negative).toBe(rows.filter((r) => r.sentiment === 'negative').length);
  expect(shown(result.trend)).toEqual(grouped(rows, (r) => [r.week]));
  expect(shown(result.breakdowns.channel)).toEqual(grouped(rows, (r) => [r.channel]));
  expect(shown(result.breakdowns.segment)).toEqual(grouped(rows, (r) => [r.segment]));
  expect(shown(result.breakdowns.variant)).toEqual(grouped(rows, (r) => [r.variant]));
  expect(shown(result.breakdowns.agent)).toEqual(grouped(rows, (r) => [r.agent]));
  expect(shown(result.breakdowns.tag)).toEqual(grouped(rows, (r) => r.tags));
  return rows;
}

describe('the dashboard read from daily counts', () => {
  it.each([
    ['UTC', {}],
    ['America/Los_Angeles (weeks begin at 08:00 UTC)', { timeZone: 'America/Los_Angeles' }],
    ['Asia/Kathmandu (+05:45)', { from: '2026-03-03', to: '2026-04-10', timeZone: 'Asia/Kathmandu' }],
    ['Europe/London across the clock change', { from: '2026-03-20', to: '2026-04-05', timeZone: 'Europe/London' }],
    ['one day in Pacific/Chatham (+13:45)', { from: '2026-03-15', to: '2026-03-15', timeZone: 'Pacific/Chatham' }],
    ['a period far wider than the ratings', { from: '1900-01-01', to: '2199-12-31', timeZone: 'America/Denver' }],
  ])('equals the ratings counted one by one: %s', async (_zone, query) => {
    const rows = await expectDirectResult(query);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('answers an empty dashboard for a period without ratings', async () => {
    const result = await dashboard.compute(parseFeedbackFilter({ from: '2030-01-01', to: '2030-03-31' }), manager);
    expect(result.csat.responses).toBe(0);
    expect(result.trend).toEqual([]);
    expect(result.breakdowns.tag).toEqual([]);
  });

  it('reads the ratings themselves under any other filter, with the same result', async () => {
    await expectDirectResult({ kind: 'nps', timeZone: 'America/New_York' }, (r) => r.kind === 'nps');
    await expectDirectResult({ channel: 'sms', from: '2026-03-01', to: '2026-03-31' }, (r) => r.channel === 'sms');
  });

  it('follows a comment joining its rating, a manager’s tags and a deleted rating', async () => {
    const [rating] = await db.query(
      "SELECT id, conversation_id, flow_id FROM feedback WHERE kind = 'nps' AND comment IS NULL AND flow_id IS NOT NULL LIMIT 1",
    );
    await db.query(
      "UPDATE feedback SET comment = 'Slow again', sentiment_label = 'negative', created_at = now() - interval '1 hour' WHERE id = $1",
      [rating.id],
    );
    const [tagged] = await db.query('SELECT id FROM feedback WHERE id <> $1 LIMIT 1', [rating.id]);
    await db.query("UPDATE feedback SET tags = ARRAY['refund', 'late-delivery'] WHERE id = $1", [tagged.id]);
    await db.query('DELETE FROM feedback WHERE id IN (SELECT id FROM feedback WHERE id NOT IN ($1, $2) LIMIT 3)', [
      rating.id,
      tagged.id,
    ]);
    await db.query('UPDATE feedback SET reviewed_at = now() WHERE id = $1', [rating.id]);

    await expectDirectResult({});
    await expectDirectResult({ timeZone: 'Asia/Tokyo' });
  });

  it('follows a contact whose segment and tags change, and one deleted with its ratings', async () => {
    const [changed, removed] = await db.query(
      'SELECT contact_id FROM feedback GROUP BY contact_id HAVING count(*) > 2 ORDER BY contact_id LIMIT 2',
    );
    await db.query(
      `UPDATE contacts SET attributes = attributes || '{"segment": "moved-away"}', tags = ARRAY['vip', 'vip-plus'] WHERE id = $1`,
      [changed.contact_id],
    );
    await db.query('UPDATE contacts SET last_seen_at = now() WHERE id = $1', [changed.contact_id]);
    await db.query(
      `INSERT INTO segments (key, name, rules)
       VALUES ('moved-away', 'Moved away', '{"field": "contact.attributes.segment", "equals": "moved-away"}')`,
    );
    await db.query('DELETE FROM contacts WHERE id = $1', [removed.contact_id]);

    const result = await dashboard.compute(parseFeedbackFilter({}), manager);
    expect(result.breakdowns.segment.map((group) => group.key)).toContain('moved-away');
    expect(result.breakdowns.tag.map((group) => group.key)).toContain('vip-plus');
    await expectDirectResult({});
    await expectDirectResult({ from: '2026-03-01', to: '2026-04-30', timeZone: 'America/Sao_Paulo' });
  });

  it('keeps the figures a rating added in a transaction that rolled back out', async () => {
    const before = await dashboard.compute(parseFeedbackFilter({}), manager);
    const [{ contact_id: contactId }] = await db.query('SELECT contact_id FROM feedback LIMIT 1');
    await expect(
      db.transaction(async (manager) => {
        await manager.query("INSERT INTO feedback (contact_id, channel, kind, score) VALUES ($1, 'sms', 'csat', 5)", [
          contactId,
        ]);
        throw new Error('the turn failed');
      }),
    ).rejects.toThrow('the turn failed');
    expect((await dashboard.compute(parseFeedbackFilter({}), manager)).csat).toEqual(before.csat);
  });
});
