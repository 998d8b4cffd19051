import { isDetractor, scoreClass } from '../../src/feedback-review/scores';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;

beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(async () => {
  await hub.close();
});

/** Every score each kind can hold (the feedback table's check), and no score at all. */
const EVERY_SCORE: [kind: string, score: number | null][] = [
  ...[1, 2, 3, 4, 5].map((score): [string, number] => ['csat', score]),
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((score): [string, number] => ['nps', score]),
  ['csat', null],
  ['nps', null],
  ['comment', null],
];

describe('what a score says, defined once', () => {
  it("SQL's rapport_score_class and TypeScript's scoreClass agree on every score of each kind", async () => {
    const rows: { kind: string; score: number | null; class: string | null }[] = await hub.app.store.dataSource.query(
      `SELECT kind, score, rapport_score_class(kind, score) AS class
           FROM unnest($1::text[], $2::int[]) AS s(kind, score)`,
      [EVERY_SCORE.map(([kind]) => kind), EVERY_SCORE.map(([, score]) => score)],
    );
    expect(rows.map((row) => [row.kind, row.score, row.class])).toEqual(
      EVERY_SCORE.map(([kind, score]) => [kind, score, scoreClass(kind, score)]),
    );
  });

  it('keeps the thresholds the views have always used: CSAT 4–5 / 3 / 1–2, NPS 9–10 / 7–8 / 0–6', () => {
    expect([1, 2, 3, 4, 5].map((score) => scoreClass('csat', score))).toEqual([
      'negative',
      'negative',
      'neutral',
      'positive',
      'positive',
    ]);
    expect([0, 6, 7, 8, 9, 10].map((score) => scoreClass('nps', score))).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
    expect(EVERY_SCORE.filter(([kind, score]) => isDetractor(kind, score))).toEqual([
      ['csat', 1],
      ['csat', 2],
      ...[0, 1, 2, 3, 4, 5, 6].map((score) => ['nps', score]),
    ]);
  });

  it("the daily counts' trigger function counts each score in the class scoreClass gives it", async () => {
    const db = hub.app.store.dataSource;
    const counted: {
      kind: string;
      score: number;
      satisfied: number;
      promoters: number;
      passives: number;
      detractors: number;
    }[] = await db.query(
      `SELECT s.kind, s.score, d.csat_satisfied AS satisfied, d.promoters, d.passives, d.detractors
           FROM unnest($1::text[], $2::int[]) AS s(kind, score)
          CROSS JOIN LATERAL feedback_daily_deltas(now(), s.kind, s.score::smallint, NULL, NULL, 'sms', 'f', NULL,
                                                   NULL, '{}', NULL, '{}', 1) AS d
          WHERE d.dimension = 'all'`,
      [EVERY_SCORE.map(([kind]) => kind), EVERY_SCORE.map(([, score]) => score)],
    );
    expect(counted).toEqual(
      EVERY_SCORE.map(([kind, score]) => {
        const found = scoreClass(kind, score);
        return {
          kind,
          score,
          satisfied: found === 'positive' ? 1 : 0,
          promoters: found === 'promoter' ? 1 : 0,
          passives: found === 'passive' ? 1 : 0,
          detractors: found === 'detractor' ? 1 : 0,
        };
      }),
    );
  });
});
