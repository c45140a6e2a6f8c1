import type { Database, SqlValue, Statement } from 'sql.js';
import type { DayZone } from '../day';
import type { AiEvent, Batch, IngestResult, MetricPoint } from '../model';
import { stableHash } from '../normalize/hash';
import { EVENT_COLUMNS, GENERATED_EVENT_COLUMNS, METRIC_COLUMNS } from './schema';
import { sealDeadLetter } from './dead-letters';
import type { DayRollups } from './day-rollups';
import { transaction } from './transaction';
import { chunkRows } from './chunk-rows';

/** Columns written (the generated ones are computed by SQLite from ts_ms), and their positions in an event row. */
const STORED = EVENT_COLUMNS.filter((c) => !GENERATED_EVENT_COLUMNS.has(c));
const STORED_INDEX = STORED.map((c) => EVENT_COLUMNS.indexOf(c));
/** Columns compared to decide whether a re-sent event changed (everything but bookkeeping). */
const COMPARED = STORED.filter((c) => c !== 'trace_hash' && c !== 'device_id');
const COMPARED_INDEX = COMPARED.map((c) => EVENT_COLUMNS.indexOf(c));
const EVENT_DEVICE = EVENT_COLUMNS.indexOf('device_id');
const METRIC_DEVICE = METRIC_COLUMNS.indexOf('device_id');
const EVENT_DATE = EVENT_COLUMNS.indexOf('event_date');
/** Rowids from which SQLite may pick new ones at random instead of the largest + 1 (far above any real table). */
const MAX_ORDERED_ROWID = 2 ** 52;
/** Rows per multi-row INSERT: fewer statement executions, a third less time than one row at a time. */
const CHUNK = 64;

/**
 * Writes batches in one transaction with prepared statements: events are inserted unless their
 * trace_hash exists; an existing row is updated only when its content differs (a later editor checkpoint),
 * so re-ingesting identical input changes nothing and is counted as duplicates.
 */
export class EventWriter {
  private stmts:
    | {
        begin: Statement;
        rollback: Statement;
        maxId: Statement;
        insertedSince: Statement;
        update: Statement;
        metric: Statement;
        letter: Statement;
        day: Statement;
        status: Statement;
      }
    | undefined;
  /** Multi-row inserts by row count, prepared on first use. */
  private readonly inserts = new Map<number, Statement>();

  constructor(
    private readonly db: Database,
    private readonly deviceId: () => string,
    private readonly rollups: DayRollups,
    /** The developer's zone: `local_date` of each row written (the store recomputes it when the zone changes). */
    private readonly zone: () => DayZone,
  ) {}

  /**
   * Returns the event days touched. Rows inserted into a day that had no events are folded into the
   * pending rollups (DayRollups.noteInsert); rows inserted into or changed in other days into the live
   * deltas (noteLiveInsert, noteLiveUpdate); a change that moves a row to other grains puts its days in
   * dirty_days (recomputed from the events).
   *
   * In its own transaction (a savepoint), except inside a transaction someone else opened (a bulk import's):
   * a savepoint there makes SQLite copy every page the batch touches first into a statement journal, ~17%
   * of a bulk import's CPU. A batch that fails there may leave some of its rows (imports are idempotent;
   * Store.bulk commits what was done); its days are recomputed from the table either way.
   */
  write(batch: Batch, result: IngestResult, nowIso: string): string[] {
    const s = (this.stmts ??= this.prepare());
    const days = new Set<string>();
    const dirty = new Set<string>();
    const device = this.deviceId();
    try {
      const write = () => this.writeIn(batch, result, nowIso, s, device, days, dirty);
      if (this.insideTransaction(s)) write();
      else transaction(this.db, write);
    } catch (err) {
      // Rolled back (or, inside a bulk transaction, partly written): rows of this batch folded into the
      // pending rollups may not be there, so their days are recomputed from the table instead.
      for (const e of batch.events) s.day.run([e.event_date]);
      throw err;
    }
    return [...days].sort();
  }

  private writeIn(
    batch: Batch,
    result: IngestResult,
    nowIso: string,
    s: NonNullable<EventWriter['stmts']>,
    device: string,
    days: Set<string>,
    dirty: Set<string>,
  ): void {
    const zone = this.zone();
    // sessions.ingested_at is epoch ms (schema 15); metric_points.ingested_at ISO text.
    const nowMs = Date.parse(nowIso);
    const events = batch.events;
    const width = STORED_INDEX.length + 2;
    const rows: SqlValue[][] = [];
    const locals: string[] = [];
    // CHUNK rows a statement, or a power of two (at most log2(CHUNK) + 1 statements prepared, not one per remainder).
    for (let i = 0, n = chunkRows(events.length, CHUNK); i < events.length; i += n, n = chunkRows(events.length - i, CHUNK)) {
      // One pass over the chunk: each row, its local day, its parameters (no per-chunk copies).
      const params: SqlValue[] = new Array<SqlValue>(n * width);
      let p = 0;
      for (let k = 0; k < n; k++) {
        const e = events[i + k]!;
        const row = eventRow(e, device);
        const local = zone.dayOf(e.ts_ms);
        rows[k] = row;
        locals[k] = local;
        // Classify the day before inserting: a day is fresh only if it had no rows before this unit.
        this.rollups.isFreshDay(e.event_date);
        for (const c of STORED_INDEX) params[p++] = row[c]!;
        params[p++] = local;
        params[p++] = nowMs;
      }
      const fresh = this.insertChunk(n, params, s);
      for (let k = 0; k < n; k++) {
        const e = events[i + k]!;
        const row = rows[k]!;
        if (fresh === null || fresh.delete(e.trace_hash)) {
          result.inserted += 1;
          days.add(e.event_date);
          if (this.rollups.isFreshDay(e.event_date)) this.rollups.noteInsert(row);
          else this.rollups.noteLiveInsert(row, locals[k]!);
          continue;
        }
        // The stored row, so the day tables can take its old contribution out (none for a fresh day).
        const before = this.rollups.rowBeforeUpdate(e.event_date, e.trace_hash);
        const cmp = COMPARED_INDEX.map((c) => row[c]!);
        s.update.run([...cmp, locals[k]!, e.trace_hash, ...cmp]);
        if (this.db.getRowsModified() === 1) {
          result.updated += 1;
          days.add(e.event_date);
          if (!before || !this.rollups.noteLiveUpdate(before, row, locals[k]!)) {
            dirty.add(e.event_date);
            const oldDay = before?.[EVENT_DATE];
            if (typeof oldDay === 'string') dirty.add(oldDay);
          }
        } else result.duplicates += 1;
      }
    }
    for (const m of batch.metrics) {
      s.metric.run([...metricRow(m, device), nowIso]);
      if (this.db.getRowsModified() === 1) {
        result.metricPoints += 1;
        days.add(m.event_date);
      }
    }
    for (const d of batch.rejects) {
      const l = sealDeadLetter(d);
      // The excerpt column is kept empty: no input text is ever stored (issue 14).
      s.letter.run([
        l.received_at,
        l.source,
        l.reason,
        '',
        l.received_at.slice(0, 10),
        stableHash([l.source, l.reason, l.hash!, l.path ?? '']),
        l.bytes!,
        l.hash!,
        l.path ?? null,
        l.count ?? 1,
      ]);
      result.deadLettered += l.count ?? 1;
    }
    // Metric points feed no day table: their days are reported to listeners but not recomputed.
    for (const day of dirty) s.day.run([day]);
    for (const [source, st] of sourceStatus(batch)) s.status.run([source, st.last, nowIso, st.records, st.letters]);
  }

  /**
   * Whether the database is inside a transaction someone else opened (a bulk import's): BEGIN fails there.
   * Prepared statements: `Database.run` of a failing statement leaks SQLite's error message.
   */
  private insideTransaction(s: NonNullable<EventWriter['stmts']>): boolean {
    try {
      s.begin.step();
    } catch {
      return true;
    } finally {
      s.begin.reset();
    }
    s.rollback.step();
    s.rollback.reset();
    return false;
  }

  /**
   * Inserts a chunk of `n` rows unless their trace_hash exists; returns the hashes inserted, or null when
   * all were (the usual bulk case). Without RETURNING (which costs SQLite a result row per inserted row):
   * the rows this statement inserted are those with an id above the largest before it (SQLite gives a new
   * row the largest rowid + 1), read back only when some row was not inserted.
   */
  private insertChunk(n: number, params: SqlValue[], s: NonNullable<EventWriter['stmts']>): Set<string> | null {
    s.maxId.step();
    const before = (s.maxId.get()[0] as number | null) ?? 0;
    s.maxId.reset();
    // Rowids near the top of the range are no longer assigned in order: ask SQLite which rows it inserted.
    const returning = before >= MAX_ORDERED_ROWID;
    const insert = this.insertFor(n, returning);
    insert.bind(params);
    const fresh = new Set<string>();
    while (insert.step()) fresh.add(insert.get()[0] as string);
    insert.reset();
    if (returning) return fresh;
    if (this.db.getRowsModified() === n) return null;
    s.insertedSince.bind([before]);
    while (s.insertedSince.step()) fresh.add(s.insertedSince.get()[0] as string);
    s.insertedSince.reset();
    return fresh;
  }

  private insertFor(n: number, returning: boolean): Statement {
    const key = returning ? -n : n;
    let stmt = this.inserts.get(key);
    if (!stmt) {
      const one = `(${STORED.map(() => '?').join(', ')}, ?, ?)`;
      stmt = this.db.prepare(
        `INSERT INTO sessions (${STORED.join(', ')}, local_date, ingested_at) VALUES ${Array(n).fill(one).join(', ')}
         ON CONFLICT(trace_hash) DO NOTHING${returning ? ' RETURNING trace_hash' : ''}`,
      );
      this.inserts.set(key, stmt);
    }
    return stmt;
  }

  private prepare() {
    const set = COMPARED.map((c) => `${c} = ?`).join(', ');
    const differs = COMPARED.map((c) => `${c} IS NOT ?`).join(' OR ');
    return {
      begin: this.db.prepare('BEGIN'),
      rollback: this.db.prepare('ROLLBACK'),
      maxId: this.db.prepare('SELECT max(id) FROM sessions'),
      insertedSince: this.db.prepare('SELECT trace_hash FROM sessions WHERE id > ?'),
      update: this.db.prepare(`UPDATE sessions SET ${set}, local_date = ? WHERE trace_hash = ? AND (${differs})`),
      metric: this.db.prepare(
        `INSERT INTO metric_points (${METRIC_COLUMNS.join(', ')}, ingested_at) VALUES (${METRIC_COLUMNS.map(() => '?').join(', ')}, ?) ON CONFLICT(point_hash) DO NOTHING`,
      ),
      letter: this.db.prepare(
        'INSERT INTO dead_letter (received_at, source, reason, excerpt, event_date, letter_hash, input_bytes, input_hash, json_path, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(letter_hash) DO NOTHING',
      ),
      day: this.db.prepare('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)'),
      status: this.db.prepare(
        `INSERT INTO source_status (source, last_event_ms, last_received_at, records_received, dead_letters) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(source) DO UPDATE SET last_event_ms = MAX(COALESCE(last_event_ms, 0), COALESCE(excluded.last_event_ms, 0)),
           last_received_at = excluded.last_received_at, records_received = records_received + excluded.records_received,
           dead_letters = dead_letters + excluded.dead_letters`,
      ),
    };
  }
}

/** Per source: latest record time, records and dead letters in this batch. */
function sourceStatus(batch: Batch): Map<string, { last: number | null; records: number; letters: number }> {
  const m = new Map<string, { last: number | null; records: number; letters: number }>();
  const get = (source: string) => {
    let st = m.get(source);
    if (!st) m.set(source, (st = { last: null, records: 0, letters: 0 }));
    return st;
  };
  for (const r of [...batch.events, ...batch.metrics]) {
    const st = get(r.source);
    st.records += 1;
    if (st.last === null || r.ts_ms > st.last) st.last = r.ts_ms;
  }
  for (const d of batch.rejects) get(d.source).letters += d.count ?? 1;
  return m;
}

function sqlValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return JSON.stringify(v);
}

function eventRow(e: AiEvent, device: string): SqlValue[] {
  const row = EVENT_COLUMNS.map((c) => sqlValue(e[c]));
  row[EVENT_DEVICE] = e.device_id ?? device;
  return row;
}

function metricRow(m: MetricPoint, device: string): SqlValue[] {
  const row = METRIC_COLUMNS.map((c) => sqlValue(m[c]));
  row[METRIC_DEVICE] = m.device_id ?? device;
  return row;
}
