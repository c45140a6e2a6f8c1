import type { Store } from '../store/store';

/**
 * One correlation result as exported (the `_aggregates/correlations` dataset). The analysis fills every
 * field it has; the rest stay null.
 */
export interface CorrelationRow {
  key: string;
  x_series: string | null;
  y_series: string | null;
  lag_days: number | null;
  method: string | null;
  n: number | null;
  r: number | null;
  p_value: number | null;
  p_adjusted: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** `YYYY-MM-DD`. */
  since: string | null;
  until: string | null;
  /** ISO 8601 UTC. */
  computed_at: string | null;
  /** The full result as JSON text. */
  result: string | null;
}

/** Where the exporter gets correlation results: the analysis plugs its own in; the default reads the cache. */
export interface CorrelationSource {
  rows(store: Store): CorrelationRow[];
}

/**
 * Reads `correlation_cache` (key, fingerprint, computed_at, result JSON). Fields of the result object that
 * carry the columns' names (or the usual short names: x, y, lag, p, …) fill the typed columns; the whole
 * JSON is kept in `result`. A result that is a list of correlations gives one row each, keyed `key#i`.
 */
export const cacheCorrelationSource: CorrelationSource = {
  rows(store) {
    const res = store.db.exec('SELECT key, computed_at, result FROM correlation_cache ORDER BY key');
    const out: CorrelationRow[] = [];
    for (const [key, computedAt, result] of (res[0]?.values ?? []) as Array<[string, string, string]>) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(result);
      } catch {
        parsed = null;
      }
      const items = Array.isArray(parsed) ? parsed : isRecord(parsed) && Array.isArray(parsed.correlations) ? parsed.correlations : [parsed];
      items.forEach((item: unknown, i: number) => {
        const o = isRecord(item) ? item : {};
        out.push({
          key: items.length > 1 ? `${key}#${i}` : key,
          x_series: str(o.x_series ?? o.x),
          y_series: str(o.y_series ?? o.y),
          lag_days: int(o.lag_days ?? o.lag),
          method: str(o.method),
          n: int(o.n),
          r: num(o.r),
          p_value: num(o.p_value ?? o.p),
          p_adjusted: num(o.p_adjusted ?? o.p_bh ?? o.q),
          ci_low: num(o.ci_low ?? (Array.isArray(o.ci) ? o.ci[0] : undefined)),
          ci_high: num(o.ci_high ?? (Array.isArray(o.ci) ? o.ci[1] : undefined)),
          since: str(o.since),
          until: str(o.until),
          computed_at: computedAt,
          result: items.length > 1 ? JSON.stringify(item) : result,
        });
      });
    }
    return out;
  },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
