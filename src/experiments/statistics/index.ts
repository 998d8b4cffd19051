/**
 * The experiments' statistics: pure functions, no I/O, each written from its formula and checked
 * against SciPy/statsmodels (scripts/statistics-fixtures.py → test/fixtures/statistics.json).
 */
export type { Counts, MeanSummary } from './types';
export { wilsonInterval } from './wilson-interval';
export { twoProportionZTest } from './two-proportion-z-test';
export { proportionLift, rate } from './proportion-lift';
export { welchInterval } from './welch-interval';
export { sampleRatioMismatch } from './sample-ratio-mismatch';
export { holm } from './holm';
export { mixtureConfidenceSequence, sequentialLift, type SequentialOptions } from './sequential-lift';
export { minimumDetectableEffect, requiredSamplePerArm, twoProportionPower, type PowerOptions } from './power';
export { normalCdf, normalQuantile, normalSurvival } from './normal';
export { studentTCdf, studentTQuantile } from './student-t';
export { chiSquareCdf, chiSquareSurvival, chiSquareQuantile } from './chi-square';
