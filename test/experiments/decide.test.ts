// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { type ArmData, decide, type DecisionConfig } from '../../src/experiments/decide';
import { sequentialLift, twoProportionZTest } from '../../src/experiments/statistics';

const config: DecisionConfig = { minSamplePerArm: 100, minimumEffect: 0.01, alpha: 0.05 };

interface ArmSpec {
  exposed: number;
  conversions: number;
  optOuts?: number;
  failures?: number;
  weight?: number;
}

function arm(name: string, control: boolean, spec: ArmSpec): ArmData {
  const { exposed, conversions, optOuts = 0, failures = 0, weight = 1 } = spec;
  return {
    name,
    control,
    weight,
    primary: { exposed, conversions },
    guardrails: {
      optOut: { exposed, conversions: optOuts },
      deliveryFailure: { exposed, conversions: failures },
    },
  };
}

const control = (spec: ArmSpec) => arm('Original', true, spec);

describe('decide', () => {
  it('declares a winner that beats control by the always-valid test, in words with the numbers', () => {
    const decision = decide(
      [control({ exposed: 5000, conversions: 500 }), arm('Discount', false, { exposed: 5000, conversions: 650 })],
      config,
    );
    expect(decision.status).toBe('winner');
    expect(decision.winner).toBe('Discount');
    expect(decision.reason).toBe(
      'Discount wins: 13.0% converted against 10.0% for Original (+3.0 points, +30% relative; always-valid ' +
        'interval +1.0 to +5.0 points), with at least 5,000 contacts in every arm and no significant rise in ' +
        'opt-outs or delivery failures.',
    );
    const variant = decision.perArm.find((a) => a.name === 'Discount')!;
    expect(variant.lift!.beatsControl).toBe(true);
    expect(variant.lift!.sequential.ci[0]).toBeGreaterThan(0);
    expect(variant.rate).toBeCloseTo(0.13, 12);
    expect(variant.ci[0]).toBeLessThan(0.13);
    expect(variant.ci[1]).toBeGreaterThan(0.13);
    expect(decision.perArm.find((a) => a.control)!.lift).toBeNull();
  });

  it('keeps running on a difference only a fixed-horizon look would call, and shows both', () => {
    const arms = [control({ exposed: 1000, conversions: 100 }), arm('B', false, { exposed: 1000, conversions: 130 })];
    expect(twoProportionZTest(arms[0].primary, arms[1].primary).p).toBeLessThan(0.05);
    const decision = decide(arms, config);
    expect(decision.status).toBe('running');
    expect(decision.winner).toBeUndefined();
    const lift = decision.perArm[1].lift!;
    expect(lift.fixedHorizon.p).toBeLessThan(0.05);
    expect(lift.fixedHorizon.absCi[0]).toBeGreaterThan(0);
    expect(lift.sequential.p).toBeGreaterThan(0.05);
    expect(lift.sequential.ci[0]).toBeLessThan(0);
    expect(decision.reason).toBe(
      'No decision yet: B converts 13.0% against 10.0% for Original (+3.0 points, always-valid interval ' +
        '-1.5 to +7.5 points); the interval still allows both no change and a 1.0 point effect.',
    );
  });

  it('finds no difference when every always-valid interval lies inside the minimum effect', () => {
    const decision = decide(
      [control({ exposed: 50_000, conversions: 5000 }), arm('B', false, { exposed: 50_000, conversions: 5020 })],
      config,
    );
    expect(decision.status).toBe('no_difference');
    expect(decision.reason).toBe(
      'No variant differs from Original by as much as 1.0 point: every always-valid interval lies within ' +
        '±1.0 point (B: -0.6 to +0.7 points).',
    );
  });

  it('does not call no difference while the interval still reaches the minimum effect', () => {
    const decision = decide(
      [control({ exposed: 50_000, conversions: 5000 }), arm('B', false, { exposed: 50_000, conversions: 5020 })],
      { ...config, minimumEffect: 0.005 },
    );
    expect(decision.status).toBe('running');
  });

  it('blocks every decision on a sample-ratio mismatch and says the split is broken', () => {
    const decision = decide(
      [control({ exposed: 5000, conversions: 500 }), arm('Discount', false, { exposed: 6000, conversions: 780 })],
      config,
    );
    expect(decision.status).toBe('invalid');
    expect(decision.winner).toBeUndefined();
    expect(decision.srm.p).toBeLessThan(0.001);
    expect(decision.reason).toBe(
      'Blocked: the contacts were not split as planned (Original 5,000, Discount 6,000; expected 50% / 50%; ' +
        'sample-ratio mismatch p < 0.000001). The assignment is broken, so no result can be trusted until it is fixed.',
    );
  });

  it('checks the split against uneven weights, so a planned 10/45/45 split is not a mismatch', () => {
    const decision = decide(
      [
        arm('Holdout', true, { exposed: 1000, conversions: 100, weight: 10 }),
        arm('A', false, { exposed: 4450, conversions: 450, weight: 45 }),
        arm('B', false, { exposed: 4550, conversions: 460, weight: 45 }),
      ],
      config,
    );
    expect(decision.srm.p).toBeGreaterThan(0.001);
    expect(decision.status).not.toBe('invalid');
    const skewed = decide(
      [
        arm('Holdout', true, { exposed: 1000, conversions: 100, weight: 1 }),
        arm('A', false, { exposed: 4450, conversions: 450, weight: 1 }),
        arm('B', false, { exposed: 4550, conversions: 460, weight: 1 }),
      ],
      config,
    );
    expect(skewed.status).toBe('invalid');
  });

  it('will not crown a variant that raises opt-outs, and says which guardrail and by how much', () => {
    const decision = decide(
      [
        control({ exposed: 5000, conversions: 500, optOuts: 50 }),
        arm('Pushy', false, { exposed: 5000, conversions: 650, optOuts: 100 }),
      ],
      config,
    );
    expect(decision.status).toBe('running');
    expect(decision.perArm[1].lift!.beatsControl).toBe(true);
    expect(decision.perArm[1].guardrails!.optOut.worse).toBe(true);
    expect(decision.reason).toBe(
      'Pushy converts better but raises opt-outs from 1.0% to 2.0%, so it cannot win. The experiment keeps ' +
        'running until another variant wins without that cost, or it is stopped.',
    );
  });

  it('will not crown a variant that raises delivery failures', () => {
    const decision = decide(
      [
        control({ exposed: 5000, conversions: 500, failures: 100 }),
        arm('Long', false, { exposed: 5000, conversions: 650, failures: 200 }),
      ],
      config,
    );
    expect(decision.status).toBe('running');
    expect(decision.perArm[1].guardrails!.deliveryFailure.worse).toBe(true);
    expect(decision.reason).toContain('raises delivery failures from 2.0% to 4.0%');
  });

  it('blocks on a guardrail as soon as a one-look test sees it worse: peeking may only hold a variant back', () => {
    // 60 a side: "Loud" gets every reply but a quarter of its audience opts out. The always-valid
    // interval of that rise is still wide enough to hold 0 — a guardrail must not wait for it.
    const control = arm('Calm', true, { exposed: 60, conversions: 5 });
    const loud = arm('Loud', false, { exposed: 60, conversions: 60, optOuts: 15 });
    const decision = decide([control, loud], { ...config, minSamplePerArm: 20 });
    const check = decision.perArm[1].guardrails!.optOut;
    expect(check.sequentialCi[0]).toBeLessThan(0);
    const { z, p } = twoProportionZTest({ exposed: 60, conversions: 0 }, { exposed: 60, conversions: 15 });
    expect(z).toBeGreaterThan(0);
    expect(check.p).toBeCloseTo(p / 2, 12);
    expect(check.worse).toBe(true);
    expect(decision.status).toBe('running');
    expect(decision.reason).toContain('raises opt-outs from 0.0% to 25.0%');
  });

  it('lets a guardrail-safe variant win when the better one is blocked', () => {
    const decision = decide(
      [
        control({ exposed: 5000, conversions: 500, optOuts: 50 }),
        arm('Pushy', false, { exposed: 5000, conversions: 650, optOuts: 100 }),
        arm('Kind', false, { exposed: 5000, conversions: 600, optOuts: 50 }),
      ],
      config,
    );
    expect(decision.status).toBe('winner');
    expect(decision.winner).toBe('Kind');
  });

  it('with three arms, Holm takes away a win that would count against control alone', () => {
    const b = arm('B', false, { exposed: 5000, conversions: 600 });
    const alone = sequentialLift({ exposed: 5000, conversions: 500 }, b.primary).p;
    expect(alone).toBeLessThan(0.05);
    expect(alone).toBeGreaterThan(0.025);
    expect(decide([control({ exposed: 5000, conversions: 500 }), b], config).winner).toBe('B');

    const decision = decide(
      [control({ exposed: 5000, conversions: 500 }), b, arm('C', false, { exposed: 5000, conversions: 500 })],
      config,
    );
    expect(decision.status).toBe('running');
    const variantB = decision.perArm.find((a) => a.name === 'B')!.lift!;
    expect(variantB.sequential.p).toBeCloseTo(alone, 12);
    expect(variantB.adjustedP).toBeCloseTo(2 * alone, 12);
    expect(variantB.beatsControl).toBe(false);
  });

  it('with three arms, the largest significant lift wins after Holm', () => {
    const decision = decide(
      [
        control({ exposed: 5000, conversions: 500 }),
        arm('B', false, { exposed: 5000, conversions: 600 }),
        arm('C', false, { exposed: 5000, conversions: 680 }),
      ],
      config,
    );
    expect(decision.status).toBe('winner');
    expect(decision.winner).toBe('C');
    expect(decision.perArm.filter((a) => a.lift?.beatsControl).map((a) => a.name)).toEqual(['B', 'C']);
  });

  it('waits for the minimum sample in every arm, even with a clear leader', () => {
    const decision = decide(
      [control({ exposed: 5000, conversions: 500 }), arm('Discount', false, { exposed: 5000, conversions: 650 })],
      { ...config, minSamplePerArm: 6000 },
    );
    expect(decision.status).toBe('running');
    expect(decision.reason).toBe(
      'Discount is ahead (13.0% against 10.0%), but every arm needs at least 6,000 contacts before a decision; ' +
        'Original has 5,000.',
    );
  });

  it('does not call no difference before the minimum sample either', () => {
    const decision = decide(
      [control({ exposed: 50_000, conversions: 5000 }), arm('B', false, { exposed: 50_000, conversions: 5020 })],
      { ...config, minSamplePerArm: 60_000 },
    );
    expect(decision.status).toBe('running');
    expect(decision.reason).toContain('every arm needs at least 60,000 contacts; Original has 50,000');
  });

  it('reports nothing known before any exposure, without dividing by zero', () => {
    const decision = decide(
      [control({ exposed: 0, conversions: 0 }), arm('B', false, { exposed: 0, conversions: 0 })],
      config,
    );
    expect(decision.status).toBe('running');
    expect(decision.srm.p).toBe(1);
    expect(decision.perArm[0].ci).toEqual([0, 1]);
    expect(decision.perArm[1].lift!.sequential).toEqual({ ci: [-1, 1], p: 1 });
  });

  it('refuses an experiment without exactly one control', () => {
    const b = arm('B', false, { exposed: 10, conversions: 1 });
    expect(() => decide([b, arm('C', false, { exposed: 10, conversions: 1 })], config)).toThrow(RangeError);
    expect(() => decide([control({ exposed: 10, conversions: 1 }), { ...b, control: true }], config)).toThrow(
      RangeError,
    );
  });
});
