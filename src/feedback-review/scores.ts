/** The arithmetic of customer satisfaction, in one place, so every view agrees. */

/** What a score says: CSAT 4–5 positive, 3 neutral, 1–2 negative; NPS 9–10 promoter, 7–8 passive, 0–6 detractor. */
export type ScoreClass = 'positive' | 'neutral' | 'negative' | 'promoter' | 'passive' | 'detractor';

/** The classes a follow-up is opened for, and the "detractors" filter keeps: the unhappy ones. */
export const UNHAPPY_CLASSES: readonly ScoreClass[] = ['negative', 'detractor'];

/**
 * The TypeScript twin of SQL's `rapport_score_class(kind, score)` (the ScoreClass migration),
 * which every statement calls; a test runs both over every score of each kind. Null for a
 * comment or no score.
 */
export function scoreClass(kind: string, score: number | null): ScoreClass | null {
  if (score === null) return null;
  if (kind === 'csat') return score >= 4 ? 'positive' : score === 3 ? 'neutral' : 'negative';
  if (kind === 'nps') return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
  return null;
}

/** A rating that calls for a follow-up: CSAT ≤ 2 or NPS ≤ 6. */
export function isDetractor(kind: string, score: number | null): boolean {
  const found = scoreClass(kind, score);
  return found !== null && UNHAPPY_CLASSES.includes(found);
}

/** The SQL that asks the same of the rating `alias` (a `feedback` row). */
export const scoreClassSql = (alias: string): string => `rapport_score_class(${alias}.kind, ${alias}.score)`;

export interface CsatScore {
  responses: number;
  /** Ratings of 4 or 5. */
  satisfied: number;
  /** % of ratings that are 4 or 5, one decimal; null without ratings. */
  score: number | null;
}

export interface NpsScore {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters (9–10) − % detractors (0–6), one decimal, −100…100; null without scores. */
  score: number | null;
}

const oneDecimal = (value: number): number => Math.round(value * 10) / 10;

export function csatScore(responses: number, satisfied: number): CsatScore {
  return { responses, satisfied, score: responses === 0 ? null : oneDecimal((100 * satisfied) / responses) };
}

export function npsScore(promoters: number, passives: number, detractors: number): NpsScore {
  const responses = promoters + passives + detractors;
  return {
    responses,
    promoters,
    passives,
    detractors,
    score: responses === 0 ? null : oneDecimal((100 * (promoters - detractors)) / responses),
  };
}

export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : oneDecimal((100 * part) / whole);
}
