import { chiSquareSurvival } from './chi-square';

/**
 * Sample-ratio mismatch: Pearson's chi-square goodness-of-fit of the exposures per arm against the
 * split's weights, χ² = Σ (O − E)²/E with E = N·w/Σw and k − 1 degrees of freedom (SciPy
 * `chisquare(observed, expected)`). A tiny p (< 0.001 by convention) means the assignment itself is
 * broken — a bug, a filter or a bot — and no comparison between the arms can be trusted.
 * Before any exposure there is nothing to test: χ² = 0, p = 1.
 */
export function sampleRatioMismatch(observed: number[], expectedWeights: number[]): { chiSquare: number; p: number } {
  if (observed.length !== expectedWeights.length) throw new RangeError('one weight per arm');
  const total = observed.reduce((sum, n) => sum + n, 0);
  const weightSum = expectedWeights.reduce((sum, w) => sum + w, 0);
  if (total === 0 || observed.length < 2) return { chiSquare: 0, p: 1 };
  let chiSquare = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = (total * expectedWeights[i]) / weightSum;
    if (expected === 0) {
      // An arm that should get nothing and got something is a mismatch beyond any doubt.
      if (observed[i] > 0) return { chiSquare: Infinity, p: 0 };
      continue;
    }
    chiSquare += (observed[i] - expected) ** 2 / expected;
  }
  const df = expectedWeights.filter((w) => w > 0).length - 1;
  return { chiSquare, p: df > 0 ? chiSquareSurvival(chiSquare, df) : 1 };
}
