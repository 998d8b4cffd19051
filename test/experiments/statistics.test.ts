// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import fixtures from '../fixtures/statistics.json';
import {
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareSurvival,
  holm,
  minimumDetectableEffect,
  mixtureConfidenceSequence,
  normalCdf,
  normalQuantile,
  proportionLift,
  requiredSamplePerArm,
  sampleRatioMismatch,
  sequentialLift,
  studentTCdf,
  studentTQuantile,
  twoProportionPower,
  twoProportionZTest,
  welchInterval,
  wilsonInterval,
} from '../../src/experiments/statistics';

/**
 * Every expected value here comes from SciPy/statsmodels through scripts/statistics-fixtures.py
 * (the command is in the fixture's `_generatedBy`). Agreement is within 1e-6 relative to the
 * expected value, so p-values of 1e-20 are held to their own digits, not to an absolute 1e-6.
 */
const TOLERANCE = 1e-6;

function value(x: number | string): number {
  return typeof x === 'string' ? Number(x) : x;
}

/**
 * Relative to the expected value; `scale` sets a floor for quantities whose natural reference is
 * not zero-relative (a t quantile at p = 0.5 is 0, which SciPy gives as 8e-17).
 */
function expectClose(actual: number, expectedRaw: number | string, label: string, scale = 0): void {
  const expected = value(expectedRaw);
  if (!Number.isFinite(expected) || expected === 0) {
    if (expected === 0) expect({ label, actual: Math.abs(actual) < 1e-12 }).toEqual({ label, actual: true });
    else expect({ label, actual }).toEqual({ label, actual: expected });
    return;
  }
  const error = Math.abs(actual - expected) / Math.max(Math.abs(expected), scale);
  if (!(error <= TOLERANCE))
    throw new Error(`${label}: got ${actual}, SciPy/statsmodels say ${expected} (rel. error ${error})`);
}

describe('distributions agree with SciPy', () => {
  const { normal, studentT, chiSquare } = fixtures.distributions;

  it(`normal CDF over ${normal.cdf.length} points from −37.5 to 8, tails to 1e-308`, () => {
    for (const c of normal.cdf) expectClose(normalCdf(c.x), c.value, `Φ(${c.x})`);
  });

  it(`normal quantile over ${normal.quantile.length} probabilities from 1e-300 to 1 − 1e-10`, () => {
    for (const c of normal.quantile) expectClose(normalQuantile(c.p), c.value, `Φ⁻¹(${c.p})`);
  });

  it(`Student-t CDF over ${studentT.cdf.length} points, fractional df included`, () => {
    for (const c of studentT.cdf) expectClose(studentTCdf(c.t, c.df), c.value, `T_${c.df}(${c.t})`);
  });

  it(`Student-t quantile over ${studentT.quantile.length} points`, () => {
    for (const c of studentT.quantile) expectClose(studentTQuantile(c.p, c.df), c.value, `T_${c.df}⁻¹(${c.p})`, 1);
  });

  it(`chi-square CDF and survival over ${chiSquare.cdf.length} points each`, () => {
    for (const c of chiSquare.cdf) expectClose(chiSquareCdf(c.x, c.df), c.value, `χ²_${c.df}(${c.x})`);
    for (const c of chiSquare.survival) expectClose(chiSquareSurvival(c.x, c.df), c.value, `χ²sf_${c.df}(${c.x})`);
  });

  it(`chi-square quantile over ${chiSquare.quantile.length} points`, () => {
    for (const c of chiSquare.quantile) expectClose(chiSquareQuantile(c.p, c.df), c.value, `χ²_${c.df}⁻¹(${c.p})`);
  });
});

describe('rates and lifts agree with statsmodels', () => {
  it('Wilson interval, including 0 and all successes, at 90/95/99%', () => {
    for (const c of fixtures.wilson) {
      const [low, high] = wilsonInterval(c.successes, c.trials, c.confidence);
      expectClose(low, c.ci[0], `wilson low ${c.successes}/${c.trials}@${c.confidence}`);
      expectClose(high, c.ci[1], `wilson high ${c.successes}/${c.trials}@${c.confidence}`);
    }
  });

  it('pooled two-proportion z-test (proportions_ztest)', () => {
    for (const c of fixtures.twoProportionZTest) {
      const { z, p } = twoProportionZTest(c.control, c.treatment);
      expectClose(z, c.z, `z ${JSON.stringify(c.treatment)}`);
      expectClose(p, c.p, `p ${JSON.stringify(c.treatment)}`);
    }
  });

  it('absolute lift with its Wald interval and relative lift by the delta method', () => {
    for (const c of fixtures.proportionLift) {
      const lift = proportionLift(c.control, c.treatment, c.confidence);
      const label = `${JSON.stringify(c.treatment)}@${c.confidence}`;
      expectClose(lift.abs, c.abs, `abs ${label}`);
      expectClose(lift.absCi[0], c.absCi[0], `abs low ${label}`);
      expectClose(lift.absCi[1], c.absCi[1], `abs high ${label}`);
      expectClose(lift.rel, c.rel, `rel ${label}`);
      expectClose(lift.relCi[0], c.relCi[0], `rel low ${label}`);
      expectClose(lift.relCi[1], c.relCi[1], `rel high ${label}`);
    }
  });

  it('Wilson interval before any exposure is the whole of [0, 1]; a confidence outside (0, 1) is refused', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    expect(() => wilsonInterval(1, 10, 95)).toThrow(RangeError);
  });

  it('z-test with nothing that can differ answers z = 0, p = 1', () => {
    expect(twoProportionZTest({ exposed: 100, conversions: 0 }, { exposed: 100, conversions: 0 })).toEqual({
      z: 0,
      p: 1,
    });
    expect(twoProportionZTest({ exposed: 0, conversions: 0 }, { exposed: 100, conversions: 5 })).toEqual({
      z: 0,
      p: 1,
    });
  });

  it("Welch's interval needs two values per arm, and with no spread states the difference exactly", () => {
    const one = welchInterval({ n: 1, mean: 5, variance: 0 }, { n: 10, mean: 6, variance: 1 });
    expect(one).toEqual({ diff: 1, ci: [-Infinity, Infinity], df: NaN, p: 1 });
    const flat = welchInterval({ n: 5, mean: 5, variance: 0 }, { n: 5, mean: 7, variance: 0 });
    expect(flat).toEqual({ diff: 2, ci: [2, 2], df: NaN, p: 0 });
  });

  it('relative lift is not a number while control has no conversion', () => {
    const lift = proportionLift({ exposed: 100, conversions: 0 }, { exposed: 100, conversions: 3 });
    expect(lift.abs).toBeCloseTo(0.03, 12);
    expect(Number.isNaN(lift.rel)).toBe(true);
  });

  it("Welch's interval, df and p (ttest_ind equal_var=False, CompareMeans)", () => {
    for (const c of fixtures.welch) {
      const result = welchInterval(c.control, c.treatment, c.confidence);
      const label = `n=${c.control.n}/${c.treatment.n}@${c.confidence}`;
      expectClose(result.diff, c.diff, `diff ${label}`);
      expectClose(result.df, c.df, `df ${label}`);
      expectClose(result.p, c.p, `p ${label}`);
      expectClose(result.ci[0], c.ci[0], `low ${label}`);
      expectClose(result.ci[1], c.ci[1], `high ${label}`);
    }
  });
});

describe('checks across arms agree with SciPy/statsmodels', () => {
  it('sample-ratio mismatch is chisquare against the weights', () => {
    for (const c of fixtures.sampleRatioMismatch) {
      const { chiSquare, p } = sampleRatioMismatch(c.observed, c.weights);
      expectClose(chiSquare, c.chiSquare, `χ² ${c.observed}`);
      expectClose(p, c.p, `p ${c.observed}`);
    }
  });

  it('an arm that should get nothing but got contacts is a certain mismatch', () => {
    expect(sampleRatioMismatch([50, 50, 3], [1, 1, 0])).toEqual({ chiSquare: Infinity, p: 0 });
  });

  it('before any exposure there is no mismatch to report', () => {
    expect(sampleRatioMismatch([0, 0], [1, 1])).toEqual({ chiSquare: 0, p: 1 });
  });

  it('Holm adjusted p-values and rejections (multipletests method=holm)', () => {
    for (const c of fixtures.holm) {
      const result = holm(c.pValues, c.alpha);
      c.adjusted.forEach((expected, i) => expectClose(result.adjusted[i], expected, `holm ${c.pValues}[${i}]`));
      expect(result.reject).toEqual(c.reject);
    }
  });
});

describe('power and minimum detectable effect agree with NormalIndPower on Cohen h', () => {
  const { power } = fixtures;

  it('power for a given audience', () => {
    for (const c of power.power) {
      expectClose(twoProportionPower(c.baseline, c.effect, c.perArm, c.alpha), c.power, `power ${JSON.stringify(c)}`);
    }
  });

  it('required contacts per arm is solve_power rounded up', () => {
    for (const c of power.requiredSamplePerArm) {
      expect({ c, n: requiredSamplePerArm(c.baseline, c.effect, { alpha: c.alpha, power: c.power }) }).toEqual({
        c,
        n: c.ceil,
      });
    }
  });

  it('minimum detectable (absolute) rise for an audience', () => {
    for (const c of power.minimumDetectableEffect) {
      const mde = minimumDetectableEffect(c.baseline, c.perArm, { alpha: c.alpha, power: c.power });
      expectClose(mde, c.mde, `mde ${JSON.stringify(c)}`);
    }
  });

  it('an audience too small for any rise under 100% says so with Infinity', () => {
    expect(minimumDetectableEffect(0.9, 3)).toBe(Infinity);
  });
});

describe('always-valid lift (mSPRT)', () => {
  it('matches an independent implementation: density-ratio p-value and the Howard et al. interval', () => {
    for (const c of fixtures.sequentialLift) {
      const result = sequentialLift(c.control, c.treatment, c.options);
      const label = `${JSON.stringify(c.treatment)} ${JSON.stringify(c.options)}`;
      expectClose(result.ci[0], c.ci[0], `low ${label}`);
      expectClose(result.ci[1], c.ci[1], `high ${label}`);
      expectClose(result.p, c.p, `p ${label}`);
    }
  });

  it('rejects exactly when its interval leaves out zero', () => {
    for (const c of fixtures.sequentialLift) {
      const { ci, p } = sequentialLift(c.control, c.treatment, c.options);
      const alpha = (c.options as { alpha?: number }).alpha ?? 0.05;
      expect({ c, rejects: p <= alpha }).toEqual({ c, rejects: ci[0] > 0 || ci[1] < 0 });
    }
  });

  it('is wider than the fixed-horizon interval at the same level: the price of looking every day', () => {
    for (const c of fixtures.proportionLift.filter((l) => l.confidence === 0.95)) {
      const fixed = proportionLift(c.control, c.treatment).absCi;
      const { ci } = sequentialLift(c.control, c.treatment);
      expect(ci[1] - ci[0]).toBeGreaterThan(fixed[1] - fixed[0]);
    }
  });

  // The published worked example: GrowthBook's own test of its sequential interval (gbstats,
  // tests/frequentist/test_tests.py, TestSequentialTTest.test_sequential_test_runs_prop): 1,396 of
  // 3,000 against 2,422 of 3,461, relative lift, tuning 5,000, α 0.05 → 0.50386 (sd 0.03386), interval
  // (0.40098, 0.60675) to five places. Their ρ² = (2·ln(1/α) + ln(2·ln(1/α) + 1)) / 5,000 over the
  // whole sample n is our τ² = V·n·ρ², and the relative lift's V is proportionLift's delta method.
  it("reproduces GrowthBook's published sequential example to its five printed places", () => {
    const control = { exposed: 3000, conversions: 1396 };
    const treatment = { exposed: 3461, conversions: 2422 };
    const { rel } = proportionLift(control, treatment);
    const pC = 1396 / 3000;
    const pT = 2422 / 3461;
    const variance = (pT * (1 - pT)) / 3461 / pC ** 2 + (pT ** 2 * ((pC * (1 - pC)) / 3000)) / pC ** 4;
    const l = 2 * Math.log(1 / 0.05);
    const rho2 = (l + Math.log(l + 1)) / 5000;
    const { ci } = mixtureConfidenceSequence(rel, variance, variance * 6461 * rho2, 0.05);
    expect([rel, Math.sqrt(variance), ci[0], ci[1]].map((x) => Number(x.toFixed(5)))).toEqual([
      0.50386, 0.03386, 0.40098, 0.60675,
    ]);
  });

  it('knows nothing before there is any variance', () => {
    expect(sequentialLift({ exposed: 0, conversions: 0 }, { exposed: 10, conversions: 1 })).toEqual({
      ci: [-1, 1],
      p: 1,
    });
    expect(sequentialLift({ exposed: 50, conversions: 0 }, { exposed: 50, conversions: 0 })).toEqual({
      ci: [-1, 1],
      p: 1,
    });
  });
});
