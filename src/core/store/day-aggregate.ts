import type { Database, SqlValue } from 'sql.js';

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
