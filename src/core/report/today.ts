import type { Store } from '../store/store';

/** Today's totals for the status bar (UTC day), straight from the event table. */
export interface TodayTotals {
  day: string;
  requests: number;
  errors: number;
  tokens: number;
  cacheTokens: number;
  costUsd: number;
  /** Requests whose model the price table does not know (cost not counted). */
  unpricedRequests: number;
  edits: number;
  acceptedEdits: number;
}

export function todayTotals(store: Store, nowMs: number): TodayTotals {
  const day = new Date(nowMs).toISOString().slice(0, 10);
  const r = store.db.exec(
    `SELECT COALESCE(SUM(kind = 'request'), 0), COALESCE(SUM(kind = 'error' OR status_code >= 400), 0),
            COALESCE(SUM(total_tokens), 0), COALESCE(SUM(COALESCE(cache_read_tokens, 0) + COALESCE(cache_write_tokens, 0)), 0),
            COALESCE(SUM(cost_usd), 0), COALESCE(SUM(kind = 'request' AND cost_source = 'unknown'), 0),
            COALESCE(SUM(kind = 'edit'), 0), COALESCE(SUM(kind = 'edit' AND accepted_flag = 1), 0)
       FROM sessions WHERE event_date = ? AND duplicate_of IS NULL`,
    [day],
  )[0]!.values[0]! as number[];
  return {
    day,
    requests: r[0]!,
    errors: r[1]!,
    tokens: r[2]!,
    cacheTokens: r[3]!,
    costUsd: r[4]!,
    unpricedRequests: r[5]!,
    edits: r[6]!,
    acceptedEdits: r[7]!,
  };
}

/** 1234 → "1.2k", 1234567 → "1.2M". */
export function compactNumber(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
  return `${(n / 1e9).toFixed(1)}B`;
}
