#!/usr/bin/python3
"""Reference values for src/experiments/statistics, from SciPy and statsmodels.

Run with Debian's python3 (apt-get install python3-scipy python3-statsmodels):

    /usr/bin/python3 scripts/statistics-fixtures.py > test/fixtures/statistics.json
    npx prettier --write test/fixtures/statistics.json

test/experiments/statistics.test.ts compares our TypeScript to these values within 1e-6 (relative).
Every case below is computed by the libraries named beside it, never by our formulas, except the
always-valid (mSPRT) cases: neither library has it and no published worked example with numbers
was reachable, so they come from an independent implementation written here in a different form
(the likelihood ratio as a ratio of SciPy normal densities; the interval in GrowthBook's
Howard et al. form, eq. 9 of Waudby-Smith et al. 2023) — agreement checks our closed form.
"""
import json
import math
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from scipy.optimize import brentq
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

COMMAND = (
    "/usr/bin/python3 scripts/statistics-fixtures.py > test/fixtures/statistics.json"
    " && npx prettier --write test/fixtures/statistics.json"
)


def f(x):
    """JSON has no infinities: write them as strings the test reads back."""
    x = float(x)
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def distributions():
    xs = [-37.5, -30, -20, -10, -8, -5, -3, -1.96, -1, -0.5, -1e-3, 0, 0.3, 1, 1.5, 2.5, 5, 8]
    ps = [1e-300, 1e-15, 1e-10, 1e-6, 1e-3, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 1 - 1e-6, 1 - 1e-10]
    normal = {
        "cdf": [{"x": x, "value": f(stats.norm.cdf(x))} for x in xs],
        "quantile": [{"p": p, "value": f(stats.norm.ppf(p))} for p in ps],
    }
    dfs = [1, 2, 3.7, 5, 10, 30, 100, 1000.5]
    ts = [-50, -10, -3, -1, -0.1, 0, 0.5, 2, 4, 25]
    tps = [1e-8, 1e-3, 0.025, 0.1, 0.4, 0.5, 0.6, 0.9, 0.975, 0.999, 1 - 1e-8]
    student_t = {
        "cdf": [{"t": t, "df": df, "value": f(stats.t.cdf(t, df))} for df in dfs for t in ts],
        "quantile": [{"p": p, "df": df, "value": f(stats.t.ppf(p, df))} for df in dfs for p in tps],
    }
    cdfs = [1, 2, 3, 5, 10, 50, 200]
    cxs = [1e-4, 0.1, 1, 3, 10, 30, 100, 300]
    cps = [1e-8, 1e-3, 0.05, 0.5, 0.95, 0.999, 1 - 1e-9]
    chi_square = {
        "cdf": [{"x": x, "df": df, "value": f(stats.chi2.cdf(x, df))} for df in cdfs for x in cxs],
        "survival": [{"x": x, "df": df, "value": f(stats.chi2.sf(x, df))} for df in cdfs for x in cxs],
        "quantile": [{"p": p, "df": df, "value": f(stats.chi2.ppf(p, df))} for df in cdfs for p in cps],
    }
    return {"normal": normal, "studentT": student_t, "chiSquare": chi_square}


def wilson():
    cases = []
    for successes, trials in [(0, 10), (1, 10), (7, 50), (50, 50), (123, 1000), (5000, 100000), (3, 7), (1, 1)]:
        for confidence in [0.9, 0.95, 0.99]:
            low, high = proportion_confint(successes, trials, alpha=1 - confidence, method="wilson")
            cases.append({"successes": successes, "trials": trials, "confidence": confidence, "ci": [f(low), f(high)]})
    return cases


PAIRS = [
    # (control conversions, control exposed, treatment conversions, treatment exposed)
    (100, 1000, 130, 1000),
    (100, 1000, 100, 1000),
    (48, 512, 31, 498),
    (1200, 24000, 1311, 23890),
    (5, 80, 14, 95),
    (30000, 100000, 30450, 100000),
]


def z_tests():
    cases = []
    for xc, nc, xt, nt in PAIRS:
        z, p = proportions_ztest([xt, xc], [nt, nc])
        cases.append({"control": counts(xc, nc), "treatment": counts(xt, nt), "z": f(z), "p": f(p)})
    return cases


def lifts():
    """Absolute: statsmodels' Wald interval of the difference. Relative: the delta method by hand."""
    cases = []
    for xc, nc, xt, nt in PAIRS:
        for confidence in [0.95, 0.9]:
            low, high = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff", alpha=1 - confidence)
            pc, pt = xc / nc, xt / nt
            z = stats.norm.isf((1 - confidence) / 2)
            # Gradient of g(pt, pc) = pt/pc − 1 is (1/pc, −pt/pc²); covariance diag(pt(1−pt)/nt, pc(1−pc)/nc).
            gradient = np.array([1 / pc, -pt / pc**2])
            covariance = np.diag([pt * (1 - pt) / nt, pc * (1 - pc) / nc])
            se = math.sqrt(gradient @ covariance @ gradient)
            rel = pt / pc - 1
            cases.append(
                {
                    "control": counts(xc, nc),
                    "treatment": counts(xt, nt),
                    "confidence": confidence,
                    "abs": f(pt - pc),
                    "absCi": [f(low), f(high)],
                    "rel": f(rel),
                    "relCi": [f(rel - z * se), f(rel + z * se)],
                }
            )
    return cases


def welch():
    rng = np.random.default_rng(16)
    cases = []
    for n_c, n_t, shape in [(40, 55, 1.0), (200, 180, 0.8), (12, 9, 1.5), (1000, 1000, 0.5), (3, 4, 1.0)]:
        control = rng.lognormal(mean=2.0, sigma=shape, size=n_c)
        treatment = rng.lognormal(mean=2.1, sigma=shape * 1.2, size=n_t)
        for confidence in [0.95, 0.9]:
            t_stat, p_scipy = stats.ttest_ind(treatment, control, equal_var=False)
            compare = CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
            _, _, df = compare.ttest_ind(usevar="unequal")
            low, high = compare.tconfint_diff(alpha=1 - confidence, usevar="unequal")
            cases.append(
                {
                    "control": summary(control),
                    "treatment": summary(treatment),
                    "confidence": confidence,
                    "diff": f(treatment.mean() - control.mean()),
                    "ci": [f(low), f(high)],
                    "df": f(df),
                    "p": f(p_scipy),
                }
            )
    return cases


def srm():
    cases = []
    for observed, weights in [
        ([5000, 5000], [1, 1]),
        ([5000, 5210], [1, 1]),
        ([5000, 6000], [1, 1]),
        ([3300, 3350, 3350], [1, 1, 1]),
        ([900, 4550, 4550], [10, 45, 45]),
        ([1000, 4450, 4550], [10, 45, 45]),
        ([51, 49], [1, 1]),
        ([80, 20, 0], [2, 2, 1]),
    ]:
        total = sum(observed)
        expected = [total * w / sum(weights) for w in weights]
        chi2, p = stats.chisquare(observed, expected)
        cases.append({"observed": observed, "weights": weights, "chiSquare": f(chi2), "p": f(p)})
    return cases


def holm_cases():
    cases = []
    for pvals in [
        [0.01, 0.04, 0.03],
        [0.001, 0.2, 0.04, 0.012],
        [0.5, 0.5],
        [0.049],
        [0.02, 0.02, 0.02],
        [1e-6, 0.3, 0.9, 0.0125, 0.011],
    ]:
        for alpha in [0.05, 0.1]:
            reject, corrected, _, _ = multipletests(pvals, alpha=alpha, method="holm")
            cases.append(
                {"pValues": pvals, "alpha": alpha, "adjusted": [f(p) for p in corrected], "reject": [bool(r) for r in reject]}
            )
    return cases


def power():
    """statsmodels NormalIndPower on Cohen's h (proportion_effectsize), two-sided, equal arms."""
    analysis = NormalIndPower()
    required, powers, mde = [], [], []
    for baseline, effect in [(0.1, 0.02), (0.05, 0.01), (0.3, -0.05), (0.5, 0.1), (0.02, 0.005)]:
        for alpha, target in [(0.05, 0.8), (0.01, 0.9)]:
            h = proportion_effectsize(baseline + effect, baseline)
            n = analysis.solve_power(effect_size=abs(h), nobs1=None, alpha=alpha, power=target, ratio=1.0)
            required.append(
                {"baseline": baseline, "effect": effect, "alpha": alpha, "power": target, "n": f(n), "ceil": math.ceil(n)}
            )
            for per_arm in [500, 4000]:
                powers.append(
                    {
                        "baseline": baseline,
                        "effect": effect,
                        "alpha": alpha,
                        "perArm": per_arm,
                        "power": f(analysis.power(abs(h), per_arm, alpha, ratio=1.0)),
                    }
                )
    for baseline in [0.02, 0.1, 0.3]:
        for per_arm in [300, 2500, 20000]:
            for alpha, target in [(0.05, 0.8), (0.01, 0.9)]:
                # solve_power(effect_size=None) stops with the power 2e-6 off target; brentq on the same
                # statsmodels power function, to full precision, gives the reference instead.
                h = brentq(lambda x: analysis.power(x, per_arm, alpha, ratio=1.0) - target, 1e-9, math.pi, xtol=1e-15)
                rise = math.sin(math.asin(math.sqrt(baseline)) + h / 2) ** 2 - baseline
                mde.append({"baseline": baseline, "perArm": per_arm, "alpha": alpha, "power": target, "mde": f(rise)})
    return {"requiredSamplePerArm": required, "power": powers, "minimumDetectableEffect": mde}


def sequential():
    """mSPRT (Johari, Pekelis & Walsh 2022), computed independently of our closed form."""
    cases = []
    for xc, nc, xt, nt in PAIRS:
        for options in [{}, {"alpha": 0.1}, {"tau": 0.02}, {"tuningSamplePerArm": 500}]:
            alpha = options.get("alpha", 0.05)
            pc, pt = xc / nc, xt / nt
            v = pt * (1 - pt) / nt + pc * (1 - pc) / nc
            if "tau" in options:
                tau2 = options["tau"] ** 2
            else:
                n_star = options.get("tuningSamplePerArm", 2500)
                # Howard et al. / GrowthBook eq. 161: ρ² = (−2 ln α + ln(1 − 2 ln α)) / N*, τ² = ρ²·σ².
                rho2 = (-2 * math.log(alpha) + math.log(1 - 2 * math.log(alpha))) / n_star
                tau2 = rho2 * (pt * (1 - pt) + pc * (1 - pc))
            diff = pt - pc
            # Λ = marginal density of Δ̂ under the mixture N(0, V + τ²) over its density under H0, N(0, V).
            log_lambda = stats.norm.logpdf(diff, 0, math.sqrt(v + tau2)) - stats.norm.logpdf(diff, 0, math.sqrt(v))
            # The confidence sequence in GrowthBook's (Howard et al.) form, with N = n_C + n_T, s² = V·N, ρ² = τ²/s².
            big_n = nc + nt
            s2 = v * big_n
            rho2 = tau2 / s2
            half = math.sqrt(s2) * math.sqrt(
                2 * (big_n * rho2 + 1) * math.log(math.sqrt(big_n * rho2 + 1) / alpha) / (big_n**2 * rho2)
            )
            cases.append(
                {
                    "control": counts(xc, nc),
                    "treatment": counts(xt, nt),
                    "options": options,
                    "ci": [f(diff - half), f(diff + half)],
                    "p": f(min(1.0, math.exp(-log_lambda))),
                }
            )
    return cases


def counts(conversions, exposed):
    return {"exposed": exposed, "conversions": conversions}


def summary(values):
    return {"n": int(len(values)), "mean": f(values.mean()), "variance": f(values.var(ddof=1))}


json.dump(
    {
        "_generatedBy": COMMAND,
        "_versions": {"python": sys.version.split()[0], "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "distributions": distributions(),
        "wilson": wilson(),
        "twoProportionZTest": z_tests(),
        "proportionLift": lifts(),
        "welch": welch(),
        "sampleRatioMismatch": srm(),
        "holm": holm_cases(),
        "power": power(),
        "sequentialLift": sequential(),
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
