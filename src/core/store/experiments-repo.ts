/**
 * Experiments in the database: the recorded designs and their scheduled units, and what the events and
 * commits show per unit (AI use for adherence, outcome measures for the analysis). Every statement about
 * experiments lives here.
 */
import type { SqlValue } from 'sql.js';
import { DayZone, shiftDay, isoWeekday, type DayKey } from '../day';
import type { ExperimentDesign, OutcomeKey, UnitKind } from '../experiments/design';
import { unitInterval } from '../experiments/design';
import type { UnitObservation } from '../experiments/analysis';
import type { DesignPower } from '../experiments/power';
import type { Store } from './store';
import { transaction } from './transaction';
import { databaseOf } from './database-of';

export interface StoredExperiment {
  id: string;
  createdAt: string;
  status: 'active' | 'stopped';
  stoppedAt: string | null;
  design: ExperimentDesign;
  power: DesignPower;
}

export function saveExperiment(store: Store, e: StoredExperiment): void {
  const zone = new DayZone(e.design.timeZone);
  transaction(databaseOf(store), () => {
    databaseOf(store).run(
      `INSERT INTO experiments (id, created_at, status, stopped_at, treatment, unit, seed, start_day, end_day, design, power)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        e.id,
        e.createdAt,
        e.status,
        e.stoppedAt,
        e.design.treatment,
        e.design.unit,
        e.design.seed,
        e.design.schedule[0]!.day,
        e.design.schedule[e.design.schedule.length - 1]!.day,
        JSON.stringify(e.design),
        JSON.stringify(e.power),
      ],
    );
    const stmt = databaseOf(store).prepare(
      'INSERT INTO experiment_units (experiment_id, unit_index, day, half, block, arm, arm_label, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    try {
      for (const u of e.design.schedule) {
        const { startMs, endMs } = unitInterval(e.design, u, zone);
        stmt.run([e.id, u.index, u.day, u.half, u.block, u.arm, e.design.arms[u.arm], startMs, endMs]);
      }
    } finally {
      stmt.free();
    }
  });
  store.markDirty();
}

function rowToExperiment(r: SqlValue[]): StoredExperiment {
  return {
    id: r[0] as string,
    createdAt: r[1] as string,
    status: r[2] as 'active' | 'stopped',
    stoppedAt: r[3] as string | null,
    design: JSON.parse(r[4] as string) as ExperimentDesign,
    power: JSON.parse(r[5] as string) as DesignPower,
  };
}

const SELECT = 'SELECT id, created_at, status, stopped_at, design, power FROM experiments';

/** All experiments, newest first. */
export function listExperiments(store: Store): StoredExperiment[] {
  const db = databaseOf(store);
  return (db.exec(`${SELECT} ORDER BY created_at DESC, id DESC`)[0]?.values ?? []).map(rowToExperiment);
}

/** The experiment that is active (not stopped) and not yet over on `today`, if any. */
export function activeExperiment(store: Store, today: string): StoredExperiment | null {
  const db = databaseOf(store);
  const r = db.exec(`${SELECT} WHERE status = 'active' AND end_day >= ? ORDER BY created_at DESC LIMIT 1`, [today])[0]?.values[0];
  return r ? rowToExperiment(r) : null;
}

/** The newest experiment overlapping [since, until] (for the report), if any. */
export function experimentOverlapping(store: Store, since: string, until: string): StoredExperiment | null {
  const db = databaseOf(store);
  const r = db.exec(`${SELECT} WHERE start_day <= ? AND end_day >= ? ORDER BY created_at DESC LIMIT 1`, [until, since])[0]?.values[0];
  return r ? rowToExperiment(r) : null;
}

export function stopExperiment(store: Store, id: string, atIso: string): boolean {
  databaseOf(store).run("UPDATE experiments SET status = 'stopped', stopped_at = ? WHERE id = ? AND status = 'active'", [atIso, id]);
  const changed = databaseOf(store).getRowsModified() > 0;
  if (changed) store.markDirty();
  return changed;
}

/** What one time range holds: AI use and outcome measures. */
export function observeInterval(store: Store, startMs: number, endMs: number): Omit<UnitObservation, 'index'> {
  const db = databaseOf(store);
  const usage = { agentRequests: 0, editorInsertions: 0, models: {} as Record<string, number> };
  let events = 0;
  let acceptedLines = 0;
  let cost = 0;
  const ratings: number[] = [];
  const rows =
    db.exec(
      `SELECT source, kind, model, COUNT(*), COALESCE(SUM(accepted_lines), 0), COALESCE(SUM(cost_usd), 0), json_extract(attrs, '$.productivity')
       FROM sessions WHERE ts_ms >= ? AND ts_ms < ? AND duplicate_of IS NULL
      GROUP BY 1, 2, 3, CASE WHEN kind = 'survey' THEN id END`,
      [startMs, endMs],
    )[0]?.values ?? [];
  for (const [source, kind, model, n, lines, usd, rating] of rows as Array<[string, string, string | null, number, number, number, number | null]>) {
    if (kind === 'survey') {
      if (typeof rating === 'number') ratings.push(rating);
      continue;
    }
    events += n;
    cost += usd;
    if (kind === 'edit' && source === 'editor') {
      usage.editorInsertions += n;
      acceptedLines += lines;
    }
    if (kind === 'request' && source !== 'editor') {
      usage.agentRequests += n;
      if (model) usage.models[model] = (usage.models[model] ?? 0) + n;
    }
  }
  const startIso = new Date(startMs).toISOString();
  const endIso = new Date(endMs).toISOString();
  // Commits by the developer (is_mine unknown counts: a repository synced without user.email), merges excluded.
  const c = db.exec(
    `SELECT COUNT(*), COALESCE(SUM(COALESCE(lines_added, 0) + COALESCE(lines_removed, 0)), 0) FROM commits
      WHERE event_date >= ? AND event_date <= ? AND unreachable_at IS NULL AND is_merge = 0 AND (is_mine IS NULL OR is_mine = 1)
        AND unixepoch(timestamp, 'subsec') * 1000 >= ? AND unixepoch(timestamp, 'subsec') * 1000 < ?`,
    [startIso.slice(0, 10), endIso.slice(0, 10), startMs, endMs],
  )[0]?.values[0] as [number, number];
  const [commits, linesChanged] = c.map(Number) as [number, number];
  const values: Partial<Record<OutcomeKey, number | null>> = {
    commits,
    lines_changed: linesChanged,
    accepted_lines: acceptedLines,
    ai_cost_usd: cost,
    rating: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
  };
  return { usage, values, active: events > 0 || commits > 0 || ratings.length > 0 };
}

/** Observations of the design's units with index < `upTo` (past and current units). */
export function observeUnits(store: Store, design: ExperimentDesign, upTo: number): UnitObservation[] {
  const zone = new DayZone(design.timeZone);
  return design.schedule
    .filter((u) => u.index < upTo)
    .map((u) => {
      const { startMs, endMs } = unitInterval(design, u, zone);
      return { index: u.index, ...observeInterval(store, startMs, endMs) };
    });
}

/**
 * The spread of each outcome over the developer's previous `count` working units before `startDay` (same
 * unit kind, worked units only): the assumed SD behind the minimum detectable effect.
 */
export function historicalSpread(
  store: Store,
  o: { startDay: DayKey; unit: UnitKind; timeZone: string; workWeekdays?: number[]; outcomes: readonly OutcomeKey[]; count?: number },
): Record<string, { sd: number | null; basis: string }> {
  const zone = new DayZone(o.timeZone);
  const weekdays = o.workWeekdays ?? [1, 2, 3, 4, 5];
  const want = o.count ?? 20;
  const values = new Map<OutcomeKey, number[]>(o.outcomes.map((k) => [k, []]));
  let units = 0;
  for (let day = shiftDay(o.startDay, -1), guard = 0; units < want && guard < 120; day = shiftDay(day, -1), guard++) {
    if (!weekdays.includes(isoWeekday(day))) continue;
    const halves = o.unit === 'day' ? [null] : (['am', 'pm'] as const);
    for (const half of halves) {
      const { startMs, endMs } = unitInterval({ timeZone: o.timeZone }, { day, half }, zone);
      const obs = observeInterval(store, startMs, endMs);
      if (!obs.active) continue;
      units++;
      for (const k of o.outcomes) {
        const v = obs.values[k];
        if (typeof v === 'number') values.get(k)!.push(v);
      }
    }
  }
  const out: Record<string, { sd: number | null; basis: string }> = {};
  for (const k of o.outcomes) {
    const v = values.get(k)!;
    if (v.length < 5) {
      out[k] = { sd: null, basis: `only ${v.length} earlier ${o.unit === 'day' ? 'working days' : 'half-days'} with a value (5 needed)` };
      continue;
    }
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    out[k] = { sd, basis: `SD over your previous ${v.length} worked ${o.unit === 'day' ? 'days' : 'half-days'}` };
  }
  return out;
}
