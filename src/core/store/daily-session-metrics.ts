import type { Database } from 'sql.js';
import type { DayAggregate } from './day-aggregate';

/**
 * Maintains `daily_session_metrics` (per UTC day and developer) incrementally: only days listed in
 * `dirty_days` (marked in the same transaction as the events that changed them) are recomputed.
 *
 * Definitions: session_count = distinct non-null session ids; request_count = request events;
 * total_tokens and cost_usd = sums over all events; accepted_count = events with accepted_flag = 1;
 * error_count = error events or status ≥ 400; median_latency_ms = exact median over request and error
 * events with a latency (SQLite has no median: a sorted scan of the covering index, picked in JS).
 * Rows repeating another channel's record (duplicate_of set) are excluded.
 */
export class DailySessionMetrics implements DayAggregate {
  constructor(private readonly db: Database) {}

  refreshDays(days: string[]): void {
    const sums = this.db.prepare(
      `SELECT developer_id, COUNT(DISTINCT session_id), SUM(kind = 'request'), COALESCE(SUM(total_tokens), 0),
              COALESCE(SUM(accepted_flag = 1), 0), COALESCE(SUM(kind = 'error' OR status_code >= 400), 0),
              COALESCE(SUM(cost_usd), 0)
         FROM sessions WHERE event_date = ? AND duplicate_of IS NULL GROUP BY developer_id`,
    );
    const lat = this.db.prepare(
      `SELECT developer_id, latency_ms FROM sessions
        WHERE event_date = ? AND latency_ms IS NOT NULL AND kind IN ('request', 'error') AND duplicate_of IS NULL
        ORDER BY developer_id, latency_ms`,
    );
    const del = this.db.prepare('DELETE FROM daily_session_metrics WHERE event_date = ?');
    const ins = this.db.prepare(
      `INSERT INTO daily_session_metrics (event_date, developer_id, session_count, request_count, total_tokens,
         accepted_count, error_count, median_latency_ms, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    try {
      for (const day of days) {
        const medians = new Map<string | null, number>();
        lat.bind([day]);
        let dev: string | null | undefined;
        let values: number[] = [];
        const close = () => {
          if (dev !== undefined && values.length) medians.set(dev, median(values));
        };
        while (lat.step()) {
          const [d, v] = lat.get() as [string | null, number];
          if (d !== dev) {
            close();
            dev = d;
            values = [];
          }
          values.push(v);
        }
        close();
        lat.reset();
        del.run([day]);
        sums.bind([day]);
        while (sums.step()) {
          const [d, sessions, requests, tokens, accepted, errors, cost] = sums.get() as [string | null, number, number, number, number, number, number];
          ins.run([day, d, sessions, requests ?? 0, tokens, accepted, errors, medians.get(d) ?? null, cost]);
        }
        sums.reset();
      }
    } finally {
      for (const s of [sums, lat, del, ins]) s.free();
    }
  }
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
