/**
 * Correlation tests that hold up when days are not independent. Busy spells make neighbouring working days
 * alike in both series; the classic t test then treats n alike days as n independent ones and its p-values
 * are far too small. The fix used here is the effective sample size of Pyper & Peterman (1998), a finite-
 * sample form of Bartlett's (1935) variance of a cross-correlation between two autocorrelated series:
 *
 *   1/n* = 1/n + (2/n) · Σ_{j=1..J} ((n − j)/n) · ρx(j) · ρy(j),   J = n/5,
 *
 * with ρ the sample autocorrelations of each series (of its ranks for Spearman). The t test and the
 * Fisher-z interval then use n* in place of n. Why this and not a block permutation: it gives continuous
 * p-values (a permutation test with a few hundred working days cannot produce the p < 0.05/80 that one row
 * needs to survive Benjamini–Hochberg over 80 tests), it costs O(n·J) per row (a year's report in
 * milliseconds), and its error rate is checked by simulation in test/unit/calibration/.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { CI_LEVEL, type ConfidenceInterval, type CorrelationMethod } from './correlation';

const Z_975 = 1.959963984540054;
const SPEARMAN_Z_VARIANCE = 1.06;

/**
 * Sample autocorrelations ρ(1..maxLag) with the usual biased estimator (sums over n − j products, divided by
 * the full-series sum of squares), which keeps the sequence positive-definite. A constant series gives zeros.
 */
export function autocorrelations(values: readonly number[], maxLag: number): number[] {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n || 1;
  // Centre once: the lag loop below is the hot path of a report (n·n/5 products per series).
  const c = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    c[i] = d;
    ss += d * d;
  }
  const out: number[] = [];
  for (let j = 1; j <= maxLag; j++) {
    if (ss === 0 || j >= n) {
      out.push(0);
      continue;
    }
    let s = 0;
    for (let i = 0; i + j < n; i++) s += (c[i] as number) * (c[i + j] as number);
    out.push(s / ss);
  }
  return out;
}

export interface EffectiveSize {
  /** Pairs. */
  n: number;
  /** Effective number of independent pairs, between 3 and n (never above n: we do not reward anti-persistence). */
  nEffective: number;
  /** Autocorrelation lags summed (n/5, Pyper & Peterman's choice). */
  maxLag: number;
}

/** Pyper & Peterman's (1998) effective sample size for the correlation of two aligned series. */
export function effectiveSampleSize(x: readonly number[], y: readonly number[]): EffectiveSize {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`series differ in length: ${n} vs ${y.length}`);
  const maxLag = Math.floor(n / 5);
  return effectiveSampleSizeOf(n, autocorrelations(x, maxLag), autocorrelations(y, maxLag));
}

/** `effectiveSampleSize` from the two series' autocorrelations ρ(1..⌊n/5⌋) (callers that reuse them). */
export function effectiveSampleSizeOf(n: number, rx: readonly number[], ry: readonly number[]): EffectiveSize {
  const maxLag = Math.floor(n / 5);
  let sum = 0;
  for (let j = 1; j <= maxLag; j++) sum += ((n - j) / n) * (rx[j - 1] as number) * (ry[j - 1] as number);
  const inverse = 1 / n + (2 / n) * sum;
  const nEffective = inverse > 0 ? Math.min(n, Math.max(3, 1 / inverse)) : n;
  return { n, nEffective, maxLag };
}

/** Average ranks (1-based), as SciPy's `rankdata(method='average')`. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] as number] === values[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = rank;
    i = j + 1;
  }
  return ranks;
}

export interface SerialCorrelation {
  r: number;
  n: number;
  nEffective: number;
  /** Two-sided, Student t with n* − 2 degrees of freedom. */
  p: number;
  /** Fisher-z with se from n* (1.06/(n* − 3) for Spearman); null when n* ≤ 3. */
  ci: ConfidenceInterval | null;
}

/**
 * An autocorrelation-aware p-value and interval for the coefficient `r` of two complete series (`r` as
 * `correlation()` computed it, SciPy's estimator; only its uncertainty changes here). Callers check length
 * and constancy first (`correlation()` does, and says why when it cannot compute).
 */
export function serialCorrelation(x: readonly number[], y: readonly number[], method: CorrelationMethod, r: number): SerialCorrelation {
  const n = x.length;
  const [ax, ay] = method === 'spearman' ? [averageRanks(x), averageRanks(y)] : [x, y];
  const { nEffective } = effectiveSampleSize(ax, ay);
  return { r, n, nEffective, p: tTestP(r, nEffective), ci: fisherCi(r, nEffective, method) };
}

/** Two-sided p of H0: ρ = 0 from t = r·sqrt(df/(1 − r²)), df = n − 2 (n may be fractional). */
export function tTestP(r: number, n: number): number {
  if (Math.abs(r) >= 1) return 0;
  const df = n - 2;
  const t = r * Math.sqrt(df / ((1 + r) * (1 - r)));
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

function fisherCi(r: number, n: number, method: CorrelationMethod): ConfidenceInterval | null {
  if (n <= 3) return null;
  if (Math.abs(r) >= 1) return { lower: r, upper: r, level: CI_LEVEL };
  const se = Math.sqrt((method === 'spearman' ? SPEARMAN_Z_VARIANCE : 1) / (n - 3));
  const z = Math.atanh(r);
  return { lower: Math.tanh(z - Z_975 * se), upper: Math.tanh(z + Z_975 * se), level: CI_LEVEL };
}
