import { createHash } from 'node:crypto';
import { buildDailySeries } from '../store/series-reader';
import { firstDataDay } from '../store/report-reader';
import { analyzeReportSeries, PRESENCE_SERIES, type AnalysisOptions } from '../report/correlations';
import { presenceByDay } from '../store/presence-repo';
import type { Store } from '../store/store';

/** One lagged correlation as exported (the `_aggregates/correlations` dataset, docs/export.md). */
export interface CorrelationExportRow {
  /** Identifies the analysis run (filter and options): the first 16 hex of a SHA-256 of its cache key. */
  analysis: string;
  /** The analysis filter as JSON (`since`, `until`, `repo`, `developer`, `source`, …). */
  filter: string;
  /** `YYYY-MM-DD`, inclusive. */
  since: string | null;
  until: string | null;
  x_series: string;
  y_series: string;
  lag_days: number;
  method: string;
  n: number;
  r: number | null;
  p_value: number | null;
  p_adjusted: number | null;
  ci_low: number | null;
  ci_high: number | null;
  status: string;
  reading: string | null;
  min_pairs: number | null;
  /** ISO 8601 UTC. */
  computed_at: string;
}

/** Where the exporter gets correlation results; the default computes them for the export's own scope. */
export interface CorrelationSource {
  rows(store: Store, scope: CorrelationScope): CorrelationExportRow[];
}

/** What the export covers: its period (inclusive days; open ends = all data through today) and when it runs. */
export interface CorrelationScope {
  since?: string;
  until?: string;
  nowMs: number;
}

/**
 * The report's analysis run on the export's own scope when the export runs (issue 13 §5): every
 * developer and repository of this database, the export's since/until read as the developer's local days
 * (the store's zone), the same working calendar, method, family and options as the report — never what the
 * report cache last held for some other filter. Nothing is cached or written.
 */
export function scopeCorrelationSource(options: AnalysisOptions = {}): CorrelationSource {
  return {
    rows(store, scope) {
      const zone = store.zone;
      const until = scope.until ?? zone.dayOf(scope.nowMs);
      const since = scope.since ?? firstDataDay(store, zone) ?? until;
      if (since > until) return [];
      const current = buildDailySeries(store, { since, until, zone });
      const activeMinutes = presenceByDay(store, zone, since, until);
      const lags = options.lags ?? [0, 1, 2, 3];
      const minPairs = options.minPairs ?? 6;
      const { correlations } = analyzeReportSeries(current.days, { ...current.series, [PRESENCE_SERIES]: activeMinutes }, { lags, minPairs });
      const filter = { since, until, repo: null, developer: null, source: null, timeZone: zone.timeZone, lags, minPairs };
      const analysis = createHash('sha256').update(JSON.stringify(filter)).digest('hex').slice(0, 16);
      const computedAt = new Date(scope.nowMs).toISOString();
      return correlations.rows.map((r) => ({
        analysis,
        filter: JSON.stringify(filter),
        since,
        until,
        x_series: r.ai,
        y_series: r.outcome,
        lag_days: r.lag,
        method: r.method,
        n: r.n,
        r: r.r,
        p_value: r.p,
        p_adjusted: r.pAdjusted,
        ci_low: r.ciLow,
        ci_high: r.ciHigh,
        status: r.status,
        reading: r.reading ?? null,
        min_pairs: minPairs,
        computed_at: computedAt,
      }));
    },
  };
}
