/** The arithmetic of customer satisfaction, in one place, so every view agrees. */

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
