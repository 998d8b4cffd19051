// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { type Counts, sequentialLift, twoProportionZTest, wilsonInterval } from '../../src/experiments/statistics';

/**
 * Why the experiments decide on the always-valid test: an A/A simulation (both arms convert at
 * 10%, no true difference), looked at every day for 30 days, as a manager would. A "false winner"
 * is any day on which the test says the arms differ. Seeded, so the figures are the same each run.
 */
const REPLICATIONS = 2000;
const DAYS = 30;
const PER_ARM_PER_DAY = 200;
const RATE = 0.1;
const ALPHA = 0.05;

/** mulberry32: a tiny seeded PRNG with a full 2³² period, good enough for simulation. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A day's conversions in one arm, Binomial(n, rate), by inverting its CDF with one uniform draw
 * (one draw per arm and day instead of one per contact keeps the test fast).
 */
function binomialSampler(n: number, rate: number): (random: () => number) => number {
  const cdf: number[] = [];
  let pmf = (1 - rate) ** n;
  let total = 0;
  for (let k = 0; k <= n; k++) {
    total += pmf;
    cdf.push(total);
    pmf *= ((n - k) / (k + 1)) * (rate / (1 - rate));
  }
  return (random) => {
    const u = random() * total;
    let k = 0;
    while (k < n && cdf[k] < u) k++;
    return k;
  };
}

interface FalseWinners {
  sequential: number;
  fixedHorizon: number;
  fixedHorizonLastDayOnly: number;
}

function simulate(seed: number): FalseWinners {
  const random = mulberry32(seed);
  const conversions = binomialSampler(PER_ARM_PER_DAY, RATE);
  const found: FalseWinners = { sequential: 0, fixedHorizon: 0, fixedHorizonLastDayOnly: 0 };
  for (let r = 0; r < REPLICATIONS; r++) {
    const control: Counts = { exposed: 0, conversions: 0 };
    const treatment: Counts = { exposed: 0, conversions: 0 };
    let sequentialRejected = false;
    let fixedRejected = false;
    for (let day = 0; day < DAYS; day++) {
      control.exposed += PER_ARM_PER_DAY;
      treatment.exposed += PER_ARM_PER_DAY;
      control.conversions += conversions(random);
      treatment.conversions += conversions(random);
      if (sequentialLift(control, treatment, { alpha: ALPHA }).p <= ALPHA) sequentialRejected = true;
      const fixed = twoProportionZTest(control, treatment).p <= ALPHA;
      if (fixed) fixedRejected = true;
      if (fixed && day === DAYS - 1) found.fixedHorizonLastDayOnly++;
    }
    if (sequentialRejected) found.sequential++;
    if (fixedRejected) found.fixedHorizon++;
  }
  return found;
}

describe('A/A looked at daily for 30 days (2,000 seeded replications, 10% rate, 200 per arm a day)', () => {
  const found = simulate(16);

  it('the always-valid test names a false winner less than 5% of the time, with 95% confidence', () => {
    const [, upper] = wilsonInterval(found.sequential, REPLICATIONS);
    expect({ falseWinners: found.sequential, upperBound: upper < ALPHA }).toEqual({
      falseWinners: found.sequential,
      upperBound: true,
    });
  });

  it('daily fixed-horizon z-tests name one far more than 5% of the time', () => {
    const [lower] = wilsonInterval(found.fixedHorizon, REPLICATIONS);
    expect({ falseWinners: found.fixedHorizon, lowerBound: lower > ALPHA }).toEqual({
      falseWinners: found.fixedHorizon,
      lowerBound: true,
    });
    expect(found.fixedHorizon).toBeGreaterThan(2 * found.sequential);
  });

  it('a single fixed-horizon look on the last day alone is honest (about 5%): peeking is the problem', () => {
    const [lower, upper] = wilsonInterval(found.fixedHorizonLastDayOnly, REPLICATIONS, 0.999);
    expect(lower).toBeLessThan(ALPHA);
    expect(upper).toBeGreaterThan(ALPHA);
  });
});
