#!/usr/bin/python3
"""Reference values for ProdLens' statistics (src/core/analyze), computed with SciPy.

Writes test/fixtures/stats/reference.json, which the unit tests (test/unit/analyze/) read; the tests never
run Python. Regenerate after changing a case here, from the repository root:

    apt-get update && apt-get install -y python3-scipy python3-numpy python3-statsmodels
    /usr/bin/python3 scripts/stats-reference.py            # or: ... --out some/other/path.json

Use Debian's /usr/bin/python3 (SciPy 1.10), not another interpreter on PATH. Output is deterministic (fixed
seeds, sorted keys).

Sources of each reference value:
- Pearson r, p and 95% CI: scipy.stats.pearsonr (p from the beta distribution, equivalent to Student t with
  n - 2 degrees of freedom) and PearsonRResult.confidence_interval (Fisher z, se = 1/sqrt(n - 3)).
- Spearman rho and p: scipy.stats.spearmanr (average ranks for ties; p from Student t with n - 2 df).
  SciPy has no Spearman interval; ours is Fisher z with the Fieller-Hartley-Pearson variance 1.06/(n - 3),
  computed here with numpy and scipy.special.ndtri.
- Benjamini-Hochberg: scipy.stats.false_discovery_control(method='bh') where this SciPy has it (>= 1.11),
  otherwise statsmodels' multipletests(method='fdr_bh') (Debian python3-statsmodels). With both present
  the script checks they agree.
- Autocorrelation-aware inference (src/core/analyze/autocorrelation.ts, effect-interval.ts): sample
  autocorrelations from statsmodels.tsa.stattools.acf (adjusted=False, the biased estimator), ranks from
  scipy.stats.rankdata, the Pyper & Peterman (1998) effective sample size written out here from the paper's
  formula, p from scipy.stats.t.sf with fractional degrees of freedom, the effect interval's t quantile from
  scipy.stats.t.ppf.
- Cohen's d: from scipy.stats.ttest_ind (pooled variance): d = t * sqrt(1/n_high + 1/n_low), checked against
  the direct pooled-SD formula. Hedges' g = d * (1 - 3/(4 (n_high + n_low) - 9)).

Conventions mirrored from the TypeScript: only pairs where both values are present count; a series constant
over those pairs has an undefined coefficient (no number recorded); the median split puts AI > median in the
high group and AI <= median in the low group.
"""
import argparse
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
from scipy import special, stats

try:
    from statsmodels.stats.multitest import multipletests
    import statsmodels
except ImportError:  # checked below: one BH reference is required
    multipletests = None
    statsmodels = None

warnings.simplefilter('ignore')  # SciPy warns on constant and perfect inputs; those cases are recorded as such

SPEARMAN_Z_VARIANCE = 1.06
Z_975 = float(special.ndtri(0.975))


# ---------- helpers ----------

def complete(x, y):
    xs, ys = [], []
    for a, b in zip(x, y):
        if a is not None and b is not None:
            xs.append(float(a))
            ys.append(float(b))
    return np.array(xs), np.array(ys)


def is_constant(v):
    return len(v) > 0 and bool((v == v[0]).all())


def undefined_or_short(xs, ys):
    n = len(xs)
    if n < 3:
        return {'n': n, 'status': 'not-enough-data'}
    if is_constant(xs) or is_constant(ys):
        return {'n': n, 'status': 'undefined'}
    return None


def pearson(x, y):
    xs, ys = complete(x, y)
    short = undefined_or_short(xs, ys)
    if short:
        return short
    n = len(xs)
    res = stats.pearsonr(xs, ys)
    out = {'n': n, 'status': 'ok', 'r': float(res.statistic), 'p': float(res.pvalue), 'ci': None}
    if n > 3:
        ci = res.confidence_interval(confidence_level=0.95)
        out['ci'] = [float(ci.low), float(ci.high)]
    return out


def spearman(x, y):
    xs, ys = complete(x, y)
    short = undefined_or_short(xs, ys)
    if short:
        return short
    n = len(xs)
    res = stats.spearmanr(xs, ys)
    r = float(res.statistic)
    out = {'n': n, 'status': 'ok', 'r': r, 'p': float(res.pvalue), 'ci': None}
    if n > 3:
        if abs(r) == 1:
            out['ci'] = [r, r]
        else:
            se = math.sqrt(SPEARMAN_Z_VARIANCE / (n - 3))
            z = np.arctanh(r)
            out['ci'] = [float(np.tanh(z - Z_975 * se)), float(np.tanh(z + Z_975 * se))]
    return out


def bh(ps):
    idx = [i for i, p in enumerate(ps) if p is not None]
    vals = np.array([ps[i] for i in idx], dtype=float)
    refs = {}
    if hasattr(stats, 'false_discovery_control'):
        refs['scipy'] = stats.false_discovery_control(vals, method='bh') if len(vals) else vals
    if multipletests is not None:
        refs['statsmodels'] = multipletests(vals, method='fdr_bh')[1] if len(vals) else vals
    if not refs:
        sys.exit('need scipy >= 1.11 or python3-statsmodels for the Benjamini-Hochberg reference')
    if len(refs) == 2 and not np.allclose(refs['scipy'], refs['statsmodels'], rtol=1e-12, atol=0):
        sys.exit('scipy and statsmodels disagree on BH')
    adj = refs.get('scipy', refs.get('statsmodels'))
    out = [None] * len(ps)
    for k, i in enumerate(idx):
        out[i] = float(adj[k])
    return out


def effect(ai, outcome):
    xs, ys = complete(ai, outcome)
    n = len(xs)
    if n < 3:
        return {'n': n, 'status': 'not-enough-data'}
    med = float(np.median(xs))
    hi = ys[xs > med]
    lo = ys[xs <= med]
    if len(hi) == 0 or len(lo) == 0:
        return {'n': n, 'status': 'undefined', 'median': med}
    mh, ml = float(hi.mean()), float(lo.mean())
    ss = float(((hi - mh) ** 2).sum() + ((lo - ml) ** 2).sum())
    pooled = math.sqrt(ss / (n - 2))
    out = {'n': n, 'status': 'ok', 'median': med, 'high': {'n': int(len(hi)), 'mean': mh},
           'low': {'n': int(len(lo)), 'mean': ml}, 'd': None, 'g': None, 'percentChange': None}
    if pooled > 0:
        t = stats.ttest_ind(hi, lo, equal_var=True).statistic
        d = float(t * math.sqrt(1 / len(hi) + 1 / len(lo)))
        direct = (mh - ml) / pooled
        if not math.isclose(d, direct, rel_tol=1e-10, abs_tol=1e-12):
            sys.exit(f'Cohen d from ttest_ind {d} differs from the pooled-SD formula {direct}')
        out['d'] = d
        out['g'] = d * (1 - 3 / (4 * n - 9))
    if ml != 0:
        out['percentChange'] = 100 * (mh - ml) / abs(ml)
    return out


def rnd(values, digits=4):
    return [None if v is None else round(float(v), digits) for v in values]


def with_missing(rng, values, share):
    mask = rng.random(len(values)) < share
    return [None if m else v for v, m in zip(values, mask)]


# ---------- cases ----------

def correlation_cases():
    rng = np.random.default_rng(20260105)
    cases = []

    def add(name, x, y, min_pairs=6):
        x, y = list(x), list(y)
        cases.append({'name': name, 'x': x, 'y': y, 'minPairs': min_pairs,
                      'pearson': pearson(x, y), 'spearman': spearman(x, y)})

    def noise_pair(n, rho):
        a = rng.standard_normal(n)
        b = rho * a + math.sqrt(1 - rho * rho) * rng.standard_normal(n)
        return rnd(a * 10 + 50), rnd(b * 3 + 8)

    add('random independent n=30', *noise_pair(30, 0.0))
    add('random positive n=30', *noise_pair(30, 0.5))
    add('random negative n=365', *noise_pair(365, -0.3))
    add('strong positive n=365 (tiny p)', *noise_pair(365, 0.8))
    add('weak positive n=365', *noise_pair(365, 0.12))
    add('random positive n=6', *noise_pair(6, 0.7))
    add('random negative n=7', *noise_pair(7, -0.6))
    x = rng.integers(0, 4, 6).tolist(); y = rng.integers(0, 3, 6).tolist()
    if len(set(x)) == 1: x[0] = 5
    if len(set(y)) == 1: y[0] = 5
    add('small integers with ties n=6', x, y)
    lam = rng.gamma(2.0, 2.0, 30)
    add('Poisson counts with ties n=30', rng.poisson(lam).tolist(), rng.poisson(lam * 0.5 + 1).tolist())
    tokens = np.where(rng.random(365) < 0.3, 0, rng.lognormal(10, 1, 365)).round(0)
    commits = rng.poisson(1 + tokens / 40000)
    add('tokens with zero days vs commits n=365', tokens.tolist(), commits.tolist())
    n = 30
    add('perfect positive linear n=30', list(range(1, n + 1)), [2 * i + 3 for i in range(1, n + 1)])
    add('perfect negative linear n=7', list(range(7)), [10 - 3 * i for i in range(7)])
    add('monotone cubic n=30 (Spearman 1)', list(range(-15, 15)), [i ** 3 for i in range(-15, 15)])
    add('zero Pearson, parabola n=7', list(range(-3, 4)), [i * i for i in range(-3, 4)])
    add('constant outcome n=30', rnd(rng.standard_normal(30)), [4] * 30)
    add('constant AI n=10', [0] * 10, rnd(rng.standard_normal(10)))
    a, b = noise_pair(40, 0.4)
    add('missing values n=40 (about 25% each)', with_missing(rng, a, 0.25), with_missing(rng, b, 0.25))
    a, b = noise_pair(9, 0.5)
    add('missing leaves n=5 (below minimum)', a[:5] + [None] * 4, b[:5] + [3, None, 2, None], min_pairs=3)
    a, b = noise_pair(4, 0.6)
    add('n=4 (smallest interval)', a, b, min_pairs=3)
    a, b = noise_pair(3, 0.6)
    add('n=3 (no interval)', a, b, min_pairs=3)
    add('large magnitudes (tokens vs cost)', rnd(rng.lognormal(13, 0.5, 30), 0),
        rnd(rng.lognormal(-3, 0.5, 30), 6))
    base = rng.standard_normal(30)
    ys = base * 2 + rng.standard_normal(30) * 0.5
    ys[7] = 200.0
    add('one huge outlier n=30', rnd(base), rnd(ys))
    days = rng.random(60) < 0.5
    add('binary AI days vs lines n=60', days.astype(int).tolist(), rnd(rng.normal(100, 30, 60) + days * 15, 1))
    add('almost all tied x n=12', [1] * 11 + [2], rnd(rng.standard_normal(12)))
    t = np.arange(48)
    add('sine vs cosine n=48', rnd(np.sin(2 * np.pi * t / 12), 6), rnd(np.cos(2 * np.pi * t / 12), 6))
    wk = np.arange(365)
    ai = np.round(rng.gamma(2, 50, 365), 1)
    out = np.round(ai * 0.02 + rng.normal(5, 2, 365), 2)
    ai_l = [None if d % 7 in (5, 6) else float(v) for d, v in zip(wk, ai)]
    out_l = [None if d % 7 in (5, 6) else float(v) for d, v in zip(wk, out)]
    add('weekends not measured n=365 days', ai_l, out_l)
    return cases


def lagged_cases():
    """Dense daily series (possibly with different ranges) and SciPy results at lags 0-3."""
    rng = np.random.default_rng(7)
    cases = []

    def day(n):
        return str(np.datetime64('2025-01-01') + np.timedelta64(int(n), 'D'))

    def add(name, ai_start, ai, out_start, out, lags=(0, 1, 2, 3)):
        per = []
        for k in lags:
            xs, ys = [], []
            for i, v in enumerate(ai):
                j = ai_start + i + k - out_start
                xs.append(v)
                ys.append(out[j] if 0 <= j < len(out) else None)
            per.append({'lag': k, 'pearson': pearson(xs, ys), 'spearman': spearman(xs, ys)})
        cases.append({'name': name,
                      'ai': {'days': [day(ai_start + i) for i in range(len(ai))], 'values': ai},
                      'outcome': {'days': [day(out_start + i) for i in range(len(out))], 'values': out},
                      'lags': per})

    n = 90
    ai = rnd(rng.gamma(2, 30, n), 1)
    out = rnd(np.concatenate([rng.normal(3, 1, 2), np.array(ai[:-2]) * 0.05 + rng.normal(3, 1, n - 2)]), 2)
    add('outcome follows AI by 2 days, with noise', 0, with_missing(rng, ai, 0.1), 0, with_missing(rng, out, 0.1))
    ai2 = rnd(rng.poisson(4, 60).astype(float), 0)
    out2 = rnd(rng.poisson(3, 75).astype(float), 0)
    add('outcome range starts 10 days earlier and ends 5 days later', 10, ai2, 0, out2)
    return cases


def bh_cases(corr_cases):
    rng = np.random.default_rng(11)
    fams = []

    def add(name, ps):
        fams.append({'name': name, 'p': ps, 'adjusted': bh(ps)})

    add('uniform random m=20', [float(v) for v in rng.random(20)])
    add('mix of tiny and large m=12', [1e-8, 0.001, 0.004, 0.01, 0.02, 0.03, 0.04, 0.2, 0.5, 0.7, 0.9, 1.0])
    add('ties and unsorted m=8', [0.04, 0.01, 0.04, 0.2, 0.01, 0.03, 0.04, 0.8])
    add('with missing p-values m=6 of 9', [0.02, None, 0.001, 0.3, None, 0.04, 0.5, None, 0.01])
    add('single test', [0.03])
    add('zeros and ones', [0.0, 1.0, 0.0, 0.5, 1.0])
    add('all significant m=5', [0.001, 0.002, 0.003, 0.004, 0.005])
    ps = []
    for c in corr_cases:
        for m in ('pearson', 'spearman'):
            ps.append(c[m].get('p'))
    add('p-values of the correlation cases (pearson, spearman interleaved)', ps)
    return fams


def effect_cases():
    rng = np.random.default_rng(3)
    cases = []

    def add(name, ai, out, min_pairs=6):
        cases.append({'name': name, 'ai': list(ai), 'outcome': list(out), 'minPairs': min_pairs,
                      'expected': effect(ai, out)})

    ai = rnd(rng.gamma(2, 40, 30), 1)
    add('random n=30 (even)', ai, rnd(np.array(ai) * 0.03 + rng.normal(4, 1.5, 30), 2))
    ai = rnd(rng.gamma(2, 40, 31), 1)
    add('random n=31 (odd, median is a data point)', ai, rnd(rng.normal(4, 1.5, 31), 2))
    ai = [0, 0, 0, 0, 0, 0, 0, 3, 5, 0, 2, 8, 0, 1, 0, 0, 4, 0, 6, 0]
    add('many zero-AI days, median 0 (ties go low)', ai, rnd(rng.poisson(2, 20) + np.array(ai) * 0.5, 1))
    ai = [1, 2, 2, 2, 2, 3, 4, 2, 5, 2, 1, 2]
    add('ties at a nonzero median', ai, rnd(rng.normal(10, 2, 12), 2))
    ai = [0, 1] * 15
    add('binary AI n=30', ai, rnd(rng.normal(20, 4, 30) + np.array(ai) * 3, 2))
    ai = rnd(rng.gamma(2, 40, 365), 1)
    add('n=365 realistic', ai, rng.poisson(2 + np.array(ai) / 80).tolist())
    ai = rnd(rng.gamma(2, 40, 30), 1)
    add('negative effect n=30', ai, rnd(10 - np.array(ai) * 0.05 + rng.normal(0, 1, 30), 2))
    add('n=6', [5, 1, 9, 3, 7, 2], [2.5, 1.0, 3.0, 2.0, 4.5, 1.5])
    ai = rnd(rng.gamma(2, 40, 40), 1)
    add('missing values n=40', with_missing(rng, ai, 0.2), with_missing(rng, rnd(rng.normal(6, 2, 40), 2), 0.2))
    add('zero pooled SD', [1, 2, 3, 4, 5, 6], [7, 7, 7, 9, 9, 9])
    add('zero low-group mean', [1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 1, 3, 2, 2])
    add('constant AI (empty high group)', [4] * 10, rnd(rng.normal(5, 1, 10), 2))
    add('more than half at the maximum (empty high group)', [1, 2, 5, 5, 5, 5, 5], [1, 2, 3, 4, 5, 6, 7])
    return cases


def effective_n(x, y):
    # Pyper & Peterman (1998): 1/n* = 1/n + (2/n) sum_{j=1}^{n/5} ((n - j)/n) rho_x(j) rho_y(j), n* in [3, n].
    from statsmodels.tsa.stattools import acf
    n = len(x)
    lags = n // 5
    if lags == 0:
        return float(n)
    def rho(v):
        v = np.asarray(v, dtype=float)
        if np.all(v == v[0]):
            return np.zeros(lags)
        return acf(v, nlags=lags, adjusted=False, fft=False)[1:]
    rx, ry = rho(x), rho(y)
    j = np.arange(1, lags + 1)
    inverse = 1 / n + (2 / n) * np.sum((n - j) / n * rx * ry)
    return float(min(n, max(3.0, 1 / inverse))) if inverse > 0 else float(n)


def serial_cases():
    rng = np.random.default_rng(11)
    cases = []

    def ar1(n, phi):
        out, v = [], rng.normal()
        for _ in range(n):
            v = phi * v + rng.normal(0, math.sqrt(1 - phi * phi))
            out.append(v)
        return np.array(out)

    def add(name, x, y):
        x = [float(v) for v in x]
        y = [float(v) for v in y]
        case = {'name': name, 'x': x, 'y': y}
        for method in ('pearson', 'spearman'):
            if method == 'pearson':
                r = float(stats.pearsonr(x, y)[0])
                ne = effective_n(x, y)
                factor = 1.0
            else:
                r = float(stats.spearmanr(x, y)[0])
                ne = effective_n(stats.rankdata(x), stats.rankdata(y))
                factor = SPEARMAN_Z_VARIANCE
            df = ne - 2
            t = r * math.sqrt(df / ((1 + r) * (1 - r)))
            se = math.sqrt(factor / (ne - 3)) if ne > 3 else None
            ci = [math.tanh(math.atanh(r) - Z_975 * se), math.tanh(math.atanh(r) + Z_975 * se)] if se else None
            case[method] = {'r': r, 'nEffective': ne, 'p': float(2 * stats.t.sf(abs(t), df)), 'ci': ci}
        # The effect interval: median split, regression on the high-day indicator, variance x n/n*.
        xa, ya = np.array(x), np.array(y)
        med = float(np.median(xa))
        high = (xa > med).astype(float)
        mh, ml = float(ya[high == 1].mean()), float(ya[high == 0].mean())
        resid = ya - np.where(high == 1, mh, ml)
        n = len(x)
        pooled = math.sqrt(float(np.sum(resid ** 2)) / (n - 2))
        ne = effective_n(high, resid)
        se = pooled * math.sqrt(1 / high.sum() + 1 / (n - high.sum())) * math.sqrt(n / ne)
        half = float(stats.t.ppf(0.975, ne - 2)) * se
        case['effect'] = {'difference': mh - ml, 'nEffective': ne, 'ci': [mh - ml - half, mh - ml + half]}
        cases.append(case)

    add('white noise n=60', rnd(rng.normal(0, 1, 60), 4), rnd(rng.normal(0, 1, 60), 4))
    add('AR(1) 0.8 both n=120', rnd(ar1(120, 0.8), 4), rnd(ar1(120, 0.8), 4))
    add('AR(1) 0.6 and 0.9 n=250', rnd(ar1(250, 0.6), 4), rnd(ar1(250, 0.9), 4))
    a, b = ar1(200, 0.7), ar1(200, 0.7)
    add('autocorrelated counts with ties and zeros n=200', rng.poisson(2 * np.exp(a)), rng.poisson(1.5 * np.exp(b)))
    a = ar1(90, 0.7)
    add('related AR(1) n=90', rnd(a, 4), rnd(0.5 * a + ar1(90, 0.5), 4))
    add('short n=12', [3, 5, 4, 8, 9, 7, 6, 10, 12, 11, 9, 13], [1, 0, 2, 2, 3, 1, 2, 4, 3, 5, 3, 4])
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument('--out', default=os.path.join(root, 'test', 'fixtures', 'stats', 'reference.json'))
    args = parser.parse_args()

    corr = correlation_cases()
    doc = {
        'meta': {
            'generator': 'scripts/stats-reference.py',
            'python': sys.version.split()[0],
            'numpy': np.__version__,
            'scipy': scipy.__version__,
            'statsmodels': statsmodels.__version__ if statsmodels else None,
            'bhReference': 'scipy.stats.false_discovery_control' if hasattr(stats, 'false_discovery_control')
            else 'statsmodels.stats.multitest.multipletests(method="fdr_bh")',
            'z975': Z_975,
            'spearmanZVariance': SPEARMAN_Z_VARIANCE,
        },
        'correlations': corr,
        'lagged': lagged_cases(),
        'bh': bh_cases(corr),
        'effects': effect_cases(),
        'serial': serial_cases(),
    }
    text = json.dumps(doc, indent=1, sort_keys=True, allow_nan=False)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        f.write(text + '\n')
    print(f'wrote {args.out}: {len(corr)} correlation cases, {len(doc["lagged"])} lagged, '
          f'{len(doc["bh"])} BH families, {len(doc["effects"])} effect cases', file=sys.stderr)


if __name__ == '__main__':
    main()
