import type { DataSource } from 'typeorm';
import { WordTokenizer } from 'natural/lib/natural/tokenizers';
import { feedbackWhere, type FeedbackFilter, type FeedbackViewer } from './filters';

// natural's stop word list, loaded alone: the package's index pulls in storage back ends.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const STOPWORDS = new Set<string>((require('natural/lib/natural/util/stopwords') as { words: string[] }).words);

export interface StandoutTerm {
  term: string;
  /** How much more this term weighs in this side's comments than in the other side's. */
  weight: number;
  /** Comments it occurs in. */
  count: number;
  /** The comments it came from (newest first, at most 20), to open them. */
  feedbackIds: string[];
}

export interface StandoutTerms {
  negative: StandoutTerm[];
  positive: StandoutTerm[];
  comments: { negative: number; positive: number };
}

interface CommentRow {
  id: string;
  comment: string;
  side: 'negative' | 'positive' | null;
}

const tokenizer = new WordTokenizer();

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
 * cancel out and "late delivery" or "friendly staff" rise.
 * A comment is negative by its sentiment label or a low score (CSAT ≤ 2, NPS ≤ 6), positive by
 * its label or a high score (CSAT ≥ 4, NPS ≥ 9).
 */
export class StandoutTermsAnalysis {
  constructor(private readonly dataSource: DataSource) {}

  async compute(
    filter: FeedbackFilter,
    viewer: FeedbackViewer,
    options: { limit: number; maxComments?: number },
  ): Promise<StandoutTerms> {
    const where = feedbackWhere(filter, viewer);
    // The contact is joined only when a filter is about the contact (tag, segment).
    const rows: CommentRow[] = await this.dataSource.query(
      `SELECT f.id, f.comment,
              CASE WHEN f.sentiment_label = 'negative' OR (f.kind = 'csat' AND f.score <= 2) OR (f.kind = 'nps' AND f.score <= 6) THEN 'negative'
                   WHEN f.sentiment_label = 'positive' OR (f.kind = 'csat' AND f.score >= 4) OR (f.kind = 'nps' AND f.score >= 9) THEN 'positive'
              END AS side
         FROM feedback f ${where.sql.includes('ct.') ? 'JOIN contacts ct ON ct.id = f.contact_id' : ''}
        WHERE f.comment IS NOT NULL AND ${where.sql}
        ORDER BY f.created_at DESC
        LIMIT $${where.params.length + 1}`,
      [...where.params, options.maxComments ?? 20_000],
    );
    const sided = rows.filter((row): row is CommentRow & { side: 'negative' | 'positive' } => row.side !== null);
    const documents = sided.map((row) => ({ row, terms: occurrences(termsOf(row.comment)) }));
    const idf = inverseDocumentFrequency(documents.map((document) => document.terms));

    const totals = { negative: new Map<string, number>(), positive: new Map<string, number>() };
    const sources = { negative: new Map<string, string[]>(), positive: new Map<string, string[]>() };
    for (const { row, terms } of documents) {
      for (const [term, count] of terms) {
        totals[row.side].set(term, (totals[row.side].get(term) ?? 0) + count * idf.get(term)!);
        const ids = sources[row.side].get(term);
        if (ids) ids.push(row.id);
        else sources[row.side].set(term, [row.id]);
      }
    }
    const counts = {
      negative: sided.filter((row) => row.side === 'negative').length,
      positive: sided.filter((row) => row.side === 'positive').length,
    };
    const rank = (side: 'negative' | 'positive'): StandoutTerm[] => {
      const other = side === 'negative' ? 'positive' : 'negative';
      return (
        [...totals[side]]
          .map(([term, total]) => {
            const ids = sources[side].get(term)!;
            const mean = total / Math.max(1, counts[side]);
            const otherMean = (totals[other].get(term) ?? 0) / Math.max(1, counts[other]);
            return {
              term,
              weight: Math.round((mean - otherMean) * 1000) / 1000,
              count: ids.length,
              feedbackIds: ids.slice(0, 20),
            };
          })
          // A phrase said once is an anecdote, not something customers are saying.
          .filter((term) => term.count >= 2 && term.weight > 0)
          .sort((a, b) => b.weight - a.weight || b.count - a.count || a.term.localeCompare(b.term))
          .slice(0, options.limit)
      );
    };
    return { negative: rank('negative'), positive: rank('positive'), comments: counts };
  }
}
