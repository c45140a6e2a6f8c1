import type { Database, SqlValue } from 'sql.js';

/** A table derived per UTC day from the events, recomputed for the days whose events changed. */
export interface DayAggregate {
  /**
   * Recomputes every day listed in `dirty_days` (use `IN ${DIRTY}`), in one pass rather than one query
   * per day: a bulk import dirties hundreds of days. Runs inside the caller's transaction.
   */
  refreshDays(dayCount: number): void;
}

/** SQL subquery of the days to recompute. */
export const DIRTY = '(SELECT event_date FROM dirty_days)';

/** Steps a query, handing each row to `fn`. */
export function eachRow(db: Database, sql: string, fn: (row: SqlValue[]) => void, params: SqlValue[] = []): void {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    while (stmt.step()) fn(stmt.get());
  } finally {
    stmt.free();
  }
}
