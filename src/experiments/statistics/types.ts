/** A binary outcome per arm: how many contacts were exposed and how many of them converted. */
export interface Counts {
  exposed: number;
  conversions: number;
}

/** A numeric outcome per arm (e.g. revenue per recipient), summarised. */
export interface MeanSummary {
  n: number;
  mean: number;
  /** Sample variance, with n − 1 in the denominator. */
  variance: number;
}
