import { createHash } from 'node:crypto';
import { analyzeWorkingDays, CHECK_METHOD, TEST_METHOD, type NamedSeries, type WorkingAnalysis } from '../analyze/working-analysis';
import type { AiSeriesKey, OutcomeSeriesKey } from '../analyze/series';
import type { CorrelationRow, EffectRow, ReportModel } from './model';
import { readCorrelationCache, writeCorrelationCache } from '../store/correlation-cache-repo';
import type { Store } from '../store/store';

/** Which AI series are tested against which outcomes (every combination, every lag). */
export const CORRELATED_AI: readonly AiSeriesKey[] = ['requests', 'total_tokens', 'accepted_lines', 'acceptance_rate'];
export const CORRELATED_OUTCOMES: readonly OutcomeSeriesKey[] = ['commits', 'lines_changed', 'merged_prs', 'merge_hours', 'reopened_prs'];

/** Series whose positive values show a working day (PLAN decision 3): AI use of any kind, and commits. */
export const AI_EVIDENCE: readonly string[] = ['requests', 'insertions', 'agent_edits', 'sessions'];
export const OUTCOME_EVIDENCE: readonly string[] = ['commits'];
/** Editor active minutes per day, when a presence tracker recorded them (absent or all null otherwise). */
export const PRESENCE_SERIES = 'active_minutes';

/** How p-values are made; named in the report and in docs/report.md. */
export const P_VALUE_METHOD = 'effective sample size, Pyper & Peterman 1998';

export interface AnalysisOptions {
  /** Lags in working days (outcome k working days after AI); default 0–3. */
  lags?: number[];
  /** Fewest working days with both values for a coefficient; default 6. */
  minPairs?: number;
}

/** Entries kept in correlation_cache (oldest removed first). */
const CACHE_LIMIT = 200;
/** Bumped when the cached result's shape or meaning changes, so old entries are recomputed. */
const CACHE_VERSION = 2;

type AnySeries = Readonly<Partial<Record<string, ReadonlyArray<number | null>>>>;

/**
 * The report's correlations and effects from its daily series — the one code path the report, the export
 * and the calibration test (test/unit/calibration/) share. Series that do not exist (e.g. `active_minutes`
 * before presence tracking) are simply absent.
 */
export function analyzeReportSeries(
  days: readonly string[],
  series: AnySeries,
  options: AnalysisOptions = {},
): { correlations: ReportModel['correlations']; effects: EffectRow[] } {
  const pick = (keys: readonly string[]) =>
    keys.flatMap((key): NamedSeries[] => (series[key] ? [{ key, values: series[key] as ReadonlyArray<number | null> }] : []));
  const a = analyzeWorkingDays(
    {
      days,
      ai: pick(CORRELATED_AI),
      outcomes: pick(CORRELATED_OUTCOMES),
      presence: series[PRESENCE_SERIES] ?? null,
      aiEvidence: pick(AI_EVIDENCE).map((s) => s.values),
      outcomeEvidence: pick(OUTCOME_EVIDENCE).map((s) => s.values),
    },
    { lags: options.lags ?? [0, 1, 2, 3], minPairs: options.minPairs ?? 6 },
  );
  const rows: CorrelationRow[] = a.rows.map((r) => ({
    ai: r.ai as AiSeriesKey,
    outcome: r.outcome as OutcomeSeriesKey,
    method: r.method,
    role: r.role,
    lag: r.lag,
    n: r.n,
    nEffective: r.nEffective,
    r: r.r,
    ciLow: r.ci?.lower ?? null,
    ciHigh: r.ci?.upper ?? null,
    p: r.p,
    pAdjusted: r.pAdjusted,
    status: r.status,
    reading: r.reading,
  }));
  const effects: EffectRow[] = a.effects.map((e) => ({
    ai: e.ai as AiSeriesKey,
    outcome: e.outcome as OutcomeSeriesKey,
    lag: e.lag,
    nHigh: e.high?.n ?? 0,
    nLow: e.low?.n ?? 0,
    meanHigh: e.high?.mean ?? null,
    meanLow: e.low?.mean ?? null,
    difference: e.difference,
    differenceLow: e.differenceCi?.lower ?? null,
    differenceHigh: e.differenceCi?.upper ?? null,
    cohensD: e.d,
    dLow: e.dCi?.lower ?? null,
    dHigh: e.dCi?.upper ?? null,
    changePct: e.percentChange,
    changeLow: e.percentCi?.lower ?? null,
    changeHigh: e.percentCi?.upper ?? null,
    nEffective: e.nEffective,
    reading: effectReading(e),
  }));
  const calendar = { days: a.calendar.days, workingDays: a.calendar.workingDays, basis: a.calendar.basis, presenceDays: a.calendar.presenceDays };
  return {
    correlations: {
      lags: a.lags,
      minPairs: a.minPairs,
      tested: a.familySize,
      rows,
      cached: false,
      calendar,
      method: { test: TEST_METHOD, check: CHECK_METHOD, pValue: P_VALUE_METHOD, adjustment: 'benjamini-hochberg', familySize: a.familySize, alpha: a.alpha },
      untested: a.untested,
      summary: summarize(a),
    },
    effects,
  };
}

/** "62 working days of 90 (editor presence, AI use or commits); Spearman on working days, …; BH over 80 tests". */
export function summarize(a: WorkingAnalysis): string {
  const basis = a.calendar.basis === 'presence' ? 'editor presence, AI use or commits' : 'AI use or commits; no editor presence data';
  const name = (m: string) => m[0]!.toUpperCase() + m.slice(1);
  return (
    `${a.calendar.workingDays} working days of ${a.calendar.days} (${basis}); ` +
    `${name(TEST_METHOD)} on working days, p corrected for autocorrelation (${P_VALUE_METHOD}); ` +
    `Benjamini–Hochberg over ${a.familySize} tests; ${name(CHECK_METHOD)} shown as a check, not tested`
  );
}

function effectReading(e: WorkingAnalysis['effects'][number]): string {
  if (e.status !== 'ok') return e.status === 'undefined' ? `undefined: ${e.reason}` : e.reason;
  const ci = e.differenceCi ? ` [${signed(e.differenceCi.lower)}, ${signed(e.differenceCi.upper)}]` : '';
  const diff = e.difference === null ? '' : `${signed(e.difference)}${ci} per working day`;
  const pct = e.percentChange === null ? '' : ` (${signed(e.percentChange, 0)}%)`;
  return `${diff}${pct} on high-AI days, ${e.lag === 0 ? 'same day' : `${e.lag} working day${e.lag === 1 ? '' : 's'} later`}`;
}

function signed(v: number, digits = 2): string {
  const t = Math.abs(v).toFixed(digits);
  return Number(t) === 0 ? t : `${v > 0 ? '+' : '-'}${t}`;
}

/**
 * Lagged correlations and effect sizes for the report, cached in `correlation_cache` under the filter and
 * options with a fingerprint of the input series: an unchanged store reuses the stored result, and any new
 * data on a covered day changes the fingerprint and so recomputes.
 */
export function correlationsSection(
  store: Store,
  cacheKey: unknown,
  days: string[],
  series: AnySeries,
  options: AnalysisOptions,
  nowIso: string,
): { correlations: ReportModel['correlations']; effects: EffectRow[]; cacheWrite: boolean } {
  const lags = options.lags ?? [0, 1, 2, 3];
  const minPairs = options.minPairs ?? 6;
  const inputs = [...new Set([...CORRELATED_AI, ...CORRELATED_OUTCOMES, ...AI_EVIDENCE, ...OUTCOME_EVIDENCE, PRESENCE_SERIES])];
  const key = JSON.stringify({ v: CACHE_VERSION, cacheKey, lags, minPairs, ai: CORRELATED_AI, outcomes: CORRELATED_OUTCOMES });
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([days, ...inputs.map((k) => series[k] ?? null)]))
    .digest('hex');
  const hit = readCorrelationCache(store, key, fingerprint);
  if (hit !== null) {
    const cached = JSON.parse(hit) as { correlations: ReportModel['correlations']; effects: EffectRow[] };
    return { correlations: { ...cached.correlations, cached: true }, effects: cached.effects, cacheWrite: false };
  }
  const { correlations, effects } = analyzeReportSeries(days, series, { lags, minPairs });
  // Entries of an older analysis (another result shape, calendar-day statistics) are never read again.
  writeCorrelationCache(
    store,
    { key, fingerprint, computedAt: nowIso, result: JSON.stringify({ correlations, effects }) },
    `{"v":${CACHE_VERSION},`,
    CACHE_LIMIT,
  );
  return { correlations, effects, cacheWrite: true };
}
