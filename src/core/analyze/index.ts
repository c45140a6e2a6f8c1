/**
 * The statistical core of the analysis: lagged Pearson/Spearman correlations with exact p-values, Fisher-z
 * intervals and Benjamini–Hochberg adjustment, and high/low-AI effect sizes. Pure functions over dense daily
 * series; every result is JSON-serializable with `null` + a reason wherever a number does not exist.
 */
import { fail, ok, type Result } from '../normalize/result';
import { benjaminiHochberg, EXCLUDED_REASON } from './adjust';
import { correlation, CORRELATION_METHODS, DEFAULT_MIN_PAIRS, MIN_PAIRS_FLOOR, type CorrelationMethod, type CorrelationStat } from './correlation';
import { highLowEffect, type EffectSize } from './effect';
import { DEFAULT_LAGS, laggedPairs, validateSeries, type DailySeries, type ZeroIsTrue } from './lag';
import { DEFAULT_ALPHA, readCorrelation, readEffect } from './reading';

export * from './adjust';
export * from './autocorrelation';
export * from './calendar';
export * from './correlation';
export * from './effect';
export * from './effect-interval';
export * from './lag';
export * from './pooled';
export * from './reading';
export * from './working-analysis';

export interface CorrelateOptions {
  /** Lags in days (outcome k days after AI); default 0, 1, 2, 3. */
  lags?: readonly number[];
  /** Fewest non-null pairs to report a coefficient; default 6, at least 3. */
  minPairs?: number;
  /** Default both, Pearson first. */
  methods?: readonly CorrelationMethod[];
  /** Which series' nulls are true zeros (default: neither; null stays "not measured"). */
  zeroIsTrue?: ZeroIsTrue;
  /** Significance level for the reading; default 0.05. */
  alpha?: number;
}

/** One (method, lag) result. */
export type LagCorrelation = CorrelationStat & {
  method: CorrelationMethod;
  lag: number;
  /**
   * Benjamini–Hochberg adjusted p over the family: all results of the same method in one `correlate` or
   * `correlateMany` call (or one `adjustFamily` call). Null, with `pAdjustedReason`, when `p` is null.
   */
  pAdjusted: number | null;
  pAdjustedReason: string | null;
  /** Number of p-values in this result's BH family; null when the result was left out of it. */
  familySize: number | null;
  /** Plain-language reading, e.g. "moderate positive, significant after adjustment". */
  reading: string;
};

/** A lagged correlation labelled with the series it compares. */
export type PairCorrelation = LagCorrelation & { ai: string; outcome: string };

/** A named AI × outcome pair for `correlateMany`. */
export interface SeriesPair {
  ai: string;
  outcome: string;
  aiSeries: DailySeries;
  outcomeSeries: DailySeries;
  /** Overrides `options.zeroIsTrue` for this pair. */
  zeroIsTrue?: ZeroIsTrue;
}

interface Settings {
  lags: readonly number[];
  minPairs: number;
  methods: readonly CorrelationMethod[];
  zeroIsTrue: ZeroIsTrue;
  alpha: number;
}

/**
 * Correlates one AI series with one outcome series at each lag and method: one result per (method, lag),
 * methods outer, lags inner. BH adjustment covers this call's results per method. Fails (no throw) on invalid
 * series or options.
 */
export function correlate(ai: DailySeries, outcome: DailySeries, options: CorrelateOptions = {}): Result<LagCorrelation[]> {
  const settings = readOptions(options);
  if (!settings.ok) return settings;
  const raw = correlatePair(ai, outcome, settings.value, settings.value.zeroIsTrue);
  if (!raw.ok) return raw;
  return ok(adjustFamily(raw.value, settings.value.alpha));
}

/**
 * Correlates many named pairs and adjusts p-values across all of them and all lags (one BH family per method),
 * as the report needs. Results keep the order of `pairs`, then methods, then lags.
 */
export function correlateMany(pairs: readonly SeriesPair[], options: CorrelateOptions = {}): Result<PairCorrelation[]> {
  const settings = readOptions(options);
  if (!settings.ok) return settings;
  const all: PairCorrelation[] = [];
  for (const pair of pairs) {
    const res = correlatePair(pair.aiSeries, pair.outcomeSeries, settings.value, pair.zeroIsTrue ?? settings.value.zeroIsTrue);
    if (!res.ok) return fail(`${pair.ai} × ${pair.outcome}: ${res.reason}`);
    for (const r of res.value) all.push({ ...r, ai: pair.ai, outcome: pair.outcome });
  }
  return ok(adjustFamily(all, settings.value.alpha));
}

/**
 * Recomputes `pAdjusted`, `familySize` and `reading` over a combined list of results (one BH family per
 * method), for callers that gather results from several `correlate` calls. Returns new objects, same order.
 */
export function adjustFamily<T extends LagCorrelation>(results: readonly T[], alpha = DEFAULT_ALPHA): T[] {
  const out = results.slice();
  for (const method of CORRELATION_METHODS) {
    const positions = results.flatMap((r, i) => (r.method === method ? [i] : []));
    const adjusted = benjaminiHochberg(positions.map((i) => (results[i] as T).p));
    const familySize = adjusted.filter((p) => p !== null).length;
    positions.forEach((pos, k) => {
      const r = results[pos] as T;
      const pAdjusted = adjusted[k] ?? null;
      out[pos] = {
        ...r,
        pAdjusted,
        pAdjustedReason: pAdjusted === null ? `${EXCLUDED_REASON} (${r.reason})` : null,
        familySize: pAdjusted === null ? null : familySize,
        reading: readCorrelation(r, pAdjusted, alpha),
      };
    });
  }
  return out;
}

export interface EffectSizeOptions {
  /** Outcome k days after AI; default 0. */
  lag?: number;
  minPairs?: number;
  hedges?: boolean;
  zeroIsTrue?: ZeroIsTrue;
  /** Name of the outcome for the reading ("commits"); default "outcome". */
  label?: string;
}

/** High- vs low-AI-day effect on the outcome at one lag, with its reading. Fails on invalid series or options. */
export function effectSize(ai: DailySeries, outcome: DailySeries, options: EffectSizeOptions = {}): Result<EffectSize & { lag: number; reading: string }> {
  const lag = options.lag ?? 0;
  if (!Number.isInteger(lag) || lag < 0) return fail(`lag must be a non-negative integer, got ${lag}`);
  const minPairs = options.minPairs ?? DEFAULT_MIN_PAIRS;
  if (!Number.isInteger(minPairs) || minPairs < MIN_PAIRS_FLOOR) {
    return fail(`minPairs must be an integer ≥ ${MIN_PAIRS_FLOOR}, got ${minPairs}`);
  }
  const valid = validateBoth(ai, outcome);
  if (!valid.ok) return valid;
  const pairs = laggedPairs(ai, outcome, lag, options.zeroIsTrue);
  const effect = highLowEffect(pairs.ai, pairs.outcome, { minPairs, hedges: options.hedges ?? false });
  return ok({ ...effect, lag, reading: readEffect(effect, options.label ?? 'outcome') });
}

function correlatePair(ai: DailySeries, outcome: DailySeries, s: Settings, zeroIsTrue: ZeroIsTrue): Result<LagCorrelation[]> {
  const valid = validateBoth(ai, outcome);
  if (!valid.ok) return valid;
  const aligned = s.lags.map((lag) => laggedPairs(ai, outcome, lag, zeroIsTrue));
  const results: LagCorrelation[] = [];
  for (const method of s.methods) {
    for (const pairs of aligned) {
      const stat = correlation(pairs.ai, pairs.outcome, method, { minPairs: s.minPairs });
      // Adjustment fields are filled by adjustFamily; these placeholders never leave this module.
      results.push({ ...stat, method, lag: pairs.lag, pAdjusted: null, pAdjustedReason: null, familySize: null, reading: '' });
    }
  }
  return ok(results);
}

function validateBoth(ai: DailySeries, outcome: DailySeries): Result<void> {
  const a = validateSeries(ai, 'AI series');
  if (!a.ok) return a;
  const o = validateSeries(outcome, 'outcome series');
  if (!o.ok) return o;
  return ok(undefined);
}

function readOptions(options: CorrelateOptions): Result<Settings> {
  const lags = options.lags ?? DEFAULT_LAGS;
  if (lags.length === 0) return fail('lags must not be empty');
  for (const lag of lags) {
    if (!Number.isInteger(lag) || lag < 0) return fail(`lags must be non-negative integers, got ${lag}`);
  }
  if (new Set(lags).size !== lags.length) return fail(`lags must not repeat: ${lags.join(', ')}`);
  const minPairs = options.minPairs ?? DEFAULT_MIN_PAIRS;
  if (!Number.isInteger(minPairs) || minPairs < MIN_PAIRS_FLOOR) {
    return fail(`minPairs must be an integer ≥ ${MIN_PAIRS_FLOOR}, got ${minPairs}`);
  }
  const methods = options.methods ?? CORRELATION_METHODS;
  if (methods.length === 0) return fail('methods must not be empty');
  for (const m of methods) {
    if (!CORRELATION_METHODS.includes(m)) return fail(`unknown method ${JSON.stringify(m)}; use pearson or spearman`);
  }
  if (new Set(methods).size !== methods.length) return fail(`methods must not repeat: ${methods.join(', ')}`);
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) return fail(`alpha must be between 0 and 1, got ${alpha}`);
  return ok({ lags, minPairs, methods, zeroIsTrue: options.zeroIsTrue ?? {}, alpha });
}
