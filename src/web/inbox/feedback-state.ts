import {
  defaultSharedFilters,
  type Dashboard,
  type FeedbackItem,
  type ListFilters,
  type Person,
  type SharedFilters,
  type StandoutTerms,
  type FeedbackThread,
} from './feedback-api';

/** Everything the Feedback view shows; the views read it, FeedbackController changes it. */
export interface FeedbackState {
  shared: SharedFilters;
  list: ListFilters;
  dashboard: Dashboard | null;
  terms: StandoutTerms | null;
  /** Flow ids seen so far, offered in the flow filter. */
  flows: Set<string>;
  people: Person[];
  items: FeedbackItem[];
  nextCursor: string | null;
  /** A standout term picked in "What customers are saying": the list shows its comments only. */
  term: { term: string; side: 'negative' | 'positive' } | null;
  selected: FeedbackThread | null;
  loading: boolean;
  error: string | null;
}

export function emptyListFilters(): ListFilters {
  return {
    scoreMin: '',
    scoreMax: '',
    sentiment: '',
    agentId: '',
    tag: '',
    withComment: '',
    reviewed: '',
    detractors: false,
  };
}

export function initialFeedbackState(): FeedbackState {
  return {
    shared: defaultSharedFilters(),
    list: emptyListFilters(),
    dashboard: null,
    terms: null,
    flows: new Set(),
    people: [],
    items: [],
    nextCursor: null,
    term: null,
    selected: null,
    loading: false,
    error: null,
  };
}

/** A CSAT 1–5, an NPS 0–10, or a comment alone. */
export function scoreLabel(item: Pick<FeedbackItem, 'kind' | 'score'>): string {
  if (item.kind === 'comment' || item.score === null) return 'Comment';
  return item.kind === 'csat' ? `CSAT ${item.score}/5` : `NPS ${item.score}/10`;
}

/** Detractor (CSAT ≤ 2, NPS ≤ 6), passive-ish middle, or promoter, for colouring a score. */
export function scoreTone(item: Pick<FeedbackItem, 'kind' | 'score'>): 'bad' | 'mid' | 'good' | 'none' {
  if (item.score === null || item.kind === 'comment') return 'none';
  if (item.kind === 'csat') return item.score <= 2 ? 'bad' : item.score === 3 ? 'mid' : 'good';
  return item.score <= 6 ? 'bad' : item.score <= 8 ? 'mid' : 'good';
}
