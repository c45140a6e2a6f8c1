/**
 * Pearson and Spearman correlation of two aligned series with missing values, with exact two-sided p-values
 * from Student's t distribution and Fisher-z 95% confidence intervals.
 *
 * Estimators come from simple-statistics (Spearman uses its average ranks for ties); the t distribution comes
 * from @stdlib. Nothing here writes a special function by hand. Results are plain JSON: a value that cannot be
 * computed is `null` with a reason, never NaN or Infinity.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { sampleCorrelation, sampleRankCorrelation } from 'simple-statistics';

export const CORRELATION_METHODS = ['pearson', 'spearman'] as const;
export type CorrelationMethod = (typeof CORRELATION_METHODS)[number];

/** Fewest non-null pairs for which a coefficient is reported (the default; a setting). */
export const DEFAULT_MIN_PAIRS = 6;

/**
 * Absolute floor for `minPairs`: with n = 2 the coefficient is always ±1 and the t test has no degrees of
 * freedom, so fewer than 3 pairs can never give a result.
 */
export const MIN_PAIRS_FLOOR = 3;

/** Confidence level of every interval reported here. */
export const CI_LEVEL = 0.95;

/** The 0.975 quantile of the standard normal distribution (`scipy.special.ndtri(0.975)`). */
const Z_975 = 1.959963984540054;

/**
 * Variance factor of atanh(rho) for Spearman (Fieller, Hartley & Pearson, 1957): var ≈ 1.06 / (n − 3).
 * Pearson uses the classic 1 / (n − 3). Using 1 for Spearman too would give intervals that are too narrow.
 */
const SPEARMAN_Z_VARIANCE = 1.06;

/**
 * |r| this close to 1 is reported as exactly ±1. Rounding turns a perfectly linear (or perfectly monotone)
 * relation into 1 − 2e-16, which would otherwise give a tiny but spurious p-value instead of 0. A genuine
 * Spearman rho below 1 is at least 6 / (n(n² − 1)) away from it (1.2e-7 at n = 365), far above this.
 */
const PERFECT_TOLERANCE = 1e-12;

/** A two-sided confidence interval for a coefficient. */
export interface ConfidenceInterval {
  lower: number;
  upper: number;
  level: number;
}

interface StatFields {
  /** Non-null pairs used (both values measured). */
  n: number;
}

/** A coefficient that could be computed. `ci` is null (with `ciReason`) when n ≤ 3. */
export interface CorrelationOk extends StatFields {
  status: 'ok';
  r: number;
  /** Two-sided p-value, t distribution with n − 2 degrees of freedom; 0 when |r| = 1. */
  p: number;
  ci: ConfidenceInterval | null;
  ciReason: string | null;
  reason: null;
}

/** Fewer non-null pairs than the minimum: shown as "not enough data", not as a number. */
export interface CorrelationNotEnoughData extends StatFields {
  status: 'not-enough-data';
  minPairs: number;
  r: null;
  p: null;
  ci: null;
  ciReason: null;
  reason: string;
}

/** A series is constant over the paired days, so the coefficient does not exist (SciPy returns NaN). */
export interface CorrelationUndefined extends StatFields {
  status: 'undefined';
  /** Which input was constant: `x` is the first series (AI activity), `y` the second (outcome). */
  constant: 'x' | 'y' | 'both';
  r: null;
  p: null;
  ci: null;
  ciReason: null;
  reason: 'constant series';
}

export type CorrelationStat = CorrelationOk | CorrelationNotEnoughData | CorrelationUndefined;

export interface CorrelationOptions {
  /** Fewest non-null pairs to report a coefficient; default 6, never below 3. */
  minPairs?: number;
}

/**
 * Correlation of `x` (AI activity) and `y` (outcome), aligned by index. Only indexes where both are non-null
 * count. Throws only for programming errors (different lengths, non-finite numbers, bad `minPairs`).
 */
export function correlation(
  x: readonly (number | null)[],
  y: readonly (number | null)[],
  method: CorrelationMethod,
  options: CorrelationOptions = {},
): CorrelationStat {
  const minPairs = checkMinPairs(options.minPairs ?? DEFAULT_MIN_PAIRS);
  const [xs, ys] = completePairs(x, y);
  const n = xs.length;
  if (n < minPairs) {
    return {
      status: 'not-enough-data',
      n,
      minPairs,
      r: null,
      p: null,
      ci: null,
      ciReason: null,
      reason: `not enough data (n=${n}, need ${minPairs})`,
    };
  }
  const xConst = isConstant(xs);
  const yConst = isConstant(ys);
  if (xConst || yConst) {
    const constant = xConst && yConst ? 'both' : xConst ? 'x' : 'y';
    return { status: 'undefined', n, constant, r: null, p: null, ci: null, ciReason: null, reason: 'constant series' };
  }
  const raw = method === 'pearson' ? sampleCorrelation(xs, ys) : sampleRankCorrelation(xs, ys);
  if (!Number.isFinite(raw)) throw new Error(`${method} estimator returned ${raw} for non-constant input`);
  const r = snapPerfect(raw);
  const { ci, ciReason } = fisherInterval(r, n, method);
  return { status: 'ok', n, r, p: correlationPValue(r, n), ci, ciReason, reason: null };
}

/**
 * Two-sided p-value of H0: rho = 0 from t = r·sqrt((n − 2) / ((1 + r)(1 − r))), t distributed with n − 2
 * degrees of freedom. This is what scipy.stats.pearsonr (via the equivalent beta distribution) and
 * scipy.stats.spearmanr report. |r| = 1 gives 0.
 */
export function correlationPValue(r: number, n: number): number {
  if (n < MIN_PAIRS_FLOOR) throw new RangeError(`p-value needs n ≥ ${MIN_PAIRS_FLOOR}, got ${n}`);
  if (Math.abs(r) >= 1) return 0;
  const df = n - 2;
  const t = r * Math.sqrt(df / ((1 + r) * (1 - r)));
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/**
 * Fisher-z interval: tanh(atanh(r) ± z₀.₉₇₅·se) with se = sqrt(1 / (n − 3)) for Pearson and
 * sqrt(1.06 / (n − 3)) for Spearman. |r| = 1 collapses the interval to [r, r]. Needs n > 3.
 */
export function fisherInterval(r: number, n: number, method: CorrelationMethod): { ci: ConfidenceInterval | null; ciReason: string | null } {
  if (n <= 3) return { ci: null, ciReason: `n=${n}: a Fisher-z interval needs n > 3` };
  if (Math.abs(r) >= 1) return { ci: { lower: r, upper: r, level: CI_LEVEL }, ciReason: null };
  const factor = method === 'spearman' ? SPEARMAN_Z_VARIANCE : 1;
  const se = Math.sqrt(factor / (n - 3));
  const z = Math.atanh(r);
  return { ci: { lower: Math.tanh(z - Z_975 * se), upper: Math.tanh(z + Z_975 * se), level: CI_LEVEL }, ciReason: null };
}

/** The pairs where both values were measured, as two dense arrays. */
export function completePairs(x: readonly (number | null)[], y: readonly (number | null)[]): [number[], number[]] {
  if (x.length !== y.length) throw new RangeError(`series differ in length: ${x.length} vs ${y.length}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (a === null || b === null || a === undefined || b === undefined) continue;
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new TypeError(`non-finite value at index ${i}; use null for "not measured"`);
    xs.push(a);
    ys.push(b);
  }
  return [xs, ys];
}

function checkMinPairs(minPairs: number): number {
  if (!Number.isInteger(minPairs) || minPairs < MIN_PAIRS_FLOOR) {
    throw new RangeError(`minPairs must be an integer ≥ ${MIN_PAIRS_FLOOR}, got ${minPairs}`);
  }
  return minPairs;
}

/** Exact equality, as SciPy checks (`(x == x[0]).all()`): a nearly constant series still gets a coefficient. */
function isConstant(values: readonly number[]): boolean {
  const first = values[0];
  return values.every((v) => v === first);
}

function snapPerfect(r: number): number {
  if (r >= 1 - PERFECT_TOLERANCE) return 1;
  if (r <= -1 + PERFECT_TOLERANCE) return -1;
  return r;
}
