import type { Database, SqlValue } from 'sql.js';
import { bucketOf, encodeHistogram } from '../analyze/latency-histogram';
import { dayRange, DayZone, isDayKey, shiftDay, utcDay } from '../day';

const UTC_ZONE = new DayZone('UTC');
const DAY_MS = 86_400_000;
import { DIRTY, eachRow } from './day-aggregate';

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
 *
 * Two calendars: `daily_session_metrics` (the seed's table, exported) is keyed by the UTC day `event_date`;
 * the report's rollups (daily_activity, daily_model, daily_totals, daily_model_totals, session_index) are
 * keyed by the developer's local day, `sessions.local_date` — their column keeps the name `event_date`,
 * but holds that local day. `dirty_days` lists UTC days; the local days to rebuild are those the dirty
 * UTC days overlap in the store's zone (one each in UTC, at most two elsewhere), read from the UTC days
 * those local days overlap — so a UTC user's refresh reads exactly the dirty days, as before.
 */
export class DayRollups {
  constructor(
    private readonly db: Database,
    /** The store's zone, the one `sessions.local_date` was computed in. */
    private readonly zone: () => DayZone = () => UTC_ZONE,
  ) {}

  refreshDays(dayCount: number): void {
    // A few changed days (live capture) are read through the event_date index; many (a bulk import) by one
    // scan, which is faster than hundreds of index searches (`+` keeps SQLite off the index).
    const col = dayCount <= 31 ? 'event_date' : '+event_date';
    const utcDirty = new Set(this.db.exec(`SELECT event_date FROM dirty_days`)[0]?.values.map((r) => r[0] as string) ?? []);
    const zone = this.zone();
    const localDirty = new Set<string>();
    const readDays = new Set<string>(utcDirty);
    for (const d of utcDirty) {
      if (!isDayKey(d)) continue;
      const start = Date.parse(`${d}T00:00:00Z`);
      for (const l of [zone.dayOf(start), zone.dayOf(start + DAY_MS - 1)]) localDirty.add(l);
    }
    for (const l of localDirty) for (const d of dayRange(utcDay(zone.startOf(l)), utcDay(zone.startOf(shiftDay(l, 1)) - 1))) readDays.add(d);
    this.db.run('CREATE TEMP TABLE IF NOT EXISTS rollup_days (kind TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (kind, day)) WITHOUT ROWID');
    this.db.run('DELETE FROM temp.rollup_days');
    const insDay = this.db.prepare('INSERT INTO temp.rollup_days (kind, day) VALUES (?, ?)');
    try {
      for (const d of readDays) insDay.run(['read', d]);
      for (const d of localDirty) insDay.run(['local', d]);
    } finally {
      insDay.free();
    }
    const LOCAL = "(SELECT day FROM temp.rollup_days WHERE kind = 'local')";
    // Survey answers (kind 'survey') are the developer's ratings, not AI activity: no rollup counts them.
    const base = `FROM sessions WHERE ${col} IN (SELECT day FROM temp.rollup_days WHERE kind = 'read') AND duplicate_of IS NULL AND kind <> 'survey'`;
    // Events without a local day (none once the store has set its zone) count on their UTC day.
    const localOf = (utc: string, local: string | null) => local ?? utc;
    const model = new Map<string, ModelRow>();
    const activity = new Map<string, ActivityRow>();
    const dsm = new Map<string, DsmRow>();
    const coarseSessions = new Map<string, Set<string>>();

    // 1. Sums by a fine grain (kind, error, accepted, unknown cost), folded into the three grains in JS.
    eachRow(
      this.db,
      `SELECT event_date, developer_id, repo_slug, source, model, kind, status_code >= 400, accepted_flag = 1, cost_source = 'unknown',
              COUNT(*), SUM(tokens_in), SUM(tokens_out), SUM(total_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
              SUM(cost_usd), SUM(lines_added), SUM(accepted_lines), local_date
         ${base} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 19`,
      (r) => {
        const [utc, dev, repo, source, mdl, kind, failed, accepted, unknownCost] = r as [string, string | null, string | null, string, string | null, string, number | null, number | null, number];
        const day = localOf(utc, r[18] as string | null);
        const inLocal = localDirty.has(day);
        const inUtc = utcDirty.has(utc);
        if (!inLocal && !inUtc) return;
        const n = r[9] as number;
        const v = { tin: num(r[10]), tout: num(r[11]), total: num(r[12]), cr: num(r[13]), cw: num(r[14]), cost: num(r[15]), added: num(r[16]), acceptedLines: num(r[17]) };
        const isRequest = kind === 'request';
        const isError = kind === 'error' || failed === 1;
        const isInsertion = kind === 'edit' && source === 'editor';
        const isAgentEdit = kind === 'edit' && source !== 'editor';
        const targets: Sums[] = [];
        if (inLocal) {
          targets.push(getOr(activity, k4(day, dev, repo, source), () => ({ day, dev, repo, source, ...zeroActivity() })));
          targets.push(getOr(model, `${k4(day, dev, repo, source)}\u0001${mdl ?? '\u0000'}`, () => ({ day, dev, repo, source, model: mdl, ...zeroActivity() })));
        }
        for (const t of targets) {
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
            if (accepted === 1) t.acceptedInsertions += n;
            t.insertedLines += v.added;
            t.acceptedLines += v.acceptedLines;
          }
          if (isAgentEdit) {
            t.agentEdits += n;
            t.agentLines += v.added;
          }
        }
        if (!inUtc) return;
        const d = getOr(dsm, k2(utc, dev), () => ({ day: utc, dev, sessions: 0, requests: 0, total: 0, accepted: 0, errors: 0, cost: 0, latencies: [] as number[] }));
        if (isRequest) d.requests += n;
        if (isError) d.errors += n;
        if (accepted === 1) d.accepted += n;
        d.total += v.total;
        d.cost += v.cost;
      },
    );

    // 2. Sessions: distinct per grain, and their first/last day.
    const upsertSession = this.db.prepare(
      `INSERT INTO session_index (session_id, source, developer_id, repo_slug, first_day, last_day) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(session_id, source) DO UPDATE SET first_day = MIN(first_day, excluded.first_day),
         last_day = MAX(last_day, excluded.last_day), developer_id = COALESCE(developer_id, excluded.developer_id),
         repo_slug = COALESCE(repo_slug, excluded.repo_slug)`,
    );
    try {
      const spans = new Map<string, SqlValue[]>();
      const devSessions = new Set<string>();
      const localSessions = new Set<string>();
      eachRow(this.db, `SELECT session_id, source, event_date, developer_id, repo_slug, local_date ${base} AND session_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6`, (r) => {
        const [sid, source, utc, dev, repo] = r as [string, string, string, string | null, string | null];
        const day = localOf(utc, r[5] as string | null);
        // One UTC day's sessions may span two local days and vice versa: count each grain once.
        const lk = `${k4(day, dev, repo, source)}\u0001${sid}`;
        if (localDirty.has(day) && !localSessions.has(lk)) {
          localSessions.add(lk);
          const a = activity.get(k4(day, dev, repo, source));
          if (a) a.sessions += 1;
          for (const [dim, value] of dimsOf(dev, repo, source)) getOr(coarseSessions, kc(day, dim, value), () => new Set<string>()).add(`${sid}\u0001${source}`);
        }
        const dk = `${k2(utc, dev)}\u0001${sid}`;
        if (utcDirty.has(utc) && !devSessions.has(dk)) {
          devSessions.add(dk);
          const d = dsm.get(k2(utc, dev));
          if (d) d.sessions += 1;
        }
        const sk = `${sid}\u0001${source}`;
        const s = spans.get(sk);
        if (!s) spans.set(sk, [sid, source, dev, repo, day, day]);
        else {
          s[2] ??= dev;
          s[3] ??= repo;
          if (day < (s[4] as string)) s[4] = day;
          if (day > (s[5] as string)) s[5] = day;
        }
      });
      for (const s of spans.values()) upsertSession.run(s);
    } finally {
      upsertSession.free();
    }

    // 3. Latencies: histograms per activity grain (requests), exact medians per day and developer.
    const hist = new Map<string, Map<number, number>>();
    eachRow(this.db, `SELECT event_date, developer_id, repo_slug, source, kind, latency_ms, local_date ${base} AND latency_ms IS NOT NULL AND kind IN ('request', 'error')`, (r) => {
      const ms = r[5] as number;
      const day = localOf(r[0] as string, r[6] as string | null);
      if (r[4] === 'request' && localDirty.has(day)) {
        const key = k4(day, r[1] as string | null, r[2] as string | null, r[3] as string);
        const h = getOr(hist, key, () => new Map<number, number>());
        const b = bucketOf(ms);
        h.set(b, (h.get(b) ?? 0) + 1);
      }
      if (utcDirty.has(r[0] as string)) dsm.get(k2(r[0] as string, r[1] as string | null))?.latencies.push(ms);
    });

    this.write(activity, model, dsm, hist, LOCAL);
    this.writeTotals(activity, model, hist, coarseSessions, LOCAL);
  }

  /** Folds the fine rollups into daily_totals and daily_model_totals. */
  private writeTotals(activity: Map<string, ActivityRow>, model: Map<string, ModelRow>, hist: Map<string, Map<number, number>>, sessions: Map<string, Set<string>>, local: string): void {
    const totals = new Map<string, Sums & { day: string; dim: string; value: string | null; hist: Map<number, number> | null }>();
    for (const [key, a] of activity) {
      const h = hist.get(key);
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
    for (const m of model.values()) addSums(getOr(models, `${m.day}\u0001${m.model ?? '\u0000'}`, () => ({ ...m, ...zeroActivity() })), m);
    for (const t of ['daily_totals', 'daily_model_totals']) this.db.run(`DELETE FROM ${t} WHERE event_date IN ${local}`);
    const insT = this.db.prepare(`INSERT INTO daily_totals VALUES (${Array(21).fill('?').join(', ')})`);
    const insM = this.db.prepare(`INSERT INTO daily_model_totals VALUES (${Array(13).fill('?').join(', ')})`);
    try {
      for (const [ck, t] of totals) {
        let count = 0;
        if (t.hist) for (const c of t.hist.values()) count += c;
        const n = sessions.get(ck)?.size ?? 0;
        insT.run([t.day, t.dim, t.value, n, t.requests, t.errors, t.tin, t.tout, t.total, t.cr, t.cw, t.cost, t.unpriced, t.insertions, t.acceptedInsertions, t.insertedLines, t.acceptedLines, t.agentEdits, t.agentLines, count, t.hist ? encodeHistogram(t.hist) : null]);
      }
      for (const m of models.values()) {
        insM.run([m.day, m.model, m.requests, m.errors, m.tout, m.total, m.cr, m.cw, m.cost, m.unpriced, m.insertions, m.acceptedInsertions, m.acceptedLines]);
      }
    } finally {
      insT.free();
      insM.free();
    }
  }

  private write(activity: Map<string, ActivityRow>, model: Map<string, ModelRow>, dsm: Map<string, DsmRow>, hist: Map<string, Map<number, number>>, local: string): void {
    for (const t of ['daily_activity', 'daily_model']) this.db.run(`DELETE FROM ${t} WHERE event_date IN ${local}`);
    this.db.run(`DELETE FROM daily_session_metrics WHERE event_date IN ${DIRTY}`);
    const insA = this.db.prepare(`INSERT INTO daily_activity VALUES (${Array(22).fill('?').join(', ')})`);
    const insM = this.db.prepare(`INSERT INTO daily_model VALUES (${Array(16).fill('?').join(', ')})`);
    const insD = this.db.prepare(
      `INSERT INTO daily_session_metrics (event_date, developer_id, session_count, request_count, total_tokens,
         accepted_count, error_count, median_latency_ms, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    try {
      for (const [key, a] of activity) {
        const h = hist.get(key);
        let count = 0;
        if (h) for (const c of h.values()) count += c;
        insA.run([a.day, a.dev, a.repo, a.source, a.sessions, a.requests, a.errors, a.tin, a.tout, a.total, a.cr, a.cw, a.cost, a.unpriced, a.insertions, a.acceptedInsertions, a.insertedLines, a.acceptedLines, a.agentEdits, a.agentLines, count, h ? encodeHistogram(h) : null]);
      }
      for (const m of model.values()) {
        insM.run([m.day, m.dev, m.repo, m.source, m.model, m.requests, m.errors, m.tout, m.total, m.cr, m.cw, m.cost, m.unpriced, m.insertions, m.acceptedInsertions, m.acceptedLines]);
      }
      for (const d of dsm.values()) {
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
  return { sessions: 0, requests: 0, errors: 0, tin: 0, tout: 0, total: 0, cr: 0, cw: 0, cost: 0, unpriced: 0, insertions: 0, acceptedInsertions: 0, insertedLines: 0, acceptedLines: 0, agentEdits: 0, agentLines: 0 };
}

/** The coarse grains a fine row belongs to: overall, and each single dimension. */
function dimsOf(dev: string | null, repo: string | null, source: string): Array<[string, string | null]> {
  return [['all', null], ['repo', repo], ['developer', dev], ['source', source]];
}

function kc(day: string, dim: string, value: string | null): string {
  return `${day}\u0001${dim}\u0001${value ?? '\u0000'}`;
}

function addSums(t: Sums, a: Sums): void {
  for (const k of SUM_KEYS) t[k] += a[k];
}

const SUM_KEYS = ['requests', 'errors', 'tin', 'tout', 'total', 'cr', 'cw', 'cost', 'unpriced', 'insertions', 'acceptedInsertions', 'insertedLines', 'acceptedLines', 'agentEdits', 'agentLines'] as const;

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
