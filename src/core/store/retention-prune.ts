import type { Database } from 'sql.js';
import { shiftDay, type DayKey } from '../day';
import type { Store } from './store';
import { transaction } from './transaction';
import { databaseOf } from './database-of';

/** Tables never pruned by day: bookkeeping, not records (export_partitions records the deletions). */
const KEEP = new Set(['dirty_days', 'export_partitions']);

/** Tables with an `event_date` column, i.e. records that belong to a day. */
function dayTables(db: Database): string[] {
  const tables = (db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")[0]?.values ?? []).map((r) =>
    String(r[0]),
  );
  // table_xinfo: it lists generated columns too (sessions.event_date is one since migration 12).
  return tables.filter((t) => !KEEP.has(t) && (db.exec(`PRAGMA table_xinfo(${t})`)[0]?.values ?? []).some((c) => c[1] === 'event_date'));
}

export interface PruneResult {
  /** First day kept. */
  keptFrom: DayKey;
  /** Rows deleted per table (tables with none deleted are left out). */
  deleted: Record<string, number>;
}

/**
 * Deletes every record dated before `keepFrom` (events, metric points, dead letters, commits, pull request
 * events and the day-level tables built from them), in one transaction. Use `compact` afterwards to give
 * the space back.
 */
export function pruneBefore(store: Store, keepFrom: DayKey): PruneResult {
  const db = databaseOf(store);
  const deleted: Record<string, number> = {};
  transaction(db, () => {
    for (const t of dayTables(db)) {
      db.run(`DELETE FROM ${t} WHERE event_date < ?`, [keepFrom]);
      const n = db.getRowsModified();
      if (n) deleted[t] = n;
    }
    db.run('DELETE FROM session_index WHERE last_day < ?', [keepFrom]);
    const n = db.getRowsModified();
    if (n) deleted.session_index = n;
  });
  if (Object.keys(deleted).length) store.markDirty();
  return { keptFrom: keepFrom, deleted };
}

/** `pruneBefore` for a retention of `days` days counted back from `today` (today is day 1). */
export function pruneToRetention(store: Store, days: number, today: DayKey): PruneResult {
  if (!Number.isInteger(days) || days < 1) throw new Error(`retention must be a whole number of days ≥ 1, got ${days}`);
  return pruneBefore(store, shiftDay(today, -(days - 1)));
}

/** Rewrites the database without free pages (SQLite VACUUM); the next snapshot is smaller. */
export function compact(store: Store): { before: number; after: number } {
  const size = () => {
    const pages = databaseOf(store).exec('PRAGMA page_count')[0]!.values[0]![0] as number;
    const pageSize = databaseOf(store).exec('PRAGMA page_size')[0]!.values[0]![0] as number;
    return pages * pageSize;
  };
  const before = size();
  databaseOf(store).exec('VACUUM');
  store.markDirty();
  return { before, after: size() };
}
