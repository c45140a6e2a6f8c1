/**
 * Primitives for a within-developer pooled analysis (the team report, issue 16): each developer's working-day
 * series centred on their own level, and a per-developer correlation on the Fisher-z scale with a variance
 * that allows for autocorrelation. Pooling raw days across developers would mix "busy people use more AI"
 * with "on my busy days I use more AI"; centring and per-developer z keep it within developers. A random-
 * effects meta-analysis of z with `zVariance` as each developer's sampling variance (the team helper writes
 * it) then weighs a developer with long busy spells by the independent information they really carry.
 */
import { autocorrelations, averageRanks, effectiveSampleSizeOf, serialCorrelation } from './autocorrelation';
import { workingCalendar, workingPairs, type CalendarEvidence, type WorkingCalendar } from './calendar';
import { correlation, DEFAULT_MIN_PAIRS, type CorrelationMethod } from './correlation';
import { TEST_METHOD } from './working-analysis';

export interface CentredSeries {
  /** The working days, in order. */
  days: string[];
  /** Value minus the developer's mean over the measured working days; null = not measured. */
  values: Array<number | null>;
  /** That mean (null when nothing was measured). */
  mean: number | null;
}

/** A series on the developer's working days, centred on its own mean over those days. */
export function centredWorkingSeries(cal: WorkingCalendar, values: readonly (number | null)[]): CentredSeries {
  const raw = cal.working.map((i) => values[i] ?? null);
  const measured = raw.filter((v): v is number => v !== null);
  const mean = measured.length === 0 ? null : measured.reduce((a, b) => a + b, 0) / measured.length;
  return {
    days: cal.working.map((i) => cal.days[i] as string),
    values: raw.map((v) => (v === null || mean === null ? null : v - mean)),
    mean,
  };
}

export interface DeveloperCorrelationInput extends CalendarEvidence {
  ai: readonly (number | null)[];
  outcome: readonly (number | null)[];
}

export interface DeveloperCorrelation {
  status: 'ok' | 'not-enough-data' | 'undefined';
  method: CorrelationMethod;
  lag: number;
  /** Working-day pairs. */
  n: number;
  /** Effective independent pairs (Pyper & Peterman 1998); null without a coefficient. */
  nEffective: number | null;
  r: number | null;
  /** atanh(r); null when r is missing or ±1. */
  z: number | null;
  /** Sampling variance of z: 1/(n* − 3) (Pearson), 1.06/(n* − 3) (Spearman); null when n* ≤ 3 or z is null. */
  zVariance: number | null;
  reason: string | null;
}

/** A series' average ranks (1-based, as serialCorrelation ranks; 0-based as simple-statistics' midranks) and their autocorrelations. */
export interface RankedSeries {
  zeroBased: number[];
  autocorrelations: number[];
}

function ranked(values: number[], memo: Map<string, RankedSeries> | undefined): RankedSeries {
  const key = memo ? values.join(',') : '';
  const hit = memo?.get(key);
  if (hit) return hit;
  const ranks = averageRanks(values);
  const r = { zeroBased: ranks.map((v) => v - 1), autocorrelations: autocorrelations(ranks, Math.floor(values.length / 5)) };
  memo?.set(key, r);
  return r;
}

/**
 * One developer's correlation of an AI series with an outcome at a lag in working days, on the same
 * calendar and pairs as the report's rows (so it equals the report's r for that developer), with a Fisher-z
 * variance from the effective sample size.
 */
export function developerCorrelation(
  input: DeveloperCorrelationInput,
  options: {
    lag: number;
    method?: CorrelationMethod;
    minPairs?: number;
    calendar?: WorkingCalendar;
    /**
     * Ranks and their autocorrelations by series values, shared across the calls of one developer: a series
     * at a lag usually has the same working-day pairs for every other series it meets.
     */
    memo?: Map<string, RankedSeries>;
  },
): DeveloperCorrelation {
  const method = options.method ?? TEST_METHOD;
  // The same calendar for every series and lag of a developer: callers looping over them pass it once.
  const cal = options.calendar ?? workingCalendar(input);
  const p = workingPairs(cal, input.ai, input.outcome, options.lag);
  const minPairs = options.minPairs ?? DEFAULT_MIN_PAIRS;
  // Spearman ranks once, for the coefficient (Pearson of the 0-based midranks: exactly simple-statistics'
  // sampleRankCorrelation) and for the effective sample size (1-based average ranks, as serialCorrelation
  // ranks them): the same numbers as correlation(…, 'spearman') and serialCorrelation(…, 'spearman').
  const ranks = method === 'spearman' && p.x.length >= minPairs ? [ranked(p.x, options.memo), ranked(p.y, options.memo)] : null;
  const stat = ranks ? correlation(ranks[0]!.zeroBased, ranks[1]!.zeroBased, 'pearson', { minPairs }) : correlation(p.x, p.y, method, { minPairs });
  const base = { method, lag: options.lag, n: stat.n };
  if (stat.status !== 'ok') return { ...base, status: stat.status, nEffective: null, r: null, z: null, zVariance: null, reason: stat.reason };
  const s = ranks ? effectiveSampleSizeOf(p.x.length, ranks[0]!.autocorrelations, ranks[1]!.autocorrelations) : serialCorrelation(p.x, p.y, method, stat.r);
  if (Math.abs(stat.r) >= 1)
    return { ...base, status: 'ok', nEffective: s.nEffective, r: stat.r, z: null, zVariance: null, reason: 'perfect correlation: Fisher z is infinite' };
  const zVariance = s.nEffective > 3 ? (method === 'spearman' ? 1.06 : 1) / (s.nEffective - 3) : null;
  return {
    ...base,
    status: 'ok',
    nEffective: s.nEffective,
    r: stat.r,
    z: Math.atanh(stat.r),
    zVariance,
    reason: zVariance === null ? `too few independent days (n* = ${s.nEffective.toFixed(1)})` : null,
  };
}
