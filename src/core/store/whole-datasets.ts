import type { SqlValue } from 'sql.js';
import { databaseOf } from './database-of';
import type { Store } from './store';

/** What the export reads for an unpartitioned `_aggregates` dataset (src/core/export/datasets.ts `whole`). */
export interface WholeQuery {
  /** The table or subquery, with `$where` standing for the filter. */
  table: string;
  /** The select list (the export's row layout). */
  select: readonly string[];
  orderBy: string;
  dayExpr: string;
  repoExpr: string;
}

/**
 * Every row of a whole dataset, in the export's row layout, restricted to the export's inclusive UTC days
 * and repository. `$device` is the exporting device (for rows that name no device).
 */
export function readWholeRows(store: Store, q: WholeQuery, filter: { since?: string; until?: string; repo?: string }, deviceId: string): unknown[][] {
  const db = databaseOf(store);
  const where = ['1 = 1'];
  const params: Record<string, SqlValue> = {};
  if (filter.since) {
    where.push(`${q.dayExpr} >= $since`);
    params.$since = filter.since;
  }
  if (filter.until) {
    where.push(`${q.dayExpr} <= $until`);
    params.$until = filter.until;
  }
  if (filter.repo !== undefined) {
    where.push(`${q.repoExpr} = $repo`);
    params.$repo = filter.repo;
  }
  const table = q.table.replace('$where', where.join(' AND '));
  if (table.includes('$device')) params.$device = deviceId;
  const stmt = db.prepare(`SELECT ${q.select.join(', ')} FROM ${table} AS whole ORDER BY ${q.orderBy}`);
  const rows: unknown[][] = [];
  try {
    stmt.bind(params);
    while (stmt.step()) rows.push(stmt.get());
  } finally {
    stmt.free();
  }
  return rows;
}
