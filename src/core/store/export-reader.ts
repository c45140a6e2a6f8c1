import type { SqlValue, Statement } from 'sql.js';
import type { DatasetSpec } from '../export/datasets';
import { dayPartitionValue, partitionValue } from '../export/paths';
import type { ExportFilter } from '../export/plan';
import type { Store } from './store';
import { databaseOf } from './database-of';

/** Receives a partition's rows (row arrays as sql.js returns them, laid out by `selectList`). */
export interface RowSink {
  rows: number;
  add(row: readonly unknown[]): void;
}

/** The rows of one output file: a partition, or one slice of a very large one. */
export interface PartitionBatch<S extends RowSink> {
  dayKey: string | null;
  repoKey: string | null;
  /** File index within the partition (0 unless the partition exceeded `maxRowsPerFile`). */
  part: number;
  /** Whether the partition took more than one file. */
  sliced: boolean;
  /** Rowid of the partition's last row (append-only datasets, read in rowid order). */
  lastRowid?: number;
  sink: S;
}

/** Which partitions to read: per partition day, its raw days and the repository keys wanted (null: all). */
export type Selection = Map<string | null, { rawDays: string[]; repoKeys: Set<string | null> | null }>;

export interface ReadOptions<S extends RowSink> {
  deviceId: string;
  /** Per spec column, values SQLite should return as their index (see `ColumnSpec.known`). */
  known?: ReadonlyArray<readonly string[] | null>;
  /** Raw repository slug to keep (the --repo filter), pushed into SQL. */
  repoSlug?: string;
  maxRowsPerFile: number;
  /** A new sink for a partition whose raw day is `day`. */
  newSink(day: string | null, capacityHint: number): S;
}

const MAX_KNOWN = 64;
const MAX_CAPACITY_HINT = 8192;

/** Resolves each column's `known` values for this export (null: none, or too many to be worth it). */
export function resolveKnown(store: Store, spec: DatasetSpec): Array<readonly string[] | null> {
  const db = databaseOf(store);
  return spec.columns.map((c) => {
    if (!c.known) return null;
    if (typeof c.known !== 'string') return c.known;
    // Small tables that already list them (refreshed with daily_session_metrics); any list is correct, a
    // value missing from it just crosses as a string.
    const sql =
      c.known === 'repositories'
        ? `SELECT DISTINCT repo_slug FROM daily_activity WHERE repo_slug IS NOT NULL LIMIT ${MAX_KNOWN + 1}`
        : `SELECT DISTINCT developer_id FROM daily_session_metrics WHERE developer_id IS NOT NULL LIMIT ${MAX_KNOWN + 1}`;
    let values: string[];
    try {
      values = (db.exec(sql)[0]?.values ?? []).map((r) => r[0] as string);
    } catch {
      return null;
    }
    return values.length && values.length <= MAX_KNOWN ? values : null;
  });
}

/**
 * The SQL select list of a dataset and the index of each spec column in the row arrays (`-1` = filled by
 * the exporter only). Rows start with the raw day and the raw repository slug; an expression is selected
 * once even if two columns use it (each string crossing from sql.js costs a UTF-8 decode).
 */
export function selectList(spec: DatasetSpec): { exprs: string[]; index: number[] } {
  const exprs = [spec.dayExpr ?? 'NULL', spec.repoExpr ?? 'NULL'];
  const index = spec.columns.map((c) => {
    if (c.fill && !c.sql) return -1;
    const e = c.sql ?? c.name;
    const at = exprs.indexOf(e, 1);
    if (at >= 1) return at;
    exprs.push(e);
    return exprs.length - 1;
  });
  return { exprs, index };
}

/** Index of each spec column in the row arrays (see `selectList`). */
export function selectedColumns(spec: DatasetSpec): number[] {
  return selectList(spec).index;
}

/**
 * Reads the selected partitions of a table-backed dataset, one partition day at a time (bounded memory),
 * feeding each row to its partition's sink and yielding sinks in a stable order. Append-mostly tables are
 * read by scanning the rowid range of each day (sequential, ~2x cheaper than a lookup per row through the
 * day index); when a day's rows are scattered (late imports of old history) the day index is used instead.
 */
export function* readPartitions<S extends RowSink>(store: Store, spec: DatasetSpec, selection: Selection, opts: ReadOptions<S>): Generator<PartitionBatch<S>> {
  const db = databaseOf(store);
  const { exprs, index } = selectList(spec);
  // Known values come back as their index: `CASE e WHEN $k3_0 THEN 0 … ELSE e END`.
  const knownAt: Array<readonly string[] | null> = exprs.map(() => null);
  const knownParams: Record<string, SqlValue> = {};
  index.forEach((at, j) => {
    const k = opts.known?.[j];
    if (at < 1 || !k || knownAt[at]) return;
    knownAt[at] = k;
    k.forEach((v, n) => (knownParams[`$k${at}_${n}`] = v));
  });
  const select = exprs.map((e, at) => (knownAt[at] ? `CASE ${e} ${knownAt[at]!.map((_, n) => `WHEN $k${at}_${n} THEN ${n}`).join(' ')} ELSE ${e} END` : e));
  const repoFilter = opts.repoSlug !== undefined && spec.repoExpr ? ` AND ${spec.repoExpr} = $repo` : '';
  // sql.js skips names a statement does not use, so every statement gets the same extras.
  const params = (extra: Record<string, SqlValue>): Record<string, SqlValue> => ({
    ...extra,
    ...knownParams,
    $device: opts.deviceId,
    $repo: opts.repoSlug ?? null,
  });
  const repoKnown = knownAt[1];
  const repoKeyCache = new Map<string | number | null, string>();
  const repoKeyOf = (raw: string | number | null): string => {
    let k = repoKeyCache.get(raw);
    if (k === undefined) repoKeyCache.set(raw, (k = partitionValue(typeof raw === 'number' && repoKnown ? repoKnown[raw]! : (raw as string | null))));
    return k;
  };

  if (spec.read === 'all') {
    const stmt = db.prepare(`SELECT ${select.join(', ')} FROM ${spec.table} WHERE 1 = 1${repoFilter} ORDER BY ${spec.orderBy}`);
    const groups = new Map<string, PartitionBatch<S>>();
    const full: PartitionBatch<S>[] = [];
    try {
      stmt.bind(params({}));
      while (stmt.step()) {
        const row = stmt.get();
        const rawDay = row[0] as string | null;
        const dayKey = spec.dayExpr ? dayPartitionValue(rawDay) : null;
        const wanted = selection.get(dayKey);
        if (!wanted) continue;
        const repoKey = spec.repoExpr ? repoKeyOf(row[1] as string | number | null) : null;
        if (wanted.repoKeys && !wanted.repoKeys.has(repoKey)) continue;
        const k = `${dayKey}\u0000${repoKey}`;
        let g = groups.get(k);
        if (!g) groups.set(k, (g = { dayKey, repoKey, part: 0, sliced: false, sink: opts.newSink(rawDay, 64) }));
        g.sink.add(row);
        if (g.sink.rows === opts.maxRowsPerFile) {
          g.sliced = true;
          full.push(g);
          groups.set(k, { dayKey, repoKey, part: g.part + 1, sliced: true, sink: opts.newSink(rawDay, 64) });
        }
      }
    } finally {
      stmt.free();
    }
    yield* [...full, ...[...groups.values()].filter((g) => g.sink.rows > 0)].sort(compareBatches);
    return;
  }

  // The day is known per query: not selecting it saves a string per row. Append-only tables also give
  // each row's rowid (last column): a partition's last rowid is part of its fingerprint.
  const rowidAt = spec.read === 'range' ? select.length : -1;
  const cols = ['NULL', ...select.slice(1), ...(rowidAt > 0 ? ['rowid'] : [])].join(', ');
  const rangeStmt = db.prepare(`SELECT min(rowid), max(rowid), count(*) FROM ${spec.table} WHERE ${spec.dayExpr} = $day`);
  // `+` keeps SQLite on the rowid range instead of the day index, so the table is read sequentially.
  const byRange =
    spec.read === 'range'
      ? db.prepare(`SELECT ${cols} FROM ${spec.table} WHERE rowid BETWEEN $lo AND $hi AND +${spec.dayExpr} = $day${repoFilter} ORDER BY rowid`)
      : undefined;
  const byIndex = db.prepare(`SELECT ${cols} FROM ${spec.table} WHERE ${spec.dayExpr} = $day${repoFilter} ORDER BY ${spec.orderBy}`);
  try {
    for (const dayKey of [...selection.keys()].sort(compareNullable)) {
      const wanted = selection.get(dayKey)!;
      const groups = new Map<string | null, PartitionBatch<S>>();
      for (const rawDay of wanted.rawDays) {
        const stmt = chooseStatement(rangeStmt, byRange, byIndex, rawDay);
        if (!stmt) continue;
        // Sized for the whole day so buffers rarely grow; trimmed when the file is encoded.
        const hint = Math.min(stmt.count, opts.maxRowsPerFile, MAX_CAPACITY_HINT);
        try {
          stmt.statement.bind(params(stmt.params));
          while (stmt.statement.step()) {
            const row = stmt.statement.get();
            const repoKey = spec.repoExpr ? repoKeyOf(row[1] as string | number | null) : null;
            let g = groups.get(repoKey);
            if (!g) {
              if (wanted.repoKeys && !wanted.repoKeys.has(repoKey)) continue;
              groups.set(repoKey, (g = { dayKey, repoKey, part: 0, sliced: false, sink: opts.newSink(rawDay, hint) }));
            }
            g.sink.add(row);
            if (rowidAt > 0) g.lastRowid = row[rowidAt] as number;
            if (g.sink.rows === opts.maxRowsPerFile) {
              g.sliced = true;
              yield g;
              groups.set(repoKey, { dayKey, repoKey, part: g.part + 1, sliced: true, sink: opts.newSink(rawDay, hint) });
            }
          }
        } finally {
          stmt.statement.reset();
        }
      }
      yield* [...groups.values()].filter((g) => g.sink.rows > 0).sort(compareBatches);
    }
  } finally {
    rangeStmt.free();
    byRange?.free();
    byIndex.free();
  }
}

/** The rowid-range scan when the day's rows are dense enough in rowid order, else the day index. */
function chooseStatement(
  rangeStmt: Statement,
  byRange: Statement | undefined,
  byIndex: Statement,
  day: string,
): { statement: Statement; params: Record<string, SqlValue>; count: number } | null {
  rangeStmt.bind({ $day: day });
  rangeStmt.step();
  const [lo, hi, count] = rangeStmt.get() as [number | null, number | null, number];
  rangeStmt.reset();
  if (!count || lo === null || hi === null) return null;
  // Scanning up to 4 foreign rows per wanted row is still cheaper than one index lookup per row.
  if (byRange && hi - lo + 1 <= count * 4 + 1000) return { statement: byRange, params: { $lo: lo, $hi: hi, $day: day }, count };
  return { statement: byIndex, params: { $day: day }, count };
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function compareBatches(a: PartitionBatch<RowSink>, b: PartitionBatch<RowSink>): number {
  return compareNullable(a.dayKey, b.dayKey) || compareNullable(a.repoKey, b.repoKey) || a.part - b.part;
}

/** The partition version counters of a dataset (export_partitions, maintained by triggers), filtered. */
export function partitionVersions(store: Store, spec: DatasetSpec, filter: ExportFilter): Array<[string, string, number]> {
  const where = ['dataset = $dataset'];
  const params: Record<string, string> = { $dataset: spec.name };
  if (filter.since) {
    where.push('event_date >= $since');
    params.$since = filter.since;
  }
  if (filter.until) {
    where.push('event_date <= $until');
    params.$until = filter.until;
  }
  if (filter.repo !== undefined) {
    where.push('repo_slug = $repo');
    params.$repo = filter.repo;
  }
  const res = databaseOf(store).exec(
    `SELECT event_date, repo_slug, version FROM export_partitions WHERE ${where.join(' AND ')} ORDER BY event_date, repo_slug`,
    params,
  );
  return (res[0]?.values ?? []) as Array<[string, string, number]>;
}

/** Per raw day of an append-only dataset in the filter's days: its max rowid and row count (from the day index). */
export function daySignatures(store: Store, spec: DatasetSpec, filter: ExportFilter): Array<[string, number, number]> {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (filter.since) {
    where.push(`${spec.dayExpr} >= $since`);
    params.$since = filter.since;
  }
  if (filter.until) {
    where.push(`${spec.dayExpr} <= $until`);
    params.$until = filter.until;
  }
  const res = databaseOf(store).exec(
    `SELECT ${spec.dayExpr}, max(rowid), count(*) FROM ${spec.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY 1`,
    params,
  );
  return (res[0]?.values ?? []) as Array<[string, number, number]>;
}
