// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { plannedPower } from '../../src/experiments/planned-power';
import { minimumDetectableEffect, requiredSamplePerArm } from '../../src/experiments/statistics';

/**
 * Before launch the composer says what a campaign's split can detect: the audience is split as
 * launch splits it (holdout first, the rest by weight) and the smallest arm sets the figure.
 */
describe('planned power of a campaign split', () => {
  it('is no experiment without variants or a holdout', () => {
    expect(plannedPower(10_000, 0, null)).toBeNull();
    expect(plannedPower(10_000, 0, [{ weight: 1 }])).toBeNull();
  });

  it('splits the audience by the variants weights and reads the smallest arm', () => {
    const plan = plannedPower(10_000, 0, [{ weight: 3 }, { weight: 1 }])!;
    expect(plan).toMatchObject({ arms: 2, perArm: 2_500, baselineRate: 0.1, minimumEffect: 0.02 });
    expect(plan.minimumDetectableEffect).toBeCloseTo(minimumDetectableEffect(0.1, 2_500), 12);
    expect(plan.requiredPerArm).toBe(requiredSamplePerArm(0.1, 0.02));
  });

  it('counts the holdout as an arm of its own share before the variants share the rest', () => {
    // 10% holdout = 1,000; the rest 9,000 split 1:1 = 4,500 each: the holdout is the smallest arm.
    const plan = plannedPower(10_000, 10, [{ weight: 1 }, { weight: 1 }])!;
    expect(plan).toMatchObject({ arms: 3, perArm: 1_000 });
    // A holdout with the campaign's one message is a two-arm experiment.
    expect(plannedPower(10_000, 20, null)).toMatchObject({ arms: 2, perArm: 2_000 });
  });

  it('detects less as the audience grows, and says so with null when no lift is detectable', () => {
    const small = plannedPower(2_000, 0, [{ weight: 1 }, { weight: 1 }])!.minimumDetectableEffect!;
    const large = plannedPower(200_000, 0, [{ weight: 1 }, { weight: 1 }])!.minimumDetectableEffect!;
    expect(large).toBeLessThan(small);
    expect(plannedPower(4, 50, [{ weight: 1 }, { weight: 1 }])!.minimumDetectableEffect).toBeNull();
  });

  it('takes the baseline rate and the minimum effect when they are known', () => {
    const plan = plannedPower(10_000, 0, [{ weight: 1 }, { weight: 1 }], { baselineRate: 0.3, minimumEffect: 0.05 })!;
    expect(plan.minimumDetectableEffect).toBeCloseTo(minimumDetectableEffect(0.3, 5_000), 12);
    expect(plan.requiredPerArm).toBe(requiredSamplePerArm(0.3, 0.05));
  });
});
