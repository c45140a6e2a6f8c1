import { createHash } from 'node:crypto';
import type { Database } from 'sql.js';
import { correlateMany, effectSize, type SeriesPair } from '../analyze';
import type { AiSeriesKey, OutcomeSeriesKey, Series } from '../analyze/series';
import { SERIES_INFO } from './definitions';
import type { CorrelationRow, EffectRow, ReportModel } from './model';

/** Which AI series are tested against which outcomes (every combination, every lag). */
export const CORRELATED_AI: readonly AiSeriesKey[] = ['requests', 'total_tokens', 'accepted_lines', 'acceptance_rate'];
export const CORRELATED_OUTCOMES: readonly OutcomeSeriesKey[] = ['commits', 'lines_changed', 'merged_prs', 'merge_hours', 'reopened_prs'];

export interface AnalysisOptions {
  /** Lags in days (outcome k days after AI); default 0–3. */
  lags?: number[];
  /** Fewest days with both values for a coefficient; default 6. */
  minPairs?: number;
}

/** Entries kept in correlation_cache (oldest removed first). */
const CACHE_LIMIT = 200;

/**
 * Lagged correlations and effect sizes for the report, cached in `correlation_cache` under the filter and
 * options with a fingerprint of the input series: an unchanged store reuses the stored result, and any new
 * data on a covered day changes the fingerprint and so recomputes.
 */
export function correlationsSection(
  db: Database,
  cacheKey: unknown,
  days: string[],
  series: Series,
  options: AnalysisOptions,
  nowIso: string,
): { correlations: ReportModel['correlations']; effects: EffectRow[]; cacheWrite: boolean } {
  const lags = options.lags ?? [0, 1, 2, 3];
  const minPairs = options.minPairs ?? 6;
  const key = JSON.stringify({ v: 1, cacheKey, lags, minPairs, ai: CORRELATED_AI, outcomes: CORRELATED_OUTCOMES });
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([days, ...CORRELATED_AI.map((k) => series[k]), ...CORRELATED_OUTCOMES.map((k) => series[k])]))
    .digest('hex');
  const hit = db.exec('SELECT fingerprint, result FROM correlation_cache WHERE key = ?', [key])[0]?.values[0];
  if (hit && hit[0] === fingerprint) {
    const cached = JSON.parse(hit[1] as string) as { correlations: ReportModel['correlations']; effects: EffectRow[] };
    return { correlations: { ...cached.correlations, cached: true }, effects: cached.effects, cacheWrite: false };
  }

  const pairs: SeriesPair[] = [];
  for (const ai of CORRELATED_AI) {
    for (const outcome of CORRELATED_OUTCOMES) {
      pairs.push({ ai, outcome, aiSeries: { days, values: series[ai] }, outcomeSeries: { days, values: series[outcome] } });
    }
  }
  const res = correlateMany(pairs, { lags, minPairs });
  if (!res.ok) throw new Error(`correlations: ${res.reason}`);
  const rows: CorrelationRow[] = res.value.map((c) => ({
    ai: c.ai as AiSeriesKey,
    outcome: c.outcome as OutcomeSeriesKey,
    method: c.method,
    lag: c.lag,
    n: c.n,
    r: c.r,
    ciLow: c.ci?.lower ?? null,
    ciHigh: c.ci?.upper ?? null,
    p: c.p,
    pAdjusted: c.pAdjusted,
    status: c.status,
    reading: c.reading,
  }));
  const label = (k: string) => SERIES_INFO.find((s) => s.key === k)?.label.toLowerCase() ?? k;
  const effects: EffectRow[] = pairs.map((p) => {
    const e = effectSize(p.aiSeries, p.outcomeSeries, { minPairs, label: label(p.outcome) });
    if (!e.ok) throw new Error(`effect size: ${e.reason}`);
    const v = e.value;
    return {
      ai: p.ai as AiSeriesKey,
      outcome: p.outcome as OutcomeSeriesKey,
      nHigh: v.high?.n ?? 0,
      nLow: v.low?.n ?? 0,
      meanHigh: v.high?.mean ?? null,
      meanLow: v.low?.mean ?? null,
      cohensD: v.d,
      changePct: v.percentChange,
      reading: v.reading,
    };
  });
  const correlations = { lags, minPairs, tested: rows.filter((r) => r.p !== null).length, rows, cached: false };
  db.run(
    `INSERT INTO correlation_cache (key, fingerprint, computed_at, result) VALUES (?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint, computed_at = excluded.computed_at, result = excluded.result`,
    [key, fingerprint, nowIso, JSON.stringify({ correlations, effects })],
  );
  db.run(`DELETE FROM correlation_cache WHERE key NOT IN (SELECT key FROM correlation_cache ORDER BY computed_at DESC LIMIT ${CACHE_LIMIT})`);
  return { correlations, effects, cacheWrite: true };
}
