import { AppError } from '../../src/core/errors';
import { FeedbackDashboard } from '../../src/feedback-review/dashboard';
import { parseFeedbackFilter, type FeedbackViewer } from '../../src/feedback-review/filters';
import { resolveSegmentFilter } from '../../src/feedback-review/segment-filter';
import { SegmentStore } from '../../src/store/segments/segment-store';
import { seedFeedback, type FeedbackWorld, type SeededFeedback } from '../helpers/feedback-seed';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let world: FeedbackWorld;
let dashboard: FeedbackDashboard;
const manager: FeedbackViewer = { userId: '00000000-0000-4000-8000-000000000001', role: 'manager', teams: [] };

beforeAll(async () => {
  hub = await startTestApp();
  world = await seedFeedback(hub.app.store.dataSource, {
    records: 3000,
    start: new Date('2026-06-01T00:00:00Z'),
    days: 120,
  });
  dashboard = new FeedbackDashboard(hub.app.store.dataSource);
});
afterAll(async () => {
  await hub.close();
});

/** The day a moment falls on in a time zone, as YYYY-MM-DD. */
const localDate = (moment: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(moment);

/** The Monday that starts the (ISO) week of a YYYY-MM-DD day. */
function weekStart(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

const round = (value: number) => Math.round(value * 10) / 10;

/** CSAT, NPS and counts computed straight from the seeded records. */
function direct(records: SeededFeedback[]) {
  const csat = records.filter((r) => r.kind === 'csat');
  const nps = records.filter((r) => r.kind === 'nps');
  const promoters = nps.filter((r) => r.score! >= 9).length;
  const detractors = nps.filter((r) => r.score! <= 6).length;
  return {
    csat: {
      responses: csat.length,
      satisfied: csat.filter((r) => r.score! >= 4).length,
      score: csat.length ? round((100 * csat.filter((r) => r.score! >= 4).length) / csat.length) : null,
    },
    nps: {
      responses: nps.length,
      promoters,
      passives: nps.length - promoters - detractors,
      detractors,
      score: nps.length ? round((100 * (promoters - detractors)) / nps.length) : null,
    },
  };
}

function groupBy(records: SeededFeedback[], key: (record: SeededFeedback) => string[] | string | null) {
  const groups = new Map<string, SeededFeedback[]>();
  for (const record of records) {
    const keys = key(record);
    for (const value of Array.isArray(keys) ? keys : keys === null ? [] : [keys]) {
      groups.set(value, [...(groups.get(value) ?? []), record]);
    }
  }
  return new Map([...groups].map(([value, rows]) => [value, direct(rows)]));
}

describe('the managers’ dashboard', () => {
  it('computes CSAT, NPS, comments and response rate exactly as a direct computation does', async () => {
    const result = await dashboard.compute(parseFeedbackFilter({}), manager);
    const expected = direct(world.feedback);

    expect(result.csat).toEqual(expected.csat);
    expect(result.nps).toEqual(expected.nps);
    const commented = world.feedback.filter((r) => r.comment !== null);
    expect(result.comments).toEqual({
      total: commented.length,
      positive: commented.filter((r) => r.sentimentLabel === 'positive').length,
      neutral: commented.filter((r) => r.sentimentLabel === 'neutral').length,
      negative: commented.filter((r) => r.sentimentLabel === 'negative').length,
    });
    const answered = world.requests.filter((r) => r.answered).length;
    expect(result.responseRate).toEqual({
      requests: world.requests.length,
      responses: answered,
      rate: round((100 * answered) / world.requests.length),
    });
  });

  it('breaks the scores down by channel, segment, tag, flow variant and agent', async () => {
    const result = await dashboard.compute(parseFeedbackFilter({}), manager);
    const agentName = new Map(world.agents.map((agent) => [agent.id, agent.name]));
    const cases = [
      ['channel', groupBy(world.feedback, (r) => r.channel)],
      ['segment', groupBy(world.feedback, (r) => r.segment ?? '(none)')],
      ['tag', groupBy(world.feedback, (r) => [...new Set([...r.contactTags, ...r.tags])])],
      ['variant', groupBy(world.feedback, (r) => (r.variant ? `${r.flowId} · ${r.variant}` : null))],
      ['agent', groupBy(world.feedback, (r) => r.agentId)],
    ] as const;

    for (const [dimension, expected] of cases) {
      const groups = result.breakdowns[dimension];
      expect(new Set(groups.map((group) => group.key))).toEqual(new Set(expected.keys()));
      for (const group of groups) {
        expect({ dimension, key: group.key, csat: group.csat, nps: group.nps }).toEqual({
          dimension,
          key: group.key,
          ...expected.get(group.key),
        });
      }
    }
    for (const group of result.breakdowns.agent) expect(group.label).toBe(agentName.get(group.key));
  });

  it("applies a date range in the manager's time zone to every figure, with weekly trend", async () => {
    const timeZone = 'America/Los_Angeles';
    const filter = parseFeedbackFilter({ from: '2026-07-01', to: '2026-08-15', timeZone });
    const inRange = world.feedback.filter((r) => {
      const day = localDate(r.createdAt, timeZone);
      return day >= '2026-07-01' && day <= '2026-08-15';
    });
    const result = await dashboard.compute(filter, manager);

    expect(result.csat).toEqual(direct(inRange).csat);
    expect(result.nps).toEqual(direct(inRange).nps);
    const weeks = groupBy(inRange, (r) => weekStart(localDate(r.createdAt, timeZone)));
    expect(result.trend.map((week) => week.weekStart)).toEqual([...weeks.keys()].sort());
    for (const week of result.trend) expect({ csat: week.csat, nps: week.nps }).toEqual(weeks.get(week.weekStart));
    const requestsInRange = world.requests.filter((r) => {
      const day = localDate(r.createdAt, timeZone);
      return day >= '2026-07-01' && day <= '2026-08-15';
    });
    expect(result.responseRate.requests).toBe(requestsInRange.length);
  });

  it('puts a rating given at 23:59:59 local time on that day, and one a second later on the next', async () => {
    const [{ contact_id: contactId }] = await hub.app.store.dataSource.query('SELECT contact_id FROM feedback LIMIT 1');
    // 2026-03-01 04:59:59Z is 23:59:59 on 28 February in New York (UTC−5 in winter).
    for (const [at, score] of [
      ['2026-03-01T04:59:59Z', 5],
      ['2026-03-01T05:00:00Z', 1],
    ] as const) {
      await hub.app.store.dataSource.query(
        "INSERT INTO feedback (contact_id, channel, kind, score, created_at) VALUES ($1, 'sms', 'csat', $2, $3)",
        [contactId, score, at],
      );
    }
    const timeZone = 'America/New_York';
    const february = await dashboard.compute(
      parseFeedbackFilter({ from: '2026-02-28', to: '2026-02-28', timeZone }),
      manager,
    );
    const march = await dashboard.compute(
      parseFeedbackFilter({ from: '2026-03-01', to: '2026-03-01', timeZone }),
      manager,
    );
    const inUtc = await dashboard.compute(parseFeedbackFilter({ from: '2026-03-01', to: '2026-03-01' }), manager);

    expect(february.csat).toEqual({ responses: 1, satisfied: 1, score: 100 });
    expect(march.csat).toEqual({ responses: 1, satisfied: 0, score: 0 });
    expect(inUtc.csat.responses).toBe(2);
  });

  it('filters to detractors, sentiment and segments', async () => {
    const detractors = await dashboard.compute(
      parseFeedbackFilter({ detractors: 'true', from: '2026-06-01' }),
      manager,
    );
    const inSeed = world.feedback;
    expect(detractors.csat.responses).toBe(inSeed.filter((r) => r.kind === 'csat' && r.score! <= 2).length);
    expect(detractors.nps).toMatchObject({
      promoters: 0,
      passives: 0,
      detractors: inSeed.filter((r) => r.kind === 'nps' && r.score! <= 6).length,
    });

    const negative = await dashboard.compute(parseFeedbackFilter({ sentiment: 'negative' }), manager);
    expect(negative.comments).toMatchObject({
      positive: 0,
      neutral: 0,
      negative: inSeed.filter((r) => r.sentimentLabel === 'negative').length,
    });

    // `segment` names a saved segment (the seed saves one per attribute value), resolved first.
    const lapsedFilter = await resolveSegmentFilter(
      parseFeedbackFilter({ segment: 'lapsed', from: '2026-06-01' }),
      new SegmentStore(hub.app.store.dataSource),
      new Date(),
    );
    const lapsed = await dashboard.compute(lapsedFilter, manager);
    expect(lapsed.csat).toEqual(direct(inSeed.filter((r) => r.segment === 'lapsed')).csat);
  });

  it("shows an agent only their own conversations' feedback", async () => {
    const agent = world.agents[1];
    const result = await dashboard.compute(parseFeedbackFilter({ from: '2026-06-01' }), {
      userId: agent.id,
      role: 'agent',
      teams: [],
    });
    const own = world.feedback.filter((r) => r.agentId === agent.id);

    expect(own.length).toBeGreaterThan(0);
    expect(result.csat).toEqual(direct(own).csat);
    expect(result.breakdowns.agent.map((group) => group.key)).toEqual([agent.id]);
  });

  it.each([
    [{ timeZone: 'Mars/Olympus_Mons' }, /timeZone/],
    [{ from: '29/11/2026' }, /from: must be a date/],
    [{ from: '2026-09-01', to: '2026-08-01' }, /from: must not be after to/],
    [{ channel: 'fax' }, /channel/],
    [{ sentiment: 'angry' }, /sentiment/],
    [{ agentId: "1' OR 1=1 --" }, /agentId/],
  ])('refuses the filter %j with a clear error', (query, message) => {
    const attempt = () => parseFeedbackFilter(query);
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(message);
  });
});
