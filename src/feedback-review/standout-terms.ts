import type { DataSource } from 'typeorm';
import { WordTokenizer } from 'natural/lib/natural/tokenizers';
import { FeedbackReadStore, type CommentRow } from '../store/feedback/feedback-read-store';
import type { FeedbackFilter, FeedbackViewer } from './filters';

// natural's stop word list, loaded alone: the package's index pulls in storage back ends.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const STOPWORDS = new Set<string>((require('natural/lib/natural/util/stopwords') as { words: string[] }).words);

/**
 * The analysis reads at most this many comments, the newest: tokenizing and scoring them in the
 * hub takes about 15 ms per thousand (a quarter of the benchmark's year, 10,000 comments, takes
 * 130–220 ms), so this keeps it under a second for any period; what customers say about the last
 * months matters more than the old. The answer says when it is reached.
 */
export const MAX_ANALYSED_COMMENTS = 20_000;

export interface StandoutTerm {
  term: string;
  /** How much more this term weighs in this side's comments than in the other side's. */
  weight: number;
  /** Comments of this side it occurs in: the list's `term` and `side` filters show them all. */
  count: number;
}

export interface StandoutTerms {
  negative: StandoutTerm[];
  positive: StandoutTerm[];
  comments: {
    negative: number;
    positive: number;
    /** Comments read: every comment matching the filters, or the newest MAX_ANALYSED_COMMENTS. */
    analysed: number;
    /** Comments matching the filters; more than `analysed` when the cap was reached. */
    matching: number;
  };
}

type SidedComment = CommentRow & { side: 'negative' | 'positive' };

const tokenizer = new WordTokenizer();

/** Words and two-word phrases of a comment, without stop words, numbers or one-letter tokens. */
export function termsOf(text: string): string[] {
  const words = tokenizer
    .tokenize(text.toLowerCase())
    .filter((word) => word.length > 1 && !/^\d+$/.test(word) && !STOPWORDS.has(word));
  const phrases = words.slice(1).map((word, index) => `${words[index]} ${word}`);
  return [...words, ...phrases];
}

/**
 * "What customers are saying": the terms and phrases that stand out in negative against
 * positive comments. Each comment is a TF-IDF document; a term's weight on one side is its mean
 * TF-IDF there minus its mean on the other side, so words everyone uses ("order", "book")
 * cancel out and "late delivery" or "friendly staff" rise. A comment's side is COMMENT_SIDE (src/store/feedback/feedback-where.ts).
 */
export class StandoutTermsAnalysis {
  private readonly store: FeedbackReadStore;

  constructor(dataSource: DataSource) {
    this.store = new FeedbackReadStore(dataSource);
  }

  async compute(
    filter: FeedbackFilter,
    viewer: FeedbackViewer,
    options: { limit: number; maxComments?: number },
  ): Promise<StandoutTerms> {
    const cap = options.maxComments ?? MAX_ANALYSED_COMMENTS;
    const rows = await this.store.comments(filter, viewer, cap);
    const sided = rows.filter((row): row is SidedComment => row.side !== null);
    const documents = sided.map((row) => ({ row, terms: occurrences(termsOf(row.comment)) }));
    const idf = inverseDocumentFrequency(documents.map((document) => document.terms));

    const totals = { negative: new Map<string, number>(), positive: new Map<string, number>() };
    const counts = { negative: new Map<string, number>(), positive: new Map<string, number>() };
    for (const { row, terms } of documents) {
      for (const [term, count] of terms) {
        totals[row.side].set(term, (totals[row.side].get(term) ?? 0) + count * idf.get(term)!);
        counts[row.side].set(term, (counts[row.side].get(term) ?? 0) + 1);
      }
    }
    const comments = {
      negative: sided.filter((row) => row.side === 'negative').length,
      positive: sided.filter((row) => row.side === 'positive').length,
    };
    const rank = (side: 'negative' | 'positive'): StandoutTerm[] => {
      const other = side === 'negative' ? 'positive' : 'negative';
      return (
        [...totals[side]]
          .map(([term, total]) => {
            const mean = total / Math.max(1, comments[side]);
            const otherMean = (totals[other].get(term) ?? 0) / Math.max(1, comments[other]);
            return { term, weight: Math.round((mean - otherMean) * 1000) / 1000, count: counts[side].get(term)! };
          })
          // A phrase said once is an anecdote, not something customers are saying.
          .filter((term) => term.count >= 2 && term.weight > 0)
          .sort((a, b) => b.weight - a.weight || b.count - a.count || a.term.localeCompare(b.term))
          .slice(0, options.limit)
      );
    };
    const matching = rows.length < cap ? rows.length : await this.store.countComments(filter, viewer);
    return {
      negative: rank('negative'),
      positive: rank('positive'),
      comments: { ...comments, analysed: rows.length, matching },
    };
  }

  /**
   * The filter with its `term` resolved into the comments the term occurs in, found as the
   * analysis finds them (same comments, same cap, same tokenizer), so the list under a term shows
   * exactly the comments it counted. Without a term, the filter as it is.
   */
  async resolveTerm(filter: FeedbackFilter, viewer: FeedbackViewer): Promise<FeedbackFilter> {
    if (filter.term === undefined) return filter;
    const term = filter.term.toLowerCase();
    const rows = await this.store.comments({ ...filter, term: undefined }, viewer, MAX_ANALYSED_COMMENTS);
    const ids = rows.filter((row) => row.side !== null && termsOf(row.comment).includes(term)).map((row) => row.id);
    return { ...filter, termFeedbackIds: ids };
  }
}

/** How often each term occurs in one comment (its term frequency). */
function occurrences(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * 1 + ln(documents / (1 + documents with the term)): natural's TfIdf formula, computed once per
 * term rather than once per term and comment (TfIdf.tfidf walks every document each time it is
 * not cached, and a quarter's comments took 370 ms).
 */
function inverseDocumentFrequency(documents: Map<string, number>[]): Map<string, number> {
  const containing = new Map<string, number>();
  for (const terms of documents) for (const term of terms.keys()) containing.set(term, (containing.get(term) ?? 0) + 1);
  return new Map([...containing].map(([term, count]) => [term, 1 + Math.log(documents.length / (1 + count))]));
}
