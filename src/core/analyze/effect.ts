/**
 * Effect sizes a lead can read: the outcome on high-AI days against low-AI days, split at the median of the AI
 * series, as Cohen's d (pooled SD from sample variances), optionally Hedges' g, and as a percentage change of
 * the outcome mean ("+12% commits on high-AI days").
 *
 * Tie rule: only days where both values are measured count; the median is taken over their AI values; days
 * with AI strictly above the median are "high", days at or below it are "low". With AI activity, where many
 * days are 0, this makes "high" mean "more AI than the typical day" and keeps every tied day in one group, so
 * the split does not depend on the order of days.
 */
import { mean, median, sumNthPowerDeviations } from 'simple-statistics';
import { completePairs, DEFAULT_MIN_PAIRS, MIN_PAIRS_FLOOR } from './correlation';

/** Size and outcome mean of one group of days. */
export interface GroupSummary {
  n: number;
  mean: number;
}

export interface EffectOk {
  status: 'ok';
  /** Pairs used (both values measured). */
  n: number;
  /** Median of the AI values over those pairs; the split point. */
  median: number;
  high: GroupSummary;
  low: GroupSummary;
  /** Pooled SD of the outcome within the two groups (sample variances). */
  pooledSd: number;
  /** (mean high − mean low) / pooled SD; null with `dReason` when the pooled SD is 0. */
  d: number | null;
  dReason: string | null;
  /** Hedges' g = d · (1 − 3 / (4(n_high + n_low) − 9)); null when not requested or d is null. */
  g: number | null;
  gReason: string | null;
  /** 100 · (mean high − mean low) / |mean low|; null with `percentReason` when the low mean is 0. */
  percentChange: number | null;
  percentReason: string | null;
  reason: null;
}

/** No effect could be measured; every number is null and `reason` says why. */
export interface EffectMissing {
  status: 'not-enough-data' | 'undefined';
  n: number;
  median: number | null;
  high: GroupSummary | null;
  low: GroupSummary | null;
  d: null;
  dReason: null;
  g: null;
  gReason: null;
  percentChange: null;
  percentReason: null;
  reason: string;
}

export type EffectSize = EffectOk | EffectMissing;

export interface EffectOptions {
  /** Fewest pairs to report an effect; default 6, never below 3. */
  minPairs?: number;
  /** Also report Hedges' small-sample correction `g`. */
  hedges?: boolean;
}

/**
 * Effect of high-AI days on the outcome, for `ai` and `outcome` aligned by index (`null` = not measured).
 * Throws only for programming errors (different lengths, non-finite numbers, bad `minPairs`).
 */
export function highLowEffect(ai: readonly (number | null)[], outcome: readonly (number | null)[], options: EffectOptions = {}): EffectSize {
  const minPairs = options.minPairs ?? DEFAULT_MIN_PAIRS;
  if (!Number.isInteger(minPairs) || minPairs < MIN_PAIRS_FLOOR) {
    throw new RangeError(`minPairs must be an integer ≥ ${MIN_PAIRS_FLOOR}, got ${minPairs}`);
  }
  const [xs, ys] = completePairs(ai, outcome);
  const n = xs.length;
  if (n < minPairs) return missing('not-enough-data', n, `not enough data (n=${n}, need ${minPairs})`);

  const mid = median(xs);
  const highY: number[] = [];
  const lowY: number[] = [];
  xs.forEach((x, i) => (x > mid ? highY : lowY).push(ys[i] as number));
  if (highY.length === 0 || lowY.length === 0) {
    return {
      ...missing('undefined', n, 'empty group: no day has AI activity above the median'),
      median: mid,
    };
  }
  const high = { n: highY.length, mean: mean(highY) };
  const low = { n: lowY.length, mean: mean(lowY) };
  const diff = high.mean - low.mean;

  // Pooled SD from sample variances: sqrt((SS_high + SS_low) / (n_high + n_low − 2)); a one-day group adds 0.
  const pooledSd = Math.sqrt((sumNthPowerDeviations(highY, 2) + sumNthPowerDeviations(lowY, 2)) / (n - 2));
  const d = pooledSd > 0 ? diff / pooledSd : null;
  const dReason = d === null ? 'zero pooled SD: the outcome does not vary within either group' : null;
  let g: number | null = null;
  let gReason: string | null = 'not requested';
  if (options.hedges) {
    g = d === null ? null : d * (1 - 3 / (4 * n - 9));
    gReason = d === null ? dReason : null;
  }
  const percentChange = low.mean !== 0 ? (100 * diff) / Math.abs(low.mean) : null;
  const percentReason = percentChange === null ? 'zero low-group mean: a percentage change is undefined' : null;
  return { status: 'ok', n, median: mid, high, low, pooledSd, d, dReason, g, gReason, percentChange, percentReason, reason: null };
}

function missing(status: EffectMissing['status'], n: number, reason: string): EffectMissing {
  return {
    status,
    n,
    median: null,
    high: null,
    low: null,
    d: null,
    dReason: null,
    g: null,
    gReason: null,
    percentChange: null,
    percentReason: null,
    reason,
  };
}
