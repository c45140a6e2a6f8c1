import type { Database, SqlValue, Statement } from 'sql.js';
import { bucketOf, encodeHistogram } from '../analyze/latency-histogram';
import { dayRange, DayZone, isDayKey, shiftDay, utcDay } from '../day';
import { DIRTY, eachRow } from './day-aggregate';
import { EVENT_COLUMNS } from './schema';

/**
 * Recomputes every day-level table for the days in `dirty_days`, in three passes over those days' events
 * (a bulk import dirties hundreds of days, so one pass beats one query per day, and SQLite's aggregate
 * functions are the costly part, so SQL only groups and sums plain columns and JS folds the rest):
 *
 * - `daily_session_metrics` (per day and developer; the seed's table): session_count = distinct non-null
 *   session ids; request_count = request events; total_tokens, cost_usd = sums over all events;
 *   accepted_count = events with accepted_flag = 1; error_count = error events or status ≥ 400;
 *   median_latency_ms = exact median over request and error events with a latency.
 * - `daily_activity` (day × developer × repo × source) and `daily_model` (× model), the report's rollups:
 *   requests, errors, tokens, cost, unpriced_requests (requests with an unknown cost); insertions = editor
 *   edit events (AI insertions with measured survival), accepted_insertions = those accepted,
 *   inserted_lines / accepted_lines = their lines_added / accepted_lines; agent_edits, agent_lines_added =
 *   edits reported by agents themselves; request latencies as mergeable log-bucketed histograms.
 * - `session_index`: first and last day of each session.
 *
 * Rows repeating another channel's record (duplicate_of set) are excluded everywhere.
 */
export class DayRollups {
  /** Rollups of rows inserted since the last refresh into days that had no events before (see noteInsert). */
  private fresh = new DayAccumulator();
  /** Days classified in the current write unit: true = had no events when first touched. */
  private classified = new Map<string, boolean>();
  /** Changes to days that had events, applied as deltas at the next refresh (see LiveDelta). */
  private live = new LiveDelta();
  private readonly probe: Statement;
  private sessionCounts: Statement | undefined;
  private oldRow: Statement | undefined;
  /** Days written since open: recomputed from their events, or updated by deltas (bench, tests). */
  readonly stats = { recomputedDays: 0, incrementalDays: 0, freshDays: 0 };

  constructor(
    private readonly db: Database,
    /** The store's zone, the one `sessions.local_date` was computed in (the report's rollups are keyed by it). */
    private readonly zone: () => DayZone = utcZone,
  ) {
    this.probe = db.prepare('SELECT 1 FROM sessions WHERE event_date = ? LIMIT 1');
  }

  /**
   * Whether rows about to be inserted into `day` can be rolled up from the rows themselves: true when the
   * day had no events when this write unit first touched it (a bulk import of new days, the first events
   * of a day). Otherwise the day goes to dirty_days and is recomputed from the table.
   */
  isFreshDay(day: string): boolean {
    // The fold keys every table by the UTC day: right only when local days are UTC days. Other zones go
    // through dirty_days (refreshDays splits UTC and local days).
    if (!isUtcZone(this.zone())) return false;
    let fresh = this.classified.get(day);
    if (fresh === undefined) {
      this.probe.bind([day]);
      fresh = !this.probe.step();
      this.probe.reset();
      this.classified.set(day, fresh);
    }
    return fresh;
  }

  /** Folds an inserted row (EVENT_COLUMNS order) of a fresh day into the pending rollups. */
  noteInsert(row: readonly SqlValue[]): void {
    this.fresh.addEventRow(row);
  }

  /**
   * A row inserted into a day that already had events (not fresh): folded into the live delta, applied to
   * the day tables at the next refresh without reading the day's other events. `localDate` is the row's
   * `local_date`.
   */
  noteLiveInsert(row: readonly SqlValue[], localDate: string): void {
    this.live.zone ??= this.zone().timeZone;
    this.live.add(row, this.rollupDay(row, localDate), 1, true);
  }

  /**
   * The stored row (EVENT_COLUMNS, then local_date and duplicate_of) before an update, or undefined when
   * the update of a row of `day` is recomputed anyway (a fresh day: its rows are rolled up whole).
   */
  rowBeforeUpdate(day: string, traceHash: string): SqlValue[] | undefined {
    if (this.isFreshDay(day)) return undefined;
    this.oldRow ??= this.db.prepare(`SELECT ${EVENT_COLUMNS.join(', ')}, local_date, duplicate_of FROM sessions WHERE trace_hash = ?`);
    try {
      this.oldRow.bind([traceHash]);
      return this.oldRow.step() ? this.oldRow.get() : undefined;
    } finally {
      this.oldRow.reset();
    }
  }

  /**
   * An existing row changed by an upsert (`before` from rowBeforeUpdate): its old contribution is taken
   * out of the live delta and the new one added. Returns false when the change moves the row to other
   * grains (day, developer, repository, source, model, session, survey or not): the caller recomputes
   * the days from their events instead.
   */
  noteLiveUpdate(before: readonly SqlValue[], row: readonly SqlValue[], localDate: string): boolean {
    const dupOf = before[EVENT_COLUMNS.length + 1];
    if (dupOf !== null && dupOf !== undefined) return true; // excluded from every rollup, before and after
    const oldLocal = before[EVENT_COLUMNS.length] as string | null;
    const oldDay = this.rollupDay(before, oldLocal ?? (before[COL.event_date] as string));
    const newDay = this.rollupDay(row, localDate);
    if (oldDay !== newDay) return false;
    for (const c of GRAIN_COLS) if (before[c] !== row[c]) return false;
    if ((before[COL.kind] === 'survey') !== (row[COL.kind] === 'survey')) return false;
    this.live.zone ??= this.zone().timeZone;
    this.live.add(before, oldDay, -1, false);
    this.live.add(row, newDay, 1, false);
    return true;
  }

  /** The day the report's rollups key a row by: the UTC day in a UTC store, else its local day. */
  private rollupDay(row: readonly SqlValue[], localDate: string | null): string {
    return isUtcZone(this.zone()) ? (row[COL.event_date] as string) : (localDate ?? (row[COL.event_date] as string));
  }

  /** How many days have pending rollups from inserted or changed rows. */
  get pendingDays(): number {
    return this.fresh.days.size + this.live.utcDays.size;
  }

  pendingDayList(): string[] {
    return [...new Set([...this.fresh.days, ...this.live.utcDays.keys()])];
  }

  /**
   * Brings every day-level table up to date: days in dirty_days are recomputed from the events; fresh days
   * not dirtied otherwise are written from the rows folded while they were inserted. Returns the days
   * written. The caller runs it in a transaction and clears dirty_days.
   */
  refresh(dirtyIn: readonly string[]): string[] {
    const dirtySet = new Set(dirtyIn);
    // Recomputed instead of applied: a day with many changed rows in one unit (a bulk import into existing
    // days: one pass is cheaper than row by row), and deltas keyed by the local days of another zone (the
    // zone changed while they were pending).
    // Many days at once (a bulk import into existing days, a store in another zone where no day is fresh)
    // are also recomputed: one pass over them beats a lookup per day, session and developer.
    const stale = (this.live.zone !== undefined && this.live.zone !== this.zone().timeZone) || this.live.utcDays.size > LIVE_MAX_DAYS;
    for (const [d, n] of this.live.utcDays) {
      if ((stale || n > LIVE_MAX_ROWS) && !dirtySet.has(d)) {
        dirtySet.add(d);
        this.db.run('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)', [d]);
      }
    }
    const dirty = [...dirtySet];
    const freshDays = [...this.fresh.days].filter((d) => !dirtySet.has(d)).sort();
    if (freshDays.length) {
      const acc = this.fresh;
      const keep = (day: string) => !dirtySet.has(day);
      const del = DAY_TABLES.map((t) => this.db.prepare(`DELETE FROM ${t} WHERE event_date = ?`));
      try {
        for (const d of freshDays) for (const s of del) s.run([d]);
      } finally {
        for (const s of del) s.free();
      }
      withoutDayIndexes(this.db, acc.rowCount, () => acc.write(this.db, keep));
    }
    // Live deltas of days not recomputed below (in another zone, the local days the dirty UTC days overlap).
    const zone = this.zone();
    const rollupDirty = isUtcZone(zone) ? dirtySet : localDaysOf(dirty, zone);
    const live = this.live;
    const liveDays = [...live.utcDays.keys()].filter((d) => !dirtySet.has(d));
    if (live.utcDays.size && !stale)
      live.apply(
        this.db,
        (d) => !rollupDirty.has(d),
        (d) => !dirtySet.has(d),
        () => this.sessionStatement(),
      );
    this.live = new LiveDelta();
    this.fresh = new DayAccumulator();
    this.classified.clear();
    if (dirty.length) this.refreshDays(dirty.length);
    this.stats.recomputedDays += dirty.length;
    this.stats.incrementalDays += liveDays.length;
    this.stats.freshDays += freshDays.length;
    return [...new Set([...freshDays, ...dirty, ...liveDays])].sort();
  }

  /**
   * The first part of `refresh` at the end of a bulk import, in slices (issue 15: the host never waits on
   * bulk work): the days that had no events before the import (most of a bulk import's) are written from
   * their pending rollups a few days at a time, letting the event loop turn (`pause`) after about `sliceMs`
   * of work. Writes that arrive meanwhile (the collector) find those days holding events, so they go to the
   * live delta or dirty_days, which the caller's `refresh` applies afterwards over what this wrote. A day
   * that becomes dirty meanwhile is written here and recomputed by that `refresh`. On failure every day
   * this did not finish is put in dirty_days (recomputed from its events by that `refresh`) and the error
   * rethrown. Not in a transaction of its own (one held across the pauses would roll back the collector's
   * writes with it): each day's rows are written whole before the next pause. Returns the days written.
   */
  async writeFreshSliced(sliceMs: number, pause: () => Promise<void>): Promise<string[]> {
    const dirty = new Set((this.db.exec('SELECT event_date FROM dirty_days')[0]?.values ?? []).map((r) => r[0] as string));
    const acc = this.fresh;
    const days = [...acc.days].filter((d) => !dirty.has(d)).sort();
    if (!days.length) return [];
    // Later writes into these days are not fresh any more (their rows are in `sessions`): new pending state.
    this.fresh = new DayAccumulator();
    this.classified.clear();
    let done = 0;
    let del: Statement[] = [];
    try {
      let started = performance.now();
      const split = acc.splitByDay();
      let perDay: Map<string, DayAccumulator>;
      for (;;) {
        const r = split.next();
        if (r.done) {
          perDay = r.value;
          break;
        }
        if (performance.now() - started >= sliceMs) {
          await pause();
          started = performance.now();
        }
      }
      del = DAY_TABLES.map((t) => this.db.prepare(`DELETE FROM ${t} WHERE event_date = ?`));
      for (const d of days) {
        for (const s of del) s.run([d]);
        perDay.get(d)!.write(this.db, () => true);
        done += 1;
        this.stats.freshDays += 1;
        if (done < days.length && performance.now() - started >= sliceMs) {
          await pause();
          started = performance.now();
        }
      }
    } catch (err) {
      const mark = this.db.prepare('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)');
      try {
        for (const d of days.slice(done)) mark.run([d]);
      } finally {
        mark.free();
      }
      throw err;
    } finally {
      for (const s of del) s.free();
    }
    return days;
  }

  /** Forgets the pending rollups (the transaction that produced them was rolled back). */
  discard(): void {
    this.fresh = new DayAccumulator();
    this.live = new LiveDelta();
    this.classified.clear();
  }

  free(): void {
    this.probe.free();
    this.sessionCounts?.free();
    this.oldRow?.free();
  }

  private sessionStatement(): Statement {
    // Rows per grain of one session: how many rows each grain has now. Served by idx_sessions_session_ts
    // (session_id, ts_ms); without that index this would scan the table once per session touched.
    const day = isUtcZone(this.zone()) ? 'event_date' : 'COALESCE(local_date, event_date)';
    this.sessionCounts?.free();
    this.sessionCounts = this.db.prepare(
      `SELECT source, event_date, ${day}, developer_id, repo_slug, COUNT(*) FROM sessions
        WHERE session_id = ? AND duplicate_of IS NULL AND kind <> 'survey' GROUP BY 1, 2, 3, 4, 5`,
    );
    return this.sessionCounts;
  }

  /** Recomputes the day-level tables of the days in dirty_days from the events. */
  refreshDays(dayCount: number): void {
    // A few changed days (live capture) are read through the event_date index; many (a bulk import) by one
    // scan, which is faster than hundreds of index searches (`+` keeps SQLite off the index).
    const col = dayCount <= 31 ? 'event_date' : '+event_date';
    const zone = this.zone();
    if (!isUtcZone(zone)) {
      this.refreshLocal(col, zone);
      return;
    }
    // Survey answers (kind 'survey') are the developer's ratings, not AI activity: no rollup counts them.
    const base = `FROM sessions WHERE ${col} IN ${DIRTY} AND duplicate_of IS NULL AND kind <> 'survey'`;
    const acc = new DayAccumulator();
    this.fill(acc, base, 'event_date');
    for (const t of DAY_TABLES) this.db.run(`DELETE FROM ${t} WHERE event_date IN ${DIRTY}`);
    withoutDayIndexes(this.db, acc.rowCount, () => acc.write(this.db, () => true));
  }

  /**
   * A store in another zone: daily_session_metrics is rebuilt for the dirty UTC days; the report's rollups
   * (keyed by `sessions.local_date`) for the local days those UTC days overlap, read from the UTC days the
   * local days span (at most two local days per UTC day, and two or three UTC days per local day).
   */
  private refreshLocal(col: string, zone: DayZone): void {
    const utcDirty = (this.db.exec('SELECT event_date FROM dirty_days')[0]?.values ?? []).map((r) => r[0] as string).filter((d) => isDayKey(d));
    const localDirty = localDaysOf(utcDirty, zone);
    const readDays = new Set<string>(utcDirty);
    for (const l of localDirty) for (const d of dayRange(utcDay(zone.startOf(l)), utcDay(zone.startOf(shiftDay(l, 1)) - 1))) readDays.add(d);
    this.db.run('CREATE TEMP TABLE IF NOT EXISTS rollup_days (kind TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (kind, day)) WITHOUT ROWID');
    this.db.run('DELETE FROM temp.rollup_days');
    const ins = this.db.prepare('INSERT INTO temp.rollup_days (kind, day) VALUES (?, ?)');
    try {
      for (const d of readDays) ins.run(['read', d]);
      for (const d of localDirty) ins.run(['local', d]);
    } finally {
      ins.free();
    }
    const LOCAL = "(SELECT day FROM temp.rollup_days WHERE kind = 'local')";
    const utc = new DayAccumulator();
    this.fill(utc, `FROM sessions WHERE ${col} IN ${DIRTY} AND duplicate_of IS NULL AND kind <> 'survey'`, 'event_date');
    // Events without a local day (none once the store has set its zone) count on their UTC day.
    const day = 'COALESCE(local_date, event_date)';
    const local = new DayAccumulator();
    this.fill(
      local,
      `FROM sessions WHERE ${col} IN (SELECT day FROM temp.rollup_days WHERE kind = 'read') AND ${day} IN ${LOCAL} AND duplicate_of IS NULL AND kind <> 'survey'`,
      day,
    );
    this.db.run(`DELETE FROM daily_session_metrics WHERE event_date IN ${DIRTY}`);
    for (const t of DAY_TABLES) if (t !== 'daily_session_metrics') this.db.run(`DELETE FROM ${t} WHERE event_date IN ${LOCAL}`);
    utc.write(this.db, () => true, 'utc');
    local.write(this.db, () => true, 'local');
  }

  /** The three passes of a recompute over the rows `base` selects, with `day` as the day expression. */
  private fill(acc: DayAccumulator, base: string, day: string): void {
    // 1. Sums by a fine grain (kind, error, accepted, unknown cost), folded into the three grains in JS.
    eachRow(
      this.db,
      `SELECT ${day}, developer_id, repo_slug, source, model, kind, status_code >= 400, accepted_flag = 1, cost_source = 'unknown',
              COUNT(*), SUM(tokens_in), SUM(tokens_out), SUM(total_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
              SUM(cost_usd), SUM(lines_added), SUM(accepted_lines)
         ${base} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
      (r) =>
        acc.addFine(
          r[0] as string,
          r[1] as string | null,
          r[2] as string | null,
          r[3] as string,
          r[4] as string | null,
          r[5] as string,
          r[6] === 1,
          r[7] === 1,
          r[8] === 1,
          r[9] as number,
          r,
          10,
        ),
    );
    // 2. Sessions: distinct per grain, and their first/last day.
    eachRow(this.db, `SELECT session_id, source, ${day}, developer_id, repo_slug ${base} AND session_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5`, (r) =>
      acc.addSession(r[0] as string, r[1] as string, r[2] as string, r[3] as string | null, r[4] as string | null),
    );
    // 3. Latencies: histograms per activity grain (requests), exact medians per day and developer.
    eachRow(
      this.db,
      `SELECT ${day}, developer_id, repo_slug, source, kind, latency_ms ${base} AND latency_ms IS NOT NULL AND kind IN ('request', 'error')`,
      (r) => acc.addLatency(r[0] as string, r[1] as string | null, r[2] as string | null, r[3] as string, r[4] as string, r[5] as number),
    );
  }
}

/** The day-keyed rollup tables (session_index is keyed by session and only widened). */
const DAY_TABLES = ['daily_activity', 'daily_model', 'daily_session_metrics', 'daily_totals', 'daily_model_totals'] as const;

/** Rows written at once from which the day tables' indexes are dropped and rebuilt around the write. */
const REINDEX_FROM_ROWS = 20_000;

/**
 * Runs `write` (inserts of `rows` rows into the day tables, in the caller's transaction) without the day
 * tables' secondary indexes when the write is large and the tables hold fewer rows than it adds (a bulk
 * import into new days): each index is then built once by a sort instead of one B-tree insert per row
 * (a quarter of the day tables' write time with five tables and nine indexes). The same schema after; a
 * failure rolls the transaction back, indexes included.
 */
function withoutDayIndexes(db: Database, rows: number, write: () => void): void {
  if (rows < REINDEX_FROM_ROWS) {
    write();
    return;
  }
  let existing = 0;
  for (const t of DAY_TABLES) existing += (db.exec(`SELECT max(rowid) FROM ${t}`)[0]?.values[0]?.[0] as number | null) ?? 0;
  if (existing > rows) {
    write();
    return;
  }
  const indexes = (
    db.exec(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${DAY_TABLES.map((t) => `'${t}'`).join(', ')})`)[0]
      ?.values ?? []
  ).map((r) => ({ name: r[0] as string, sql: r[1] as string }));
  for (const i of indexes) db.run(`DROP INDEX ${i.name}`);
  write();
  for (const i of indexes) db.run(i.sql);
}

const COL = Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, i])) as Record<(typeof EVENT_COLUMNS)[number], number>;
/**
 * The three grains' rollups being built: from grouped query rows (a recompute: addFine, addSession,
 * addLatency) or one inserted row at a time (fresh days: addEventRow, which dedups the session grains the
 * GROUP BY would).
 */
class DayAccumulator {
  readonly days = new Set<string>();
  private readonly model = new Map<string, ModelRow>();
  private readonly activity = new Map<string, ActivityRow>();
  private readonly dsm = new Map<string, DsmRow>();
  private readonly coarseSessions = new Map<string, Set<string>>();
  /** Per session: [session_id, source, developer, repo] and the days it was seen on. */
  private readonly spans = new Map<string, { row: SqlValue[]; days: string[] }>();
  private readonly devSessions = new Set<string>();
  private readonly hist = new Map<string, Map<number, number>>();
  /** addEventRow's index of the grains above by their parts, per day. */
  private readonly grainIndex = new Map<string, DayGrains>();

  /** Rows of the fine tables (activity, model, day × developer) to write. */
  get rowCount(): number {
    return this.activity.size + this.model.size + this.dsm.size;
  }

  /**
   * The same rollups as one accumulator per day (entries moved, not copied; this one is left empty), so a
   * day's rows can be written on their own without going over every other day's (writeFreshSliced). Yields
   * every few thousand entries moved (the caller may let the event loop turn: nothing else writes to this
   * accumulator any more).
   */
  *splitByDay(): Generator<void, Map<string, DayAccumulator>> {
    const out = new Map<string, DayAccumulator>();
    const of = (day: string) => getOr(out, day, () => new DayAccumulator());
    const dayOfKey = (key: string) => key.slice(0, key.indexOf('\u0001'));
    let moved = 0;
    const step = () => (++moved & 4095) === 0;
    for (const day of this.days) of(day).days.add(day);
    for (const [k, v] of this.model) if ((of(v.day).model.set(k, v), step())) yield;
    for (const [k, v] of this.activity) if ((of(v.day).activity.set(k, v), step())) yield;
    for (const [k, v] of this.dsm) if ((of(v.day).dsm.set(k, v), step())) yield;
    for (const [k, v] of this.coarseSessions) if ((of(dayOfKey(k)).coarseSessions.set(k, v), step())) yield;
    for (const [k, v] of this.hist) if ((of(dayOfKey(k)).hist.set(k, v), step())) yield;
    for (const [k, v] of this.spans) {
      for (const day of v.days) getOr(of(day).spans, k, () => ({ row: v.row, days: [] as string[] })).days.push(day);
      if (step()) yield;
    }
    this.days.clear();
    this.model.clear();
    this.activity.clear();
    this.dsm.clear();
    this.coarseSessions.clear();
    this.hist.clear();
    this.spans.clear();
    this.devSessions.clear();
    this.grainIndex.clear();
    return out;
  }

  /**
   * One row as stored (EVENT_COLUMNS order), duplicate_of NULL. The same sums as addFine with n = 1 and
   * addSession/addLatency, through the grain index (no key strings built per row, no per-row objects).
   */
  addEventRow(r: readonly SqlValue[]): void {
    const day = r[COL.event_date] as string;
    const kind = r[COL.kind] as string;
    // Survey answers are the developer's ratings, not AI activity (as in the recompute's query).
    if (kind === 'survey') {
      this.days.add(day);
      return;
    }
    const dev = r[COL.developer_id] as string | null;
    const repo = r[COL.repo_slug] as string | null;
    const source = r[COL.source] as string;
    const dg = this.dayGrains(day);
    const g = this.grainOf(dg, dev, repo, source);
    const mdl = r[COL.model] as string | null;
    let m = g.models.get(mdl);
    if (m === undefined) {
      const mk = `${g.key}\u0001${mdl ?? '\u0000'}`;
      m = this.model.get(mk);
      if (m === undefined) this.model.set(mk, (m = { day, dev, repo, source, model: mdl, ...zeroActivity() }));
      g.models.set(mdl, m);
    }
    const status = r[COL.status_code];
    const isRequest = kind === 'request';
    const isError = kind === 'error' || (typeof status === 'number' && status >= 400);
    const accepted = r[COL.accepted_flag] === 1;
    const unpriced = isRequest && r[COL.cost_source] === 'unknown';
    const edit = kind === 'edit' ? (source === 'editor' ? 1 : 2) : 0;
    addRowSums(g.a, r, isRequest, isError, accepted, unpriced, edit);
    addRowSums(m, r, isRequest, isError, accepted, unpriced, edit);
    const d = g.dsm.row;
    if (isRequest) d.requests += 1;
    if (isError) d.errors += 1;
    if (accepted) d.accepted += 1;
    d.total += num(r[COL.total_tokens]);
    d.cost += num(r[COL.cost_usd]);
    const sid = r[COL.session_id];
    if (sid !== null && sid !== undefined && !g.sids.has(sid as string)) {
      g.sids.add(sid as string);
      this.addSessionOf(dg, g, sid as string, source, dev, repo);
    }
    const ms = r[COL.latency_ms];
    if (typeof ms === 'number' && (isRequest || kind === 'error')) {
      if (isRequest) {
        let h = g.hist;
        if (h === undefined) {
          h = this.hist.get(g.key);
          if (h === undefined) this.hist.set(g.key, (h = new Map<number, number>()));
          g.hist = h;
        }
        const b = bucketOf(ms);
        h.set(b, (h.get(b) ?? 0) + 1);
      }
      d.latencies.push(ms);
    }
  }

  private dayGrains(day: string): DayGrains {
    let dg = this.grainIndex.get(day);
    if (dg === undefined) {
      this.days.add(day);
      const all = getOr(this.coarseSessions, kc(day, 'all', null), () => new Set<string>());
      this.grainIndex.set(day, (dg = { day, grains: new Map(), dsm: new Map(), all, repo: new Map(), dev: new Map(), source: new Map() }));
    }
    return dg;
  }

  /** The activity grain (day × developer × repository × source) of a row, created with its rows on first use. */
  private grainOf(dg: DayGrains, dev: string | null, repo: string | null, source: string): Grain {
    let byRepo = dg.grains.get(dev);
    if (byRepo === undefined) dg.grains.set(dev, (byRepo = new Map()));
    let bySource = byRepo.get(repo);
    if (bySource === undefined) byRepo.set(repo, (bySource = new Map()));
    let g = bySource.get(source);
    if (g === undefined) {
      const day = dg.day;
      const key = k4(day, dev, repo, source);
      const a = getOr(this.activity, key, () => ({ day, dev, repo, source, ...zeroActivity() }));
      let dsm = dg.dsm.get(dev);
      if (dsm === undefined) {
        const row = getOr(this.dsm, k2(day, dev), () => emptyDsmRow(day, dev));
        dg.dsm.set(dev, (dsm = { row, sids: new Set() }));
      }
      bySource.set(source, (g = { key, a, models: new Map(), dsm, sids: new Set(), hist: undefined }));
    }
    return g;
  }

  /** addSession for a session new to grain `g` (the fresh fold). */
  private addSessionOf(dg: DayGrains, g: Grain, sid: string, source: string, dev: string | null, repo: string | null): void {
    g.a.sessions += 1;
    const sk = `${sid}\u0001${source}`;
    const day = dg.day;
    dg.all.add(sk);
    coarse(dg.repo, repo, this.coarseSessions, day, 'repo').add(sk);
    coarse(dg.dev, dev, this.coarseSessions, day, 'developer').add(sk);
    coarse(dg.source, source, this.coarseSessions, day, 'source').add(sk);
    if (!g.dsm.sids.has(sid)) {
      g.dsm.sids.add(sid);
      g.dsm.row.sessions += 1;
    }
    const s = this.spans.get(sk);
    if (!s) this.spans.set(sk, { row: [sid, source, dev, repo], days: [day] });
    else {
      s.row[2] ??= dev;
      s.row[3] ??= repo;
      if (!s.days.includes(day)) s.days.push(day);
    }
  }

  /** `n` rows of one fine grain; their sums (tokens in/out/total, cache read/write, cost, lines added, accepted lines) at `vals[at…]`. */
  addFine(
    day: string,
    dev: string | null,
    repo: string | null,
    source: string,
    mdl: string | null,
    kind: string,
    failed: boolean,
    accepted: boolean,
    unknownCost: boolean,
    n: number,
    vals: readonly SqlValue[],
    at: number,
  ): void {
    this.days.add(day);
    const v = {
      tin: num(vals[at]),
      tout: num(vals[at + 1]),
      total: num(vals[at + 2]),
      cr: num(vals[at + 3]),
      cw: num(vals[at + 4]),
      cost: num(vals[at + 5]),
      added: num(vals[at + 6]),
      acceptedLines: num(vals[at + 7]),
    };
    const isRequest = kind === 'request';
    const isError = kind === 'error' || failed;
    const isInsertion = kind === 'edit' && source === 'editor';
    const isAgentEdit = kind === 'edit' && source !== 'editor';
    const ak = k4(day, dev, repo, source);
    const a = getOr(this.activity, ak, () => ({ day, dev, repo, source, ...zeroActivity() }));
    const m = getOr(this.model, `${ak}\u0001${mdl ?? '\u0000'}`, () => ({ day, dev, repo, source, model: mdl, ...zeroActivity() }));
    for (const t of [a, m]) {
      if (isRequest) t.requests += n;
      if (isError) t.errors += n;
      t.tin += v.tin;
      t.tout += v.tout;
      t.total += v.total;
      t.cr += v.cr;
      t.cw += v.cw;
      t.cost += v.cost;
      if (isRequest && unknownCost) t.unpriced += n;
      if (isInsertion) {
        t.insertions += n;
        if (accepted) t.acceptedInsertions += n;
        t.insertedLines += v.added;
        t.acceptedLines += v.acceptedLines;
      }
      if (isAgentEdit) {
        t.agentEdits += n;
        t.agentLines += v.added;
      }
    }
    const d = getOr(this.dsm, k2(day, dev), () => emptyDsmRow(day, dev));
    if (isRequest) d.requests += n;
    if (isError) d.errors += n;
    if (accepted) d.accepted += n;
    d.total += v.total;
    d.cost += v.cost;
  }

  /** A session seen in a fine grain (once per distinct session, day, developer, repo, source). */
  addSession(sid: string, source: string, day: string, dev: string | null, repo: string | null): void {
    const a = this.activity.get(k4(day, dev, repo, source));
    if (a) a.sessions += 1;
    for (const [dim, value] of dimsOf(dev, repo, source)) getOr(this.coarseSessions, kc(day, dim, value), () => new Set<string>()).add(`${sid}\u0001${source}`);
    const dk = `${k2(day, dev)}\u0001${sid}`;
    if (!this.devSessions.has(dk)) {
      this.devSessions.add(dk);
      const d = this.dsm.get(k2(day, dev));
      if (d) d.sessions += 1;
    }
    const sk = `${sid}\u0001${source}`;
    const s = this.spans.get(sk);
    if (!s) this.spans.set(sk, { row: [sid, source, dev, repo], days: [day] });
    else {
      s.row[2] ??= dev;
      s.row[3] ??= repo;
      if (!s.days.includes(day)) s.days.push(day);
    }
  }

  /** A request or error latency. */
  addLatency(day: string, dev: string | null, repo: string | null, source: string, kind: string, ms: number): void {
    if (kind === 'request') {
      const h = getOr(this.hist, k4(day, dev, repo, source), () => new Map<number, number>());
      const b = bucketOf(ms);
      h.set(b, (h.get(b) ?? 0) + 1);
    }
    this.dsm.get(k2(day, dev))?.latencies.push(ms);
  }

  /**
   * Inserts the rows of the days `keep` accepts (their old rows already deleted) and widens session_index.
   * `tables`: 'utc' writes only daily_session_metrics (keyed by the UTC day), 'local' only the report's
   * rollups and session_index (keyed by the local day), 'all' both (a UTC store, where the two agree).
   */
  write(db: Database, keep: (day: string) => boolean, tables: 'all' | 'utc' | 'local' = 'all'): void {
    if (tables === 'utc') {
      this.writeFine(db, keep, tables);
      return;
    }
    const upsertSession = db.prepare(
      `INSERT INTO session_index (session_id, source, developer_id, repo_slug, first_day, last_day) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(session_id, source) DO UPDATE SET first_day = MIN(first_day, excluded.first_day),
         last_day = MAX(last_day, excluded.last_day), developer_id = COALESCE(developer_id, excluded.developer_id),
         repo_slug = COALESCE(repo_slug, excluded.repo_slug)`,
    );
    try {
      // A session's span over kept days only: a dropped day is recomputed (and the span widened) by the caller.
      for (const s of this.spans.values()) {
        let first: string | undefined;
        let last: string | undefined;
        for (const d of s.days) {
          if (!keep(d)) continue;
          if (first === undefined || d < first) first = d;
          if (last === undefined || d > last) last = d;
        }
        if (first !== undefined) upsertSession.run([...s.row, first, last!]);
      }
    } finally {
      upsertSession.free();
    }
    this.writeFine(db, keep, tables);
    this.writeTotals(db, keep);
  }

  /** Folds the fine rollups into daily_totals and daily_model_totals. */
  private writeTotals(db: Database, keep: (day: string) => boolean): void {
    const totals = new Map<string, Sums & { day: string; dim: string; value: string | null; hist: Map<number, number> | null }>();
    for (const [key, a] of this.activity) {
      if (!keep(a.day)) continue;
      const h = this.hist.get(key);
      for (const [dim, value] of dimsOf(a.dev, a.repo, a.source)) {
        const ck = kc(a.day, dim, value);
        const t = getOr(totals, ck, () => ({ day: a.day, dim, value, ...zeroActivity(), hist: null }));
        addSums(t, a);
        if (h) {
          t.hist ??= new Map();
          for (const [b, c] of h) t.hist.set(b, (t.hist.get(b) ?? 0) + c);
        }
      }
    }
    const models = new Map<string, ModelRow>();
    for (const m of this.model.values())
      if (keep(m.day))
        addSums(
          getOr(models, `${m.day}\u0001${m.model ?? '\u0000'}`, () => ({ ...m, ...zeroActivity() })),
          m,
        );
    const insT = db.prepare(`INSERT INTO daily_totals VALUES (${Array(21).fill('?').join(', ')})`);
    const insM = db.prepare(`INSERT INTO daily_model_totals VALUES (${Array(13).fill('?').join(', ')})`);
    try {
      for (const [ck, t] of totals) {
        let count = 0;
        if (t.hist) for (const c of t.hist.values()) count += c;
        const n = this.coarseSessions.get(ck)?.size ?? 0;
        insT.run([
          t.day,
          t.dim,
          t.value,
          n,
          t.requests,
          t.errors,
          t.tin,
          t.tout,
          t.total,
          t.cr,
          t.cw,
          t.cost,
          t.unpriced,
          t.insertions,
          t.acceptedInsertions,
          t.insertedLines,
          t.acceptedLines,
          t.agentEdits,
          t.agentLines,
          count,
          t.hist ? encodeHistogram(t.hist) : null,
        ]);
      }
      for (const m of models.values()) {
        insM.run([m.day, m.model, m.requests, m.errors, m.tout, m.total, m.cr, m.cw, m.cost, m.unpriced, m.insertions, m.acceptedInsertions, m.acceptedLines]);
      }
    } finally {
      insT.free();
      insM.free();
    }
  }

  private writeFine(db: Database, keep: (day: string) => boolean, tables: 'all' | 'utc' | 'local'): void {
    const insA = db.prepare(`INSERT INTO daily_activity VALUES (${Array(22).fill('?').join(', ')})`);
    const insM = db.prepare(`INSERT INTO daily_model VALUES (${Array(16).fill('?').join(', ')})`);
    const insD = db.prepare(
      `INSERT INTO daily_session_metrics (event_date, developer_id, session_count, request_count, total_tokens,
         accepted_count, error_count, median_latency_ms, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    try {
      for (const [key, a] of this.activity) {
        if (!keep(a.day) || tables === 'utc') continue;
        const h = this.hist.get(key);
        let count = 0;
        if (h) for (const c of h.values()) count += c;
        insA.run([
          a.day,
          a.dev,
          a.repo,
          a.source,
          a.sessions,
          a.requests,
          a.errors,
          a.tin,
          a.tout,
          a.total,
          a.cr,
          a.cw,
          a.cost,
          a.unpriced,
          a.insertions,
          a.acceptedInsertions,
          a.insertedLines,
          a.acceptedLines,
          a.agentEdits,
          a.agentLines,
          count,
          h ? encodeHistogram(h) : null,
        ]);
      }
      for (const m of this.model.values()) {
        if (!keep(m.day) || tables === 'utc') continue;
        insM.run([
          m.day,
          m.dev,
          m.repo,
          m.source,
          m.model,
          m.requests,
          m.errors,
          m.tout,
          m.total,
          m.cr,
          m.cw,
          m.cost,
          m.unpriced,
          m.insertions,
          m.acceptedInsertions,
          m.acceptedLines,
        ]);
      }
      for (const d of this.dsm.values()) {
        if (!keep(d.day) || tables === 'local') continue;
        insD.run([d.day, d.dev, d.sessions, d.requests, d.total, d.accepted, d.errors, d.latencies.length ? median(d.latencies) : null, d.cost]);
      }
    } finally {
      insA.free();
      insM.free();
      insD.free();
    }
  }
}
/** The fresh fold's grains of one day, by developer → repository → source; the day × developer rows; the coarse session sets. */
interface DayGrains {
  day: string;
  grains: Map<string | null, Map<string | null, Map<string, Grain>>>;
  dsm: Map<string | null, DsmEntry>;
  all: Set<string>;
  repo: Map<string | null, Set<string>>;
  dev: Map<string | null, Set<string>>;
  source: Map<string, Set<string>>;
}
interface DsmEntry {
  row: DsmRow;
  /** Sessions counted in row.sessions. */
  sids: Set<string>;
}
/** One activity grain (day × developer × repository × source) of the fresh fold and what hangs off it. */
interface Grain {
  key: string;
  a: ActivityRow;
  models: Map<string | null, ModelRow>;
  dsm: DsmEntry;
  /** Sessions counted in a.sessions. */
  sids: Set<string>;
  hist: Map<number, number> | undefined;
}

/** The coarse session set of (day, dim, value), through a per-day cache of its key. */
function coarse<K>(cache: Map<K, Set<string>>, value: K, sets: Map<string, Set<string>>, day: string, dim: string): Set<string> {
  let set = cache.get(value);
  if (set === undefined) {
    const ck = kc(day, dim, value as string | null);
    set = sets.get(ck);
    if (set === undefined) sets.set(ck, (set = new Set()));
    cache.set(value, set);
  }
  return set;
}

/** One event row's contribution to an activity or model row (addFine with n = 1). `edit`: 1 editor insertion, 2 agent edit. */
function addRowSums(t: Sums, r: readonly SqlValue[], isRequest: boolean, isError: boolean, accepted: boolean, unpriced: boolean, edit: number): void {
  if (isRequest) t.requests += 1;
  if (isError) t.errors += 1;
  t.tin += num(r[COL.tokens_in]);
  t.tout += num(r[COL.tokens_out]);
  t.total += num(r[COL.total_tokens]);
  t.cr += num(r[COL.cache_read_tokens]);
  t.cw += num(r[COL.cache_write_tokens]);
  t.cost += num(r[COL.cost_usd]);
  if (unpriced) t.unpriced += 1;
  if (edit === 1) {
    t.insertions += 1;
    if (accepted) t.acceptedInsertions += 1;
    t.insertedLines += num(r[COL.lines_added]);
    t.acceptedLines += num(r[COL.accepted_lines]);
  } else if (edit === 2) {
    t.agentEdits += 1;
    t.agentLines += num(r[COL.lines_added]);
  }
}

interface Sums {
  sessions: number;
  requests: number;
  errors: number;
  tin: number;
  tout: number;
  total: number;
  cr: number;
  cw: number;
  cost: number;
  unpriced: number;
  insertions: number;
  acceptedInsertions: number;
  insertedLines: number;
  acceptedLines: number;
  agentEdits: number;
  agentLines: number;
}
type ActivityRow = Sums & { day: string; dev: string | null; repo: string | null; source: string };
type ModelRow = ActivityRow & { model: string | null };
interface DsmRow {
  day: string;
  dev: string | null;
  sessions: number;
  requests: number;
  total: number;
  accepted: number;
  errors: number;
  cost: number;
  latencies: number[];
}

function zeroActivity(): Sums {
  return {
    sessions: 0,
    requests: 0,
    errors: 0,
    tin: 0,
    tout: 0,
    total: 0,
    cr: 0,
    cw: 0,
    cost: 0,
    unpriced: 0,
    insertions: 0,
    acceptedInsertions: 0,
    insertedLines: 0,
    acceptedLines: 0,
    agentEdits: 0,
    agentLines: 0,
  };
}

/** The coarse grains a fine row belongs to: overall, and each single dimension. */
function dimsOf(dev: string | null, repo: string | null, source: string): Array<[string, string | null]> {
  return [
    ['all', null],
    ['repo', repo],
    ['developer', dev],
    ['source', source],
  ];
}

function kc(day: string, dim: string, value: string | null): string {
  return `${day}\u0001${dim}\u0001${value ?? '\u0000'}`;
}

function addSums(t: Sums, a: Sums): void {
  for (const k of SUM_KEYS) t[k] += a[k];
}

const SUM_KEYS = [
  'requests',
  'errors',
  'tin',
  'tout',
  'total',
  'cr',
  'cw',
  'cost',
  'unpriced',
  'insertions',
  'acceptedInsertions',
  'insertedLines',
  'acceptedLines',
  'agentEdits',
  'agentLines',
] as const;

/** Map keys of the grains (NUL stands for a null value, which no id contains). */
/** A day × developer row with nothing counted yet. */
function emptyDsmRow(day: string, dev: string | null): DsmRow {
  return { day, dev, sessions: 0, requests: 0, total: 0, accepted: 0, errors: 0, cost: 0, latencies: [] };
}

function k2(day: string, dev: string | null): string {
  return `${day}\u0001${dev ?? '\u0000'}`;
}

function k4(day: string, dev: string | null, repo: string | null, source: string): string {
  return `${day}\u0001${dev ?? '\u0000'}\u0001${repo ?? '\u0000'}\u0001${source}`;
}

function num(v: SqlValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

let UTC_ZONE: DayZone | undefined;
/** Made on first use, not when the module loads (Intl's first time zone costs ~15 ms of a CLI's start). */
function utcZone(): DayZone {
  return (UTC_ZONE ??= new DayZone('UTC'));
}

/** Whether local days are UTC days (the zone never leaves offset 0). */
function isUtcZone(zone: DayZone): boolean {
  return zone.timeZone === 'UTC' || zone.timeZone === 'Etc/UTC' || zone.timeZone === 'Etc/GMT';
}

/** More changed rows than this in one UTC day within one write unit: the day is recomputed instead. */
const LIVE_MAX_ROWS = 5000;
/** More UTC days than this with changed rows in one write unit: all of them are recomputed instead. */
const LIVE_MAX_DAYS = 31;
/** Columns whose change moves a row to other grains (an update of one is recomputed, not applied as a delta). */
const GRAIN_COLS = [COL.event_date, COL.developer_id, COL.repo_slug, COL.source, COL.model, COL.session_id];

/** The local days a set of UTC days overlaps (at most two per UTC day). */
function localDaysOf(utcDays: Iterable<string>, zone: DayZone): Set<string> {
  const out = new Set<string>();
  for (const d of utcDays) {
    if (!isDayKey(d)) continue;
    const start = Date.parse(`${d}T00:00:00Z`);
    out.add(zone.dayOf(start));
    out.add(zone.dayOf(start + 86_400_000 - 1));
  }
  return out;
}

type LiveSums = Sums & { latencyCount: number; hist: Map<number, number> | null };
type LiveActivity = LiveSums & { day: string; dev: string | null; repo: string | null; source: string };
type LiveModel = ModelRow;
type LiveDsm = Omit<DsmRow, 'latencies'> & {
  /** A request or error latency of this day and developer changed: the exact median is looked up again. */
  latency: boolean;
};

/**
 * Changes to days that already had events, kept as signed deltas per grain and applied to the stored day
 * rows (read by day through their event_date indexes) at the next refresh. Sums, counts and histograms add;
 * the two measures that are not sums need a lookup limited to what changed:
 * - distinct sessions: for each session that got rows, its rows per grain now (one indexed query per
 *   session: idx_sessions_session_ts); a grain gains the session when its count now equals the rows this
 *   unit added to it (none before).
 * - the exact median latency per UTC day and developer: recomputed by one window query over that day's
 *   request and error latencies, only for the days and developers whose latencies changed.
 * Updates that move a row to other grains are recomputed from the events instead (noteLiveUpdate).
 */
class LiveDelta {
  /** Rows changed per UTC day. */
  readonly utcDays = new Map<string, number>();
  /** The zone whose local days key the rollup deltas (set by the first row). */
  zone: string | undefined;
  private readonly act = new Map<string, LiveActivity>();
  private readonly model = new Map<string, LiveModel>();
  private readonly dsm = new Map<string, LiveDsm>();
  /** Rows added per session and grain: activity (rollup day × dev × repo × source), dsm (UTC day × dev), totals. */
  private readonly sessAct = new Map<string, { sid: string; key: string; n: number }>();
  private readonly sessDsm = new Map<string, { sid: string; key: string; n: number }>();
  private readonly sessTot = new Map<string, { sid: string; key: string; day: string; dim: string; value: string | null; n: number }>();
  private readonly spans = new Map<string, { row: SqlValue[]; first: string; last: string }>();

  /** Adds (sign 1) or takes out (-1) one row's contribution; `sessions`: the row is new (sessions may grow). */
  add(r: readonly SqlValue[], day: string, sign: 1 | -1, sessions: boolean): void {
    const utc = r[COL.event_date] as string;
    this.utcDays.set(utc, (this.utcDays.get(utc) ?? 0) + 1);
    const kind = r[COL.kind] as string;
    if (kind === 'survey') return;
    const dev = r[COL.developer_id] as string | null;
    const repo = r[COL.repo_slug] as string | null;
    const source = r[COL.source] as string;
    const mdl = r[COL.model] as string | null;
    const status = r[COL.status_code];
    const isRequest = kind === 'request';
    const isError = kind === 'error' || (typeof status === 'number' && status >= 400);
    const accepted = r[COL.accepted_flag] === 1;
    const isInsertion = kind === 'edit' && source === 'editor';
    const isAgentEdit = kind === 'edit' && source !== 'editor';
    const unpriced = isRequest && r[COL.cost_source] === 'unknown';
    const v = (c: number) => sign * num(r[c]);
    const ak = k4(day, dev, repo, source);
    const a = getOr(this.act, ak, () => ({ day, dev, repo, source, ...zeroActivity(), latencyCount: 0, hist: null }));
    const m = getOr(this.model, `${ak}\u0001${mdl ?? '\u0000'}`, () => ({ day, dev, repo, source, model: mdl, ...zeroActivity() }));
    for (const t of [a, m] as Sums[]) {
      if (isRequest) t.requests += sign;
      if (isError) t.errors += sign;
      t.tin += v(COL.tokens_in);
      t.tout += v(COL.tokens_out);
      t.total += v(COL.total_tokens);
      t.cr += v(COL.cache_read_tokens);
      t.cw += v(COL.cache_write_tokens);
      t.cost += v(COL.cost_usd);
      if (unpriced) t.unpriced += sign;
      if (isInsertion) {
        t.insertions += sign;
        if (accepted) t.acceptedInsertions += sign;
        t.insertedLines += v(COL.lines_added);
        t.acceptedLines += v(COL.accepted_lines);
      }
      if (isAgentEdit) {
        t.agentEdits += sign;
        t.agentLines += v(COL.lines_added);
      }
    }
    const d = getOr(this.dsm, k2(utc, dev), () => ({ day: utc, dev, sessions: 0, requests: 0, total: 0, accepted: 0, errors: 0, cost: 0, latency: false }));
    if (isRequest) d.requests += sign;
    if (isError) d.errors += sign;
    if (accepted) d.accepted += sign;
    d.total += v(COL.total_tokens);
    d.cost += v(COL.cost_usd);
    const ms = r[COL.latency_ms];
    if (typeof ms === 'number' && (isRequest || kind === 'error')) {
      d.latency = true;
      if (isRequest) {
        a.latencyCount += sign;
        a.hist ??= new Map();
        const b = bucketOf(ms);
        a.hist.set(b, (a.hist.get(b) ?? 0) + sign);
      }
    }
    const sid = r[COL.session_id];
    if (!sessions || sid === null || sid === undefined) return;
    const s = String(sid);
    getOr(this.sessAct, `${ak}\u0001${s}`, () => ({ sid: s, key: ak, n: 0 })).n += 1;
    const dk = k2(utc, dev);
    getOr(this.sessDsm, `${dk}\u0001${s}`, () => ({ sid: s, key: dk, n: 0 })).n += 1;
    for (const [dim, value] of dimsOf(dev, repo, source)) {
      const ck = kc(day, dim, value);
      getOr(this.sessTot, `${ck}\u0001${s}\u0001${source}`, () => ({ sid: s, key: ck, day, dim, value, n: 0 })).n += 1;
    }
    const span = this.spans.get(`${s}\u0001${source}`);
    if (!span) this.spans.set(`${s}\u0001${source}`, { row: [s, source, dev, repo], first: day, last: day });
    else {
      span.row[2] ??= dev;
      span.row[3] ??= repo;
      if (day < span.first) span.first = day;
      if (day > span.last) span.last = day;
    }
  }

  /**
   * Applies the deltas of rollup days `keepDay` accepts and UTC days `keepUtc` accepts (the others are
   * recomputed by the caller) to the stored rows.
   */
  apply(db: Database, keepDay: (day: string) => boolean, keepUtc: (day: string) => boolean, sessionStmt: () => Statement): void {
    this.applySessions(keepDay, keepUtc, sessionStmt);
    // daily_totals and daily_model_totals: the fine deltas folded by dimension and by model.
    const tot = new Map<string, LiveSums & { day: string; dim: string; value: string | null }>();
    for (const a of this.act.values()) {
      if (!keepDay(a.day)) continue;
      for (const [dim, value] of dimsOf(a.dev, a.repo, a.source)) {
        const t = getOr(tot, kc(a.day, dim, value), () => ({ day: a.day, dim, value, ...zeroActivity(), latencyCount: 0, hist: null }));
        addSums(t, a);
        t.latencyCount += a.latencyCount;
        if (a.hist) {
          t.hist ??= new Map();
          for (const [b, c] of a.hist) t.hist.set(b, (t.hist.get(b) ?? 0) + c);
        }
      }
    }
    for (const s of this.sessTot.values()) if (s.n < 0) tot.get(s.key)!.sessions += 1; // marked by applySessions
    const modelTot = new Map<string, Sums & { day: string; model: string | null }>();
    for (const m of this.model.values())
      if (keepDay(m.day))
        addSums(
          getOr(modelTot, `${m.day}\u0001${m.model ?? '\u0000'}`, () => ({ day: m.day, model: m.model, ...zeroActivity() })),
          m,
        );

    const acts = [...this.act.values()].filter((a) => keepDay(a.day));
    mergeRows(db, ACTIVITY_TABLE, acts, (a) => [a.day, a.dev, a.repo, a.source]);
    mergeRows(
      db,
      MODEL_TABLE,
      [...this.model.values()].filter((m) => keepDay(m.day)),
      (m) => [m.day, m.dev, m.repo, m.source, m.model],
    );
    mergeRows(db, TOTALS_TABLE, [...tot.values()], (t) => [t.day, t.dim, t.value]);
    mergeRows(db, MODEL_TOTALS_TABLE, [...modelTot.values()], (m) => [m.day, m.model]);
    const dsm = [...this.dsm.values()].filter((d) => keepUtc(d.day));
    const medians = exactMedians(
      db,
      dsm.filter((d) => d.latency),
    );
    mergeRows(
      db,
      DSM_TABLE,
      dsm,
      (d) => [d.day, d.dev],
      (d, row) => {
        if (d.latency) row.median_latency_ms = medians.get(k2(d.day, d.dev)) ?? null;
      },
    );
    // session_index: widened by the sessions of inserted rows.
    const upsertSession = db.prepare(
      `INSERT INTO session_index (session_id, source, developer_id, repo_slug, first_day, last_day) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(session_id, source) DO UPDATE SET first_day = MIN(first_day, excluded.first_day),
         last_day = MAX(last_day, excluded.last_day), developer_id = COALESCE(developer_id, excluded.developer_id),
         repo_slug = COALESCE(repo_slug, excluded.repo_slug)`,
    );
    try {
      for (const s of this.spans.values()) if (keepDay(s.first) || keepDay(s.last)) upsertSession.run([...s.row, s.first, s.last]);
    } finally {
      upsertSession.free();
    }
  }

  /**
   * Distinct sessions: a grain gains a session when the rows it has now (one query per session) are
   * exactly the rows this unit added. Marks sessTot entries that gain with n = -1 (read by apply).
   */
  private applySessions(keepDay: (day: string) => boolean, keepUtc: (day: string) => boolean, sessionStmt: () => Statement): void {
    const sids = new Set<string>();
    for (const s of this.sessAct.values()) if (keepDay(this.act.get(s.key)!.day)) sids.add(s.sid);
    for (const s of this.sessDsm.values()) if (keepUtc(this.dsm.get(s.key)!.day)) sids.add(s.sid);
    if (!sids.size) return;
    const now = new Map<string, number>();
    const bump = (k: string, n: number) => now.set(k, (now.get(k) ?? 0) + n);
    const stmt = sessionStmt();
    for (const sid of sids) {
      stmt.bind([sid]);
      while (stmt.step()) {
        const [source, utc, day, dev, repo, n] = stmt.get() as [string, string, string, string | null, string | null, number];
        bump(`${k4(day, dev, repo, source)}\u0001${sid}`, n);
        bump(`D${k2(utc, dev)}\u0001${sid}`, n);
        for (const [dim, value] of dimsOf(dev, repo, source)) bump(`T${kc(day, dim, value)}\u0001${sid}\u0001${source}`, n);
      }
      stmt.reset();
    }
    for (const [k, s] of this.sessAct) {
      const a = this.act.get(s.key)!;
      if (keepDay(a.day) && (now.get(k) ?? 0) === s.n) a.sessions += 1;
    }
    for (const [k, s] of this.sessDsm) {
      const d = this.dsm.get(s.key)!;
      if (keepUtc(d.day) && (now.get(`D${k}`) ?? 0) === s.n) d.sessions += 1;
    }
    for (const [k, s] of this.sessTot) s.n = keepDay(s.day) && (now.get(`T${k}`) ?? 0) === s.n ? -1 : 0;
  }
}

/** The rows whose latency counts toward the median (read from idx_sessions_day, index-only). */
const LATENCY_WHERE = "duplicate_of IS NULL AND kind IN ('request', 'error') AND latency_ms IS NOT NULL";

/**
 * Exact median request and error latency per (UTC day, developer) of `keys`: the count, then the middle one
 * or two values in index order (idx_sessions_day), both index-only.
 */
function exactMedians(db: Database, keys: readonly LiveDsm[]): Map<string, number> {
  const out = new Map<string, number>();
  if (!keys.length) return out;
  const count = db.prepare(`SELECT COUNT(*) FROM sessions WHERE event_date = ? AND developer_id IS ? AND ${LATENCY_WHERE}`);
  const middle = db.prepare(
    `SELECT latency_ms FROM sessions WHERE event_date = ? AND developer_id IS ? AND ${LATENCY_WHERE} ORDER BY latency_ms LIMIT ? OFFSET ?`,
  );
  try {
    for (const k of keys) {
      count.bind([k.day, k.dev]);
      const n = count.step() ? (count.get()[0] as number) : 0;
      count.reset();
      if (!n) continue;
      middle.bind([k.day, k.dev, n % 2 ? 1 : 2, (n - 1) >> 1]);
      const vals: number[] = [];
      while (middle.step()) vals.push(middle.get()[0] as number);
      middle.reset();
      out.set(k2(k.day, k.dev), vals.length === 2 ? (vals[0]! + vals[1]!) / 2 : vals[0]!);
    }
  } finally {
    count.free();
    middle.free();
  }
  return out;
}

interface TableSpec {
  name: string;
  keys: readonly string[];
  /** Stored column → delta field. */
  measures: ReadonlyArray<readonly [string, string]>;
  hist?: string;
}
const ACTIVITY_MEASURES = [
  ['sessions', 'sessions'],
  ['requests', 'requests'],
  ['errors', 'errors'],
  ['tokens_in', 'tin'],
  ['tokens_out', 'tout'],
  ['total_tokens', 'total'],
  ['cache_read_tokens', 'cr'],
  ['cache_write_tokens', 'cw'],
  ['cost_usd', 'cost'],
  ['unpriced_requests', 'unpriced'],
  ['insertions', 'insertions'],
  ['accepted_insertions', 'acceptedInsertions'],
  ['inserted_lines', 'insertedLines'],
  ['accepted_lines', 'acceptedLines'],
  ['agent_edits', 'agentEdits'],
  ['agent_lines_added', 'agentLines'],
  ['latency_count', 'latencyCount'],
] as const;
const MODEL_MEASURES = [
  ['requests', 'requests'],
  ['errors', 'errors'],
  ['tokens_out', 'tout'],
  ['total_tokens', 'total'],
  ['cache_read_tokens', 'cr'],
  ['cache_write_tokens', 'cw'],
  ['cost_usd', 'cost'],
  ['unpriced_requests', 'unpriced'],
  ['insertions', 'insertions'],
  ['accepted_insertions', 'acceptedInsertions'],
  ['accepted_lines', 'acceptedLines'],
] as const;
const ACTIVITY_TABLE: TableSpec = {
  name: 'daily_activity',
  keys: ['event_date', 'developer_id', 'repo_slug', 'source'],
  measures: ACTIVITY_MEASURES,
  hist: 'latency_hist',
};
const MODEL_TABLE: TableSpec = { name: 'daily_model', keys: ['event_date', 'developer_id', 'repo_slug', 'source', 'model'], measures: MODEL_MEASURES };
const TOTALS_TABLE: TableSpec = { name: 'daily_totals', keys: ['event_date', 'dim', 'value'], measures: ACTIVITY_MEASURES, hist: 'latency_hist' };
const MODEL_TOTALS_TABLE: TableSpec = { name: 'daily_model_totals', keys: ['event_date', 'model'], measures: MODEL_MEASURES };
const DSM_TABLE: TableSpec = {
  name: 'daily_session_metrics',
  keys: ['event_date', 'developer_id'],
  measures: [
    ['session_count', 'sessions'],
    ['request_count', 'requests'],
    ['total_tokens', 'total'],
    ['accepted_count', 'accepted'],
    ['error_count', 'errors'],
    ['cost_usd', 'cost'],
    ['median_latency_ms', ''],
  ],
};

/**
 * Adds deltas to the stored rows of their days: each touched day's rows are read once (by the table's
 * event_date index) and matched by key; a row found is updated in place, a grain without one is inserted.
 * `finish` sets columns that are not sums (the median).
 */
function mergeRows<D extends { day: string }>(
  db: Database,
  spec: TableSpec,
  deltas: readonly D[],
  keyOf: (d: D) => SqlValue[],
  finish?: (d: D, row: Record<string, SqlValue>) => void,
): void {
  if (!deltas.length) return;
  const cols = [...spec.keys, ...spec.measures.map((m) => m[0]), ...(spec.hist ? [spec.hist] : [])];
  const setCols = cols.slice(spec.keys.length);
  const select = db.prepare(`SELECT rowid, ${cols.join(', ')} FROM ${spec.name} WHERE event_date = ?`);
  const update = db.prepare(`UPDATE ${spec.name} SET ${setCols.map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`);
  const insert = db.prepare(`INSERT INTO ${spec.name} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const rowKey = (vals: readonly SqlValue[]) => vals.map((v) => (v === null ? '\u0000' : String(v))).join('\u0001');
  try {
    const byDay = new Map<string, D[]>();
    for (const d of deltas) getOr(byDay, d.day, () => []).push(d);
    for (const [day, list] of byDay) {
      const stored = new Map<string, { rowid: number; row: Record<string, SqlValue> }>();
      select.bind([day]);
      while (select.step()) {
        const v = select.get();
        const row: Record<string, SqlValue> = {};
        cols.forEach((c, i) => (row[c] = v[i + 1]!));
        stored.set(rowKey(spec.keys.map((k) => row[k]!)), { rowid: v[0] as number, row });
      }
      select.reset();
      for (const d of list) {
        const key = keyOf(d);
        const found = stored.get(rowKey(key));
        const row: Record<string, SqlValue> = found?.row ?? Object.fromEntries(cols.map((c, i) => [c, i < key.length ? key[i]! : null]));
        for (const [col, field] of spec.measures) {
          if (!field) continue;
          row[col] = num(row[col]) + (d as unknown as Record<string, number>)[field]!;
        }
        if (spec.hist) row[spec.hist] = mergeHistogram(row[spec.hist] as Uint8Array | null, (d as unknown as LiveSums).hist);
        finish?.(d, row);
        if (found) update.run([...setCols.map((c) => row[c]!), found.rowid]);
        else insert.run(cols.map((c) => row[c]!));
      }
    }
  } finally {
    select.free();
    update.free();
    insert.free();
  }
}

/** A stored sparse histogram plus signed bucket deltas; null when empty (as a recompute writes it). */
function mergeHistogram(blob: Uint8Array | null, delta: Map<number, number> | null): Uint8Array | null {
  if (!delta) return blob;
  const counts = new Map<number, number>();
  if (blob && blob.byteLength >= 8) {
    const aligned = blob.byteOffset % 4 === 0 ? blob : blob.slice();
    const pairs = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
    for (let i = 0; i + 1 < pairs.length; i += 2) counts.set(pairs[i]!, pairs[i + 1]!);
  }
  for (const [b, c] of delta) {
    const n = (counts.get(b) ?? 0) + c;
    if (n > 0) counts.set(b, n);
    else counts.delete(b);
  }
  return counts.size ? encodeHistogram(counts) : null;
}
