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
  private fresh = new DayAccumulator(true);
  /** Days classified in the current write unit: true = had no events when first touched. */
  private classified = new Map<string, boolean>();
  private readonly probe: Statement;

  constructor(
    private readonly db: Database,
    /** The store's zone, the one `sessions.local_date` was computed in (the report's rollups are keyed by it). */
    private readonly zone: () => DayZone = () => UTC_ZONE,
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

  /** How many days have pending rollups from inserted rows. */
  get pendingDays(): number {
    return this.fresh.days.size;
  }

  pendingDayList(): string[] {
    return [...this.fresh.days];
  }

  /**
   * Brings every day-level table up to date: days in dirty_days are recomputed from the events; fresh days
   * not dirtied otherwise are written from the rows folded while they were inserted. Returns the days
   * written. The caller runs it in a transaction and clears dirty_days.
   */
  refresh(dirty: readonly string[]): string[] {
    const dirtySet = new Set(dirty);
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
      acc.write(this.db, keep);
    }
    this.fresh = new DayAccumulator(true);
    this.classified.clear();
    if (dirty.length) this.refreshDays(dirty.length);
    return [...new Set([...freshDays, ...dirty])].sort();
  }

  /** Forgets the pending rollups (the transaction that produced them was rolled back). */
  discard(): void {
    this.fresh = new DayAccumulator(true);
    this.classified.clear();
  }

  free(): void {
    this.probe.free();
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
    const acc = new DayAccumulator(false);
    this.fill(acc, base, 'event_date');
    for (const t of DAY_TABLES) this.db.run(`DELETE FROM ${t} WHERE event_date IN ${DIRTY}`);
    acc.write(this.db, () => true);
  }

  /**
   * A store in another zone: daily_session_metrics is rebuilt for the dirty UTC days; the report's rollups
   * (keyed by `sessions.local_date`) for the local days those UTC days overlap, read from the UTC days the
   * local days span (at most two local days per UTC day, and two or three UTC days per local day).
   */
  private refreshLocal(col: string, zone: DayZone): void {
    const utcDirty = (this.db.exec('SELECT event_date FROM dirty_days')[0]?.values ?? []).map((r) => r[0] as string).filter((d) => isDayKey(d));
    const localDirty = new Set<string>();
    for (const d of utcDirty) {
      const start = Date.parse(`${d}T00:00:00Z`);
      localDirty.add(zone.dayOf(start));
      localDirty.add(zone.dayOf(start + 86_400_000 - 1));
    }
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
    const utc = new DayAccumulator(false);
    this.fill(utc, `FROM sessions WHERE ${col} IN ${DIRTY} AND duplicate_of IS NULL AND kind <> 'survey'`, 'event_date');
    // Events without a local day (none once the store has set its zone) count on their UTC day.
    const day = 'COALESCE(local_date, event_date)';
    const local = new DayAccumulator(false);
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

const COL = Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, i])) as Record<(typeof EVENT_COLUMNS)[number], number>;
/** Positions of the summed columns in an event row, in the order addFine reads them. */
const SUM_COLS = [
  COL.tokens_in,
  COL.tokens_out,
  COL.total_tokens,
  COL.cache_read_tokens,
  COL.cache_write_tokens,
  COL.cost_usd,
  COL.lines_added,
  COL.accepted_lines,
];

/**
 * The three grains' rollups being built: from grouped query rows (a recompute) or one inserted row at a
 * time (fresh days; `distinctSessions` then dedups the session grains the GROUP BY would).
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
  private readonly sessionGrains: Set<string> | undefined;
  private readonly hist = new Map<string, Map<number, number>>();
  private readonly vals: number[] = [0, 0, 0, 0, 0, 0, 0, 0];

  constructor(distinctSessions: boolean) {
    if (distinctSessions) this.sessionGrains = new Set();
  }

  /** One row as stored (EVENT_COLUMNS order), duplicate_of NULL. */
  addEventRow(r: readonly SqlValue[]): void {
    const day = r[COL.event_date] as string;
    const dev = r[COL.developer_id] as string | null;
    const repo = r[COL.repo_slug] as string | null;
    const source = r[COL.source] as string;
    const kind = r[COL.kind] as string;
    // Survey answers are the developer's ratings, not AI activity (as in the recompute's query).
    if (kind === 'survey') {
      this.days.add(day);
      return;
    }
    const status = r[COL.status_code];
    const v = this.vals;
    for (let i = 0; i < 8; i++) v[i] = num(r[SUM_COLS[i]!]);
    this.addFine(
      day,
      dev,
      repo,
      source,
      r[COL.model] as string | null,
      kind,
      typeof status === 'number' && status >= 400,
      r[COL.accepted_flag] === 1,
      r[COL.cost_source] === 'unknown',
      1,
      v,
      0,
    );
    const sid = r[COL.session_id];
    if (sid !== null && sid !== undefined) {
      const g = `${k4(day, dev, repo, source)}\u0001${sid as string}`;
      if (!this.sessionGrains!.has(g)) {
        this.sessionGrains!.add(g);
        this.addSession(sid as string, source, day, dev, repo);
      }
    }
    const ms = r[COL.latency_ms];
    if (typeof ms === 'number' && (kind === 'request' || kind === 'error')) this.addLatency(day, dev, repo, source, kind, ms);
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
    const d = getOr(this.dsm, k2(day, dev), () => ({
      day,
      dev,
      sessions: 0,
      requests: 0,
      total: 0,
      accepted: 0,
      errors: 0,
      cost: 0,
      latencies: [] as number[],
    }));
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

const UTC_ZONE = new DayZone('UTC');

/** Whether local days are UTC days (the zone never leaves offset 0). */
function isUtcZone(zone: DayZone): boolean {
  return zone.timeZone === 'UTC' || zone.timeZone === 'Etc/UTC' || zone.timeZone === 'Etc/GMT';
}
