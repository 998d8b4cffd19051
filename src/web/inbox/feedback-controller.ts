import { ApiError } from './api';
import { feedbackApi, filterQuery, type FeedbackItem } from './feedback-api';
import { initialFeedbackState, type FeedbackState } from './feedback-state';

export interface FeedbackViews {
  filters(): void;
  dashboard(): void;
  terms(): void;
  list(): void;
  thread(): void;
}

const PAGE = '30';

/**
 * Loads the Feedback view from /api/feedback and keeps it consistent: the shared filters
 * (dates, channel, flow) reload everything; the list's own filters reload the list. Answers
 * that arrive after a newer request are dropped, so a fast typist never sees stale numbers.
 */
export class FeedbackController {
  readonly state: FeedbackState = initialFeedbackState();
  private views?: FeedbackViews;
  private started = false;
  private generation = { all: 0, list: 0 };

  /** `me` names the author of the notes I add (the hub answers with the author's id only). */
  constructor(private readonly me: { name: string }) {}

  attach(views: FeedbackViews): void {
    this.views = views;
  }

  /** The first time the view opens. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const people = await this.guard(feedbackApi.people());
    if (people) this.state.people = people.people;
    this.views?.filters();
    await this.reloadAll();
  }

  async reloadAll(): Promise<void> {
    const generation = ++this.generation.all;
    const query = filterQuery(this.state.shared);
    this.state.loading = true;
    this.state.error = null;
    this.views?.filters();
    const [dashboard, terms] = await Promise.all([
      this.guard(feedbackApi.dashboard(query)),
      this.guard(feedbackApi.terms(query)),
      this.reloadList(),
    ]);
    if (generation !== this.generation.all) return;
    this.state.loading = false;
    if (dashboard) {
      this.state.dashboard = dashboard;
      for (const group of dashboard.breakdowns.variant) this.state.flows.add(group.key.split(' · ')[0]);
    }
    if (terms) this.state.terms = terms;
    this.views?.filters();
    this.views?.dashboard();
    this.views?.terms();
  }

  async reloadList(): Promise<void> {
    this.state.term = null;
    await this.loadList();
  }

  /** The first page of the list under the current filters (or of the chosen term's comments). */
  private async loadList(): Promise<void> {
    const generation = ++this.generation.list;
    const page = await this.guard(feedbackApi.page(this.listQuery()));
    if (!page || generation !== this.generation.list) return;
    this.state.items = page.items;
    this.state.nextCursor = page.nextCursor;
    this.noteFlows(page.items);
    this.views?.list();
  }

  async loadMore(): Promise<void> {
    const cursor = this.state.nextCursor;
    if (!cursor) return;
    const generation = this.generation.list;
    const query = this.listQuery();
    query.set('cursor', cursor);
    const page = await this.guard(feedbackApi.page(query));
    if (!page || generation !== this.generation.list) return;
    this.state.items.push(...page.items);
    this.state.nextCursor = page.nextCursor;
    this.noteFlows(page.items);
    this.views?.list();
  }

  /**
   * Shows every comment a standout term was counted in, instead of the filtered list: the period
   * and shared filters the terms were found under, plus the term and its side (paged as usual).
   */
  async showTerm(term: string, side: 'negative' | 'positive'): Promise<void> {
    this.state.term = { term, side };
    await this.loadList();
  }

  async open(id: string): Promise<void> {
    const thread = await this.guard(feedbackApi.thread(id));
    if (!thread) return;
    this.state.selected = thread;
    this.views?.list();
    this.views?.thread();
  }

  close(): void {
    this.state.selected = null;
    this.views?.list();
    this.views?.thread();
  }

  async markReviewed(reviewed: boolean): Promise<void> {
    await this.change((id) => feedbackApi.review(id, reviewed));
  }

  async setTags(tags: string[]): Promise<void> {
    await this.change((id) => feedbackApi.tags(id, tags));
  }

  async followUp(agentId: string): Promise<void> {
    await this.change((id) => feedbackApi.followUp(id, agentId));
  }

  async addNote(text: string): Promise<boolean> {
    const selected = this.state.selected;
    if (!selected || !text.trim()) return false;
    const note = await this.guard(feedbackApi.note(selected.feedback.id, text));
    if (!note) return false;
    selected.messages.push({ ...note, authorName: this.me.name, isPrivate: true });
    this.views?.thread();
    return true;
  }

  /** The export link: every record matching the current filters, streamed by the hub. */
  exportHref(): string {
    return `/api/feedback/export.csv?${this.filters()}`;
  }

  private listQuery(): URLSearchParams {
    const query = this.filters();
    query.set('limit', PAGE);
    return query;
  }

  /** The list's filters: its own and the shared ones, or a term's under the shared ones. */
  private filters(): URLSearchParams {
    const term = this.state.term;
    if (!term) return filterQuery(this.state.shared, this.state.list);
    const query = filterQuery(this.state.shared);
    query.set('term', term.term);
    query.set('side', term.side);
    return query;
  }

  private async change(action: (id: string) => Promise<FeedbackItem>): Promise<void> {
    const selected = this.state.selected;
    if (!selected) return;
    const updated = await this.guard(action(selected.feedback.id));
    if (!updated) return;
    selected.feedback = updated;
    this.state.items = this.state.items.map((item) => (item.id === updated.id ? updated : item));
    this.views?.list();
    this.views?.thread();
  }

  private noteFlows(items: FeedbackItem[]): void {
    const before = this.state.flows.size;
    for (const item of items) if (item.flowId) this.state.flows.add(item.flowId);
    if (this.state.flows.size !== before) this.views?.filters();
  }

  /** Failures show in the view's error line instead of breaking it. */
  private async guard<T>(promise: Promise<T>): Promise<T | null> {
    try {
      const value = await promise;
      return value;
    } catch (failure) {
      this.state.error = failure instanceof ApiError ? failure.message : 'Could not reach the hub';
      this.views?.filters();
      return null;
    }
  }
}
