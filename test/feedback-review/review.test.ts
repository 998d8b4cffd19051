import { Writable } from 'node:stream';
import { AppError } from '../../src/core/errors';
import type { HubEvents } from '../../src/core/events';
import { csvField, streamFeedbackCsv } from '../../src/feedback-review/csv-export';
import { FeedbackList, type FeedbackItem } from '../../src/feedback-review/feedback-list';
import { parseFeedbackFilter, type FeedbackViewer } from '../../src/feedback-review/filters';
import { FeedbackReviewActions } from '../../src/feedback-review/review-actions';
import { StandoutTermsAnalysis, termsOf } from '../../src/feedback-review/standout-terms';
import { FeedbackStore } from '../../src/store/feedback/feedback-store';
import { seedFeedback, type FeedbackWorld } from '../helpers/feedback-seed';
import { startTestApp, type TestApp } from '../helpers/test-app';

let hub: TestApp;
let world: FeedbackWorld;
let list: FeedbackList;
let actions: FeedbackReviewActions;
let manager: FeedbackViewer;

beforeAll(async () => {
  hub = await startTestApp();
  world = await seedFeedback(hub.app.store.dataSource, {
    records: 600,
    seed: 7,
    start: new Date('2026-09-01T00:00:00Z'),
    days: 60,
  });
  const [row] = await hub.app.store.dataSource.query(
    "INSERT INTO users (email, name, role) VALUES ('boss@example.com', 'Mona Manager', 'manager') RETURNING id",
  );
  manager = { userId: row.id, role: 'manager', teams: [] };
  list = new FeedbackList(hub.app.store.dataSource);
  actions = new FeedbackReviewActions(
    hub.app.store.dataSource,
    hub.app.bus,
    list,
    new FeedbackStore(hub.app.store.dataSource),
  );
});
afterAll(async () => {
  await hub.close();
});

const all = parseFeedbackFilter({});

describe('feedback threads list', () => {
  it('pages through every record once, newest first, even when several share a timestamp', async () => {
    const [{ contact_id: contactId }] = await hub.app.store.dataSource.query('SELECT contact_id FROM feedback LIMIT 1');
    await hub.app.store.dataSource.query(
      `INSERT INTO feedback (contact_id, channel, kind, score, created_at)
       SELECT $1, 'sms', 'csat', 3, '2026-09-15 10:00:00.123456+00' FROM generate_series(1, 7)`,
      [contactId],
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    let previous = Infinity;
    do {
      const page = await list.page(all, manager, { cursor, limit: 50 });
      for (const item of page.items) {
        expect(Date.parse(item.createdAt)).toBeLessThanOrEqual(previous);
        previous = Date.parse(item.createdAt);
        seen.push(item.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(seen).toHaveLength(world.feedback.length + 7);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('filters by score range, comment, channel and flow', async () => {
    const filter = parseFeedbackFilter({
      scoreMin: '0',
      scoreMax: '2',
      withComment: 'true',
      channel: 'sms',
      flowId: 'post-purchase',
      kind: 'csat',
    });
    const page = await list.page(filter, manager, { limit: 500 });
    const expected = world.feedback.filter(
      (r) =>
        r.kind === 'csat' && r.score! <= 2 && r.comment !== null && r.channel === 'sms' && r.flowId === 'post-purchase',
    );
    expect(page.items.map((item) => item.id).sort()).toEqual(expected.map((r) => r.id).sort());
    for (const item of page.items)
      expect(item).toMatchObject({ kind: 'csat', channel: 'sms', contact: { name: expect.any(String) } });
  });

  describe('filters', () => {
    /** Every id the list gives for a query (one page holds them all here). */
    const ids = async (query: Record<string, string>) => {
      const page = await list.page(parseFeedbackFilter(query), manager, { limit: 1000 });
      expect(page.nextCursor).toBeNull();
      return page.items.map((item) => item.id).sort();
    };
    const day = (moment: Date, timeZone: string) =>
      new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(moment);
    // After the records the first test adds on 15 September.
    const late = () => world.feedback.filter((r) => day(r.createdAt, 'UTC') >= '2026-09-20');
    const expected = (records: typeof world.feedback) => records.map((r) => r.id).sort();

    it("by tag: the contact's tags or the rating's own", async () => {
      const byContact = late().filter((r) => r.contactTags.includes('vip') || r.tags.includes('vip'));
      const byRating = late().filter((r) => r.contactTags.includes('refund') || r.tags.includes('refund'));
      expect(byContact.some((r) => !r.tags.includes('vip'))).toBe(true);
      expect(byRating.some((r) => !r.contactTags.includes('refund'))).toBe(true);

      expect(await ids({ tag: 'vip', from: '2026-09-20' })).toEqual(expected(byContact));
      expect(await ids({ tag: 'refund', from: '2026-09-20' })).toEqual(expected(byRating));
      expect(await ids({ tag: 'no-such-tag' })).toEqual([]);
    });

    it('by the agent who handled the conversation', async () => {
      const agent = world.agents[1];
      const handled = late().filter((r) => r.agentId === agent.id);
      expect(handled.length).toBeGreaterThan(0);
      expect(await ids({ agentId: agent.id, from: '2026-09-20' })).toEqual(expected(handled));
    });

    it('by a list of sentiments', async () => {
      const gloomy = late().filter((r) => r.sentimentLabel === 'negative' || r.sentimentLabel === 'neutral');
      expect(await ids({ sentiment: 'negative,neutral', from: '2026-09-20' })).toEqual(expected(gloomy));
      expect(await ids({ sentiment: 'positive', from: '2026-09-20' })).toEqual(
        expected(late().filter((r) => r.sentimentLabel === 'positive')),
      );
    });

    it("by whole days in the manager's time zone, both ends included", async () => {
      const timeZone = 'Asia/Tokyo';
      const inRange = world.feedback.filter((r) => {
        const local = day(r.createdAt, timeZone);
        return local >= '2026-10-01' && local <= '2026-10-10';
      });
      expect(inRange.length).toBeGreaterThan(0);
      expect(await ids({ from: '2026-10-01', to: '2026-10-10', timeZone })).toEqual(expected(inRange));
      expect(await ids({ from: '2026-10-01', to: '2026-10-10' })).not.toEqual(expected(inRange));
    });
  });

  it('refuses a cursor it did not give out', async () => {
    const forged = Buffer.from(JSON.stringify(["2026-01-01'; DROP TABLE feedback; --", 'x'])).toString('base64url');
    await expect(list.page(all, manager, { cursor: forged, limit: 10 })).rejects.toThrow(/cursor/);
    await expect(list.page(all, manager, { cursor: 'garbage', limit: 10 })).rejects.toThrow(AppError);
  });

  it("answers 'not found' when an agent asks for another agent's feedback", async () => {
    const [ana, ben] = world.agents;
    const bens = world.feedback.find((r) => r.agentId === ben.id)!;
    await expect(list.one(bens.id, { userId: ana.id, role: 'agent', teams: [] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(list.one(bens.id, { userId: ben.id, role: 'agent', teams: [] })).resolves.toMatchObject({
      id: bens.id,
    });
  });

  it('opens the whole conversation around a rating', async () => {
    const record = world.feedback[0];
    await hub.app.store.dataSource.query(
      `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, status)
       VALUES ($1, $2, $3, 'inbound', 'contact', 'The parcel came a week late', 'received')`,
      [record.conversationId, record.contactId, record.channel],
    );
    const thread = await list.thread(record.id, manager);
    expect(thread.feedback.id).toBe(record.id);
    expect(thread.messages.map((message) => message.body)).toContain('The parcel came a week late');
    expect(thread).toMatchObject({ earlier: false, later: false });
  });

  it('shows the messages around a rating in a long conversation, and its notes wherever they fall', async () => {
    const db = hub.app.store.dataSource;
    const record = world.feedback[1];
    const [conversation] = await db.query(
      `INSERT INTO conversations (contact_id, identity_id, channel, status)
       SELECT contact_id, identity_id, channel, 'resolved' FROM conversations WHERE id = $1 RETURNING id`,
      [record.conversationId],
    );
    // 700 messages a minute apart; the rating comes 30 s after message 400.
    await db.query(
      `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, body, status, created_at)
       SELECT $1, $2, $3, 'inbound', 'contact', 'message ' || n, 'received', '2026-05-01T00:00:00Z'::timestamptz + n * interval '1 minute'
         FROM generate_series(0, 699) AS n`,
      [conversation.id, record.contactId, record.channel],
    );
    const [rating] = await db.query(
      `INSERT INTO feedback (contact_id, conversation_id, channel, kind, score, created_at)
       VALUES ($1, $2, $3, 'csat', 2, '2026-05-01T06:40:30Z') RETURNING id`,
      [record.contactId, conversation.id, record.channel],
    );
    await db.query(
      `INSERT INTO messages (conversation_id, contact_id, channel, direction, author_kind, author_user_id, body, is_private, status, metadata, created_at)
       VALUES ($1, $2, $3, 'outbound', 'agent', $4, 'Called her back', true, 'sent', jsonb_build_object('feedbackId', $5::text), '2026-05-02T00:00:00Z')`,
      [conversation.id, record.contactId, record.channel, manager.userId, rating.id],
    );

    const thread = await list.thread(rating.id, manager);
    const bodies = thread.messages.map((message) => message.body);

    expect(thread).toMatchObject({ earlier: true, later: true });
    expect(bodies.slice(0, 500)).toEqual(Array.from({ length: 500 }, (_, index) => `message ${151 + index}`));
    expect(bodies[500]).toBe('Called her back');
    expect(bodies).toHaveLength(501);
  });
});

describe('reviewing feedback', () => {
  it('marks a rating reviewed by the manager, and the reviewed filter follows', async () => {
    const record = world.feedback[1];
    const reviewed = await actions.markReviewed(record.id, manager, true);
    expect(reviewed).toMatchObject({ reviewedBy: manager.userId, reviewedAt: expect.any(String) });

    const unreviewed = await list.page(parseFeedbackFilter({ reviewed: 'false' }), manager, { limit: 1000 });
    expect(unreviewed.items.map((item) => item.id)).not.toContain(record.id);
    expect((await actions.markReviewed(record.id, manager, false)).reviewedAt).toBeNull();
  });

  it('tags a rating, without duplicates', async () => {
    const tagged = await actions.setTags(world.feedback[2].id, manager, ['shipping', 'shipping', 'damaged']);
    expect(tagged.tags).toEqual(['shipping', 'damaged']);
    await expect(actions.setTags(world.feedback[2].id, manager, ['x'.repeat(51)])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('leaves an internal note in the thread that the inbox hears about and the customer never gets', async () => {
    const created: HubEvents['message.created'][] = [];
    const off = hub.app.bus.on('message.created', (event) => void created.push(event));
    const note = await actions.addNote(world.feedback[3].id, manager, 'Call her back about the refund');
    await hub.app.bus.drain();
    off();

    expect(note).toMatchObject({
      isPrivate: true,
      body: 'Call her back about the refund',
      authorUserId: manager.userId,
    });
    expect(created.map((event) => event.message.id)).toEqual([note.id]);
    const [row] = await hub.app.store.dataSource.query(
      'SELECT status, provider_message_id FROM messages WHERE id = $1',
      [note.id],
    );
    expect(row).toEqual({ status: 'sent', provider_message_id: null });
  });

  it("assigns a follow-up to an agent, reopening the conversation in that agent's inbox", async () => {
    const record = world.feedback.find((r) => r.kind === 'csat' && r.score === 1)!;
    const agent = world.agents[2];
    const updates: string[] = [];
    const off = hub.app.bus.on('conversation.updated', (event) => void updates.push(event.conversation.id));
    const result = await actions.assignFollowUp(record.id, manager, agent.id);
    await hub.app.bus.drain();
    off();

    expect(result.followUp).toMatchObject({ userId: agent.id, name: agent.name });
    const [conversation] = await hub.app.store.dataSource.query(
      'SELECT status, assignee_id, handled_by FROM conversations WHERE id = $1',
      [record.conversationId],
    );
    expect(conversation).toEqual({ status: 'open', assignee_id: agent.id, handled_by: 'human' });
    expect(updates).toEqual([record.conversationId]);
  });

  it('lets only managers and admins review, and only to real users', async () => {
    const agent: FeedbackViewer = { userId: world.agents[0].id, role: 'agent', teams: [] };
    const [own]: { id: string }[] = await hub.app.store.dataSource.query(
      'SELECT id FROM feedback WHERE agent_id = $1 AND follow_up_user_id IS NULL LIMIT 1',
      [agent.userId],
    );
    await expect(actions.markReviewed(own.id, agent, true)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(actions.assignFollowUp(own.id, manager, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject(
      {
        code: 'VALIDATION_FAILED',
      },
    );
    await expect(actions.assignFollowUp(own.id, manager, 'not-a-uuid')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const [row] = await hub.app.store.dataSource.query('SELECT follow_up_user_id FROM feedback WHERE id = $1', [
      own.id,
    ]);
    expect(row.follow_up_user_id).toBeNull();
  });
});

describe('what customers are saying', () => {
  it('finds the words and phrases that stand out in negative against positive comments', async () => {
    const result = await new StandoutTermsAnalysis(hub.app.store.dataSource).compute(all, manager, { limit: 10 });
    const negative = result.negative.map((term) => term.term);
    const positive = result.positive.map((term) => term.term);

    expect(negative).toEqual(expect.arrayContaining(['late', 'damaged']));
    expect(negative.some((term) => term.includes(' '))).toBe(true);
    expect(positive).toEqual(expect.arrayContaining(['great']));
    expect(negative.filter((term) => positive.includes(term))).toEqual([]);
    const commented = world.feedback.filter((r) => r.comment !== null).length;
    expect(result.comments).toMatchObject({ analysed: commented, matching: commented });
  });

  it("lists every comment a term was counted in, through the list's term and side filters", async () => {
    const analysis = new StandoutTermsAnalysis(hub.app.store.dataSource);
    const result = await analysis.compute(all, manager, { limit: 10 });
    const late = result.negative.find((term) => term.term === 'late delivery' || term.term === 'late')!;
    expect(late.count).toBeGreaterThan(20);

    const filter = await analysis.resolveTerm(
      parseFeedbackFilter({ term: late.term.toUpperCase(), side: 'negative' }),
      manager,
    );
    const items: FeedbackItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await list.page(filter, manager, { cursor, limit: 25 });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(items).toHaveLength(late.count);
    for (const item of items) expect(termsOf(item.comment!)).toContain(late.term);
    const positiveToo = await analysis.resolveTerm(parseFeedbackFilter({ term: late.term }), manager);
    expect(positiveToo.termFeedbackIds!.length).toBeGreaterThanOrEqual(late.count);
    await expect(list.page(parseFeedbackFilter({ term: 'late' }), manager, { limit: 5 })).rejects.toThrow(/term/);
  });

  it('says when it read only the newest comments', async () => {
    const result = await new StandoutTermsAnalysis(hub.app.store.dataSource).compute(all, manager, {
      limit: 10,
      maxComments: 50,
    });
    expect(result.comments.analysed).toBe(50);
    expect(result.comments.matching).toBe(world.feedback.filter((r) => r.comment !== null).length);
    expect(result.comments.negative + result.comments.positive).toBeLessThanOrEqual(50);
  });

  it('splits comments into words and two-word phrases without stop words', () => {
    expect(termsOf('The delivery was LATE, and the box was damaged!')).toEqual([
      'delivery',
      'late',
      'box',
      'damaged',
      'delivery late',
      'late box',
      'box damaged',
    ]);
  });
});

describe('CSV export', () => {
  class Collect extends Writable {
    text = '';
    override _write(chunk: Buffer, _encoding: string, done: () => void) {
      this.text += chunk.toString();
      done();
    }
  }

  it('streams every matching record, not a page, in small batches', async () => {
    const out = new Collect();
    const filter = parseFeedbackFilter({ kind: 'nps' });
    const written = await streamFeedbackCsv(hub.app.store.dataSource, filter, manager, out, { batchSize: 37 });
    const lines = out.text.trimEnd().split('\r\n');

    const expected = world.feedback.filter((r) => r.kind === 'nps');
    expect(written).toBe(expected.length);
    expect(lines[0]).toBe(
      'id,created_at,kind,score,comment,sentiment_label,sentiment_score,channel,flow_id,variant,contact_id,contact_name,agent_name,conversation_id,tags,reviewed_at,follow_up',
    );
    expect(new Set(lines.slice(1).map((line) => line.split(',')[0]))).toEqual(new Set(expected.map((r) => r.id)));
  });

  it('quotes fields and defuses spreadsheet formulas in comments', () => {
    expect(csvField('late, and "damaged"')).toBe('"late, and ""damaged"""');
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });
});

describe("a rating's contact", () => {
  it('is named by the one display-name rule, falling back to the phone number when nothing else is known', async () => {
    const db = hub.app.store.dataSource;
    const [contact]: { id: string }[] = await db.query(
      "INSERT INTO contacts (phone, display_name) VALUES ('+14155550199', '  ') RETURNING id",
    );
    const [rating]: { id: string }[] = await db.query(
      "INSERT INTO feedback (contact_id, channel, kind, score) VALUES ($1, 'sms', 'csat', 5) RETURNING id",
      [contact.id],
    );
    try {
      expect((await list.one(rating.id, manager)).contact).toEqual({ id: contact.id, name: '+14155550199' });
    } finally {
      await db.query('DELETE FROM contacts WHERE id = $1', [contact.id]);
    }
  });
});
