import type { CsatScore, NpsScore } from '../../feedback-review/scores';
import { call } from './api';

export type { CsatScore, NpsScore };

/** The JSON the hub's /api/feedback routes answer with (src/feedback-review/), as the browser sees it. */
export interface ScoreGroup {
  key: string;
  label: string;
  csat: CsatScore;
  nps: NpsScore;
  responses: number;
}

export type BreakdownKey = 'channel' | 'segment' | 'tag' | 'variant' | 'agent';

export interface Dashboard {
  csat: CsatScore;
  nps: NpsScore;
  responseRate: { requests: number; responses: number; rate: number | null };
  comments: { total: number; positive: number; neutral: number; negative: number };
  trend: (ScoreGroup & { weekStart: string })[];
  breakdowns: Record<BreakdownKey, ScoreGroup[]>;
}

export type Sentiment = 'positive' | 'neutral' | 'negative';

export interface FeedbackItem {
  id: string;
  kind: 'csat' | 'nps' | 'comment';
  score: number | null;
  comment: string | null;
  sentiment: { score: number | null; label: Sentiment | null };
  tags: string[];
  channel: string;
  flowId: string | null;
  variant: string | null;
  createdAt: string;
  conversationId: string | null;
  contact: { id: string; name: string | null };
  agent: { id: string; name: string } | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  followUp: { userId: string | null; name: string | null; at: string; conversationId: string | null } | null;
}

export interface ThreadMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  authorKind: 'contact' | 'agent' | 'bot' | 'system';
  authorName: string | null;
  body: string | null;
  isPrivate: boolean;
  createdAt: string;
}

/** A rating with the messages around it; `earlier`/`later`: more exist beyond those shown. */
export interface FeedbackThread {
  feedback: FeedbackItem;
  messages: ThreadMessage[];
  earlier: boolean;
  later: boolean;
}

export interface StandoutTerm {
  term: string;
  weight: number;
  /** Comments of its side it occurs in: the list's `term` and `side` filters show them. */
  count: number;
}

export interface StandoutTerms {
  negative: StandoutTerm[];
  positive: StandoutTerm[];
  /** `analysed` < `matching` when the hub read only the newest comments. */
  comments: { negative: number; positive: number; analysed: number; matching: number };
}

export interface Person {
  id: string;
  name: string;
  role: string;
}

/** Filters shared by everything on the page: the date range, channel and flow. */
export interface SharedFilters {
  from: string;
  to: string;
  timeZone: string;
  channel: string;
  flowId: string;
}

/** Filters of the threads list only. Empty strings mean "any". */
export interface ListFilters {
  scoreMin: string;
  scoreMax: string;
  sentiment: string;
  agentId: string;
  tag: string;
  withComment: string;
  reviewed: string;
  detractors: boolean;
}

/** The query string for the shared filters, plus the list's when given; empty values are left out. */
export function filterQuery(shared: SharedFilters, list?: ListFilters): URLSearchParams {
  const params = new URLSearchParams();
  const entries: [string, string][] = Object.entries({ ...shared, ...(list ?? {}) }).map(([key, value]) => [
    key,
    typeof value === 'boolean' ? (value ? 'true' : '') : value,
  ]);
  for (const [key, value] of entries) if (value.trim()) params.set(key, value.trim());
  return params;
}

export const feedbackApi = {
  dashboard: (query: URLSearchParams) => call<Dashboard>('GET', `/feedback/dashboard?${query}`),
  terms: (query: URLSearchParams) => call<StandoutTerms>('GET', `/feedback/terms?${query}`),
  page: (query: URLSearchParams) =>
    call<{ items: FeedbackItem[]; nextCursor: string | null }>('GET', `/feedback?${query}`),
  thread: (id: string) => call<FeedbackThread>('GET', `/feedback/${id}`),
  people: () => call<{ people: Person[] }>('GET', '/feedback/people'),
  review: (id: string, reviewed: boolean) => call<FeedbackItem>('POST', `/feedback/${id}/review`, { reviewed }),
  tags: (id: string, tags: string[]) => call<FeedbackItem>('PUT', `/feedback/${id}/tags`, { tags }),
  note: (id: string, text: string) => call<ThreadMessage>('POST', `/feedback/${id}/notes`, { text }),
  followUp: (id: string, agentId: string) => call<FeedbackItem>('POST', `/feedback/${id}/follow-up`, { agentId }),
};

/** A date as YYYY-MM-DD in the browser's own time zone. */
export function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The last 90 days, today included, in the browser's time zone. */
export function defaultSharedFilters(now = new Date()): SharedFilters {
  const from = new Date(now);
  from.setDate(from.getDate() - 89);
  return {
    from: localDate(from),
    to: localDate(now),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    channel: '',
    flowId: '',
  };
}
