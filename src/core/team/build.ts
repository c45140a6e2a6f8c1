/**
 * The team report model, from the rows the lake queries return (sql.ts) and the lake's exports (lake.ts).
 * Pure: no I/O, no DuckDB.
 *
 * The association analysis is within developers: for every developer, the personal report's working-day
 * calendar and lagged Spearman correlation (`developerCorrelation`, autocorrelation-aware variance of
 * Fisher z), then a random-effects meta-analysis across developers (meta.ts), one Benjamini–Hochberg family
 * over every (AI series × outcome × lag) row. Each developer is compared only with their own days, so "heavy
 * AI users also commit more" (a difference between people) cannot show up as an effect; the between-
 * developer association is shown beside it, descriptive and never tested.
 */
import { benjaminiHochberg } from '../analyze/adjust';
import { correlation } from '../analyze/correlation';
import { workingCalendar } from '../analyze/calendar';
import { developerCorrelation, type RankedSeries } from '../analyze/pooled';
import { DEFAULT_ALPHA, strengthOf } from '../analyze/reading';
import { dayRange, isWeekend, weekStart } from '../day';
import type { TeamExperiments } from './experiments';
import type { LakeExport } from './lake';
import { randomEffects, type MetaResult } from './meta';
import type { AiDailyRow, CommitDailyRow, PrDailyRow } from '../store/team-lake-sql';

export const TEAM_REPORT_VERSION = 1;
export const TEAM_AI_SERIES = ['requests', 'total_tokens', 'accepted_lines'] as const;
export const TEAM_OUTCOMES = ['commits', 'lines_changed', 'merged_prs'] as const;
export const TEAM_LAGS = [0, 1, 2] as const;
/** Fewest developers with a usable coefficient for a pooled row. */
export const MIN_DEVELOPERS = 4;
/** Fewest working days a developer needs to take part in the analysis. */
export const MIN_WORKING_DAYS = 8;
/** Fewest working-day pairs behind one developer's coefficient. */
export const MIN_PAIRS = 6;

export const METRICS = [
  'requests',
  'total_tokens',
  'cost_usd',
  'accepted_lines',
  'acceptance',
  'commits',
  'lines_changed',
  'merged_prs',
  'merge_hours',
] as const;
export type Metric = (typeof METRICS)[number];
export type MetricSeries = Record<Metric, Array<number | null>>;
export type Totals = Record<Metric, number | null>;

export interface Breakdown {
  name: string;
  totals: Totals;
  series: MetricSeries;
}

export interface SeriesBlock {
  /** Day keys (daily) or the Monday of each ISO week (weekly). */
  periods: string[];
  team: MetricSeries;
  developers: Breakdown[];
  repos: Breakdown[];
  models: Breakdown[];
}

export interface AdoptionWeek {
  week: string;
  /** Developers with AI events that week. */
  aiDevelopers: number;
  /** Developers with AI events or commits that week (commit authors without ProdLens included). */
  activeDevelopers: number;
  /** aiDevelopers / activeDevelopers; null without anyone active. */
  share: number | null;
}

export interface PooledRow {
  ai: string;
  outcome: string;
  lag: number;
  method: 'spearman';
  status: 'ok' | 'not-enough-data';
  /** Developers pooled. */
  developers: number;
  /** Working-day pairs over those developers. */
  n: number;
  /** Pooled within-developer correlation (tanh of the pooled z); null when not enough data. */
  r: number | null;
  ci: { lower: number; upper: number; level: number } | null;
  p: number | null;
  /** BH over every row with a p (one family). */
  pAdjusted: number | null;
  /** Between-developer SD of z (τ) and I². */
  tau: number | null;
  i2: number | null;
  reading: string;
  reason: string | null;
  /** Each developer's own coefficient (pseudonyms as they are). */
  perDeveloper: Array<{ developer: string; n: number; nEffective: number | null; r: number | null; reason: string | null }>;
}

export interface BetweenRow {
  ai: string;
  outcome: string;
  /** Spearman correlation of developers' mean daily AI use and mean daily outcome; descriptive, not tested. */
  r: number | null;
  developers: number;
}

export interface DeviceHealth {
  device: string;
  developers: string[];
  /** Days with events from this device. */
  days: number;
  first: string | null;
  last: string | null;
  /** Weekdays between first and last with no events from this device nor from its developers' other devices (a missing partition or a day off). */
  missingWeekdays: string[];
  lastExport: string | null;
  /** Last exported before the period ended: its latest days may be missing. */
  late: boolean;
}

export interface TeamHealth {
  exports: Array<
    Omit<LakeExport, 'paths' | 'missingFiles' | 'unlistedFiles' | 'foreignFiles'> & { missingFiles: number; unlistedFiles: number; foreignFiles: number }
  >;
  schemaVersions: Record<string, number>;
  exporterVersions: Record<string, number>;
  /** Distinct pseudonym key ids (null = not pseudonymized). Several mean ids cannot be joined across them. */
  keyIds: Array<string | null>;
  devices: DeviceHealth[];
  /** Events per device per day of the period (the devices × days grid). */
  coverage: { days: string[]; devices: Array<{ device: string; events: number[] }> };
  /** Commit / PR rows dropped as copies of the same SHA / number exported by several devices. */
  duplicateCommitRows: number;
  duplicatePrRows: number;
  warnings: string[];
}

export interface TeamReport {
  version: number;
  generatedAt: string;
  period: { since: string | null; until: string | null; days: number };
  lakes: string[];
  developers: string[];
  devices: string[];
  repos: string[];
  models: string[];
  totals: Totals & { active_developers: number; ai_developers: number };
  headline: string[];
  daily: SeriesBlock;
  weekly: SeriesBlock;
  adoption: AdoptionWeek[];
  correlations: {
    method: string;
    reference: string;
    minDevelopers: number;
    minWorkingDays: number;
    minPairs: number;
    lags: number[];
    alpha: number;
    familySize: number;
    /** Developers with enough working days. */
    eligibleDevelopers: number;
    status: 'ok' | 'not-enough-data';
    reason: string | null;
    rows: PooledRow[];
    between: BetweenRow[];
  };
  health: TeamHealth;
  /** Self-experiments in the lake by design, pooled across developers (experiments.ts); absent without any. */
  experiments?: TeamExperiments;
}

export interface TeamInput {
  lakes: string[];
  exports: LakeExport[];
  ai: AiDailyRow[];
  /**
   * AI use per day and model (`aiModelDailySql`), for the per-model series; without it they are rolled up
   * from `ai` (whose `model` is then per row). The main query leaves the model out: a quarter of the rows.
   */
  aiByModel?: AiDailyRow[];
  commits: CommitDailyRow[];
  prs: PrDailyRow[];
  since: string | null;
  until: string | null;
  nowMs: number;
  experiments?: TeamExperiments | null;
}

const UNKNOWN = '(unknown)';

/** Additive sums per period; derived metrics (acceptance, hours to merge) are computed from them. */
class Sums {
  readonly requests: number[];
  readonly total_tokens: number[];
  readonly cost_usd: number[];
  readonly accepted_lines: number[];
  readonly suggestions: number[];
  readonly accepted: number[];
  readonly events: number[];
  readonly commits: number[];
  readonly lines_changed: number[];
  readonly merged_prs: number[];
  readonly merge_hours_sum: number[];
  constructor(readonly n: number) {
    const z = () => new Array<number>(n).fill(0);
    this.requests = z();
    this.total_tokens = z();
    this.cost_usd = z();
    this.accepted_lines = z();
    this.suggestions = z();
    this.accepted = z();
    this.events = z();
    this.commits = z();
    this.lines_changed = z();
    this.merged_prs = z();
    this.merge_hours_sum = z();
  }
  addAi(i: number, r: AiDailyRow): void {
    this.requests[i]! += r.requests;
    this.total_tokens[i]! += r.total_tokens;
    this.cost_usd[i]! += r.cost_usd;
    this.accepted_lines[i]! += r.accepted_lines;
    this.suggestions[i]! += r.suggestions;
    this.accepted[i]! += r.accepted;
    this.events[i]! += r.events;
  }
  addCommits(i: number, r: CommitDailyRow): void {
    this.commits[i]! += r.commits;
    this.lines_changed[i]! += r.lines_changed;
  }
  addPrs(i: number, r: PrDailyRow): void {
    this.merged_prs[i]! += r.merged_prs;
    this.merge_hours_sum[i]! += r.merge_hours_sum;
  }
  /** Folds the days into periods (index map day → period). */
  rollUp(periodOf: readonly number[], periods: number): Sums {
    const out = new Sums(periods);
    for (const k of SUM_KEYS) {
      const from = this[k];
      const to = out[k];
      for (let i = 0; i < from.length; i++) to[periodOf[i]!]! += from[i]!;
    }
    return out;
  }
  series(delivery: boolean): MetricSeries {
    const round = (xs: number[]) => xs.map((x) => Math.round(x * 1e6) / 1e6);
    const nulls = () => new Array<number | null>(this.n).fill(null);
    return {
      requests: [...this.requests],
      total_tokens: [...this.total_tokens],
      cost_usd: round(this.cost_usd),
      accepted_lines: [...this.accepted_lines],
      acceptance: this.suggestions.map((s, i) => (s > 0 ? this.accepted[i]! / s : null)),
      commits: delivery ? [...this.commits] : nulls(),
      lines_changed: delivery ? [...this.lines_changed] : nulls(),
      merged_prs: delivery ? [...this.merged_prs] : nulls(),
      merge_hours: delivery ? this.merged_prs.map((m, i) => (m > 0 ? this.merge_hours_sum[i]! / m : null)) : nulls(),
    };
  }
  totals(delivery: boolean): Totals {
    const s = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const suggestions = s(this.suggestions);
    const merged = s(this.merged_prs);
    return {
      requests: s(this.requests),
      total_tokens: s(this.total_tokens),
      cost_usd: Math.round(s(this.cost_usd) * 1e6) / 1e6,
      accepted_lines: s(this.accepted_lines),
      acceptance: suggestions > 0 ? s(this.accepted) / suggestions : null,
      commits: delivery ? s(this.commits) : null,
      lines_changed: delivery ? s(this.lines_changed) : null,
      merged_prs: delivery ? merged : null,
      merge_hours: delivery && merged > 0 ? s(this.merge_hours_sum) / merged : null,
    };
  }
}
const SUM_KEYS = [
  'requests',
  'total_tokens',
  'cost_usd',
  'accepted_lines',
  'suggestions',
  'accepted',
  'events',
  'commits',
  'lines_changed',
  'merged_prs',
  'merge_hours_sum',
] as const;

function group(map: Map<string, Sums>, key: string, n: number): Sums {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Sums(n)));
  return s;
}

export function buildTeamReport(input: TeamInput): TeamReport {
  const allDays = [...input.ai.map((r) => r.day), ...input.commits.map((r) => r.day), ...input.prs.map((r) => r.day)].sort();
  const since = input.since ?? allDays[0] ?? null;
  const until = input.until ?? allDays[allDays.length - 1] ?? null;
  const days = since && until && since <= until ? dayRange(since, until).map(String) : [];
  const index = new Map(days.map((d, i) => [d, i]));
  const n = days.length;

  const team = new Sums(n);
  const byDev = new Map<string, Sums>();
  const byRepo = new Map<string, Sums>();
  const byModel = new Map<string, Sums>();
  const byDevice = new Map<string, Sums>();
  const deviceDevs = new Map<string, Set<string>>();
  const devRange = new Map<string, [number, number]>();
  for (const r of input.ai) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const dev = r.developer_id ?? UNKNOWN;
    team.addAi(i, r);
    group(byDev, dev, n).addAi(i, r);
    group(byRepo, r.repo_slug ?? UNKNOWN, n).addAi(i, r);
    if (!input.aiByModel) group(byModel, r.model ?? UNKNOWN, n).addAi(i, r);
    const device = r.device_id ?? UNKNOWN;
    group(byDevice, device, n).addAi(i, r);
    if (!deviceDevs.has(device)) deviceDevs.set(device, new Set());
    deviceDevs.get(device)!.add(dev);
    const range = devRange.get(dev);
    devRange.set(dev, range ? [Math.min(range[0], i), Math.max(range[1], i)] : [i, i]);
  }
  for (const r of input.aiByModel ?? []) {
    const i = index.get(r.day);
    if (i !== undefined) group(byModel, r.model ?? UNKNOWN, n).addAi(i, r);
  }
  const developers = [...byDev.keys()].filter((d) => d !== UNKNOWN).sort();
  // Authorship is matched on lower-cased ids (emails are lower-cased by the sources, pseudonyms are hex).
  const devByKey = new Map(developers.map((d) => [d.toLowerCase(), d]));
  const commitAuthorsByWeek = new Map<string, Set<string>>();
  const devHasCommits = new Set<string>();
  const devHasPrs = new Set<string>();
  let duplicateCommitRows = 0;
  let duplicatePrRows = 0;
  for (const r of input.commits) {
    duplicateCommitRows += r.duplicate_rows;
    const i = index.get(r.day);
    if (i === undefined) continue;
    team.addCommits(i, r);
    group(byRepo, r.repo_slug ?? UNKNOWN, n).addCommits(i, r);
    const dev = r.author_key === null ? undefined : devByKey.get(r.author_key);
    if (dev) {
      group(byDev, dev, n).addCommits(i, r);
      if (r.commits > 0) devHasCommits.add(dev);
    }
    if (r.commits > 0) {
      const w = weekStart(r.day);
      if (!commitAuthorsByWeek.has(w)) commitAuthorsByWeek.set(w, new Set());
      commitAuthorsByWeek.get(w)!.add(dev ?? `author:${r.author_key ?? UNKNOWN}`);
    }
  }
  for (const r of input.prs) {
    duplicatePrRows += r.duplicate_rows;
    const i = index.get(r.day);
    if (i === undefined) continue;
    team.addPrs(i, r);
    group(byRepo, r.repo_slug ?? UNKNOWN, n).addPrs(i, r);
    const dev = r.author_key === null ? undefined : devByKey.get(r.author_key);
    if (dev) {
      group(byDev, dev, n).addPrs(i, r);
      devHasPrs.add(dev);
    }
  }

  // Weeks.
  const weeks = [...new Set(days.map((d) => weekStart(d) as string))];
  const weekIndex = new Map(weeks.map((w, i) => [w, i]));
  const weekOf = days.map((d) => weekIndex.get(weekStart(d))!);
  const block = (periods: string[], fold: (s: Sums) => Sums): SeriesBlock => {
    const named = (m: Map<string, Sums>, delivery: boolean): Breakdown[] =>
      [...m.entries()]
        .map(([name, s]) => {
          const f = fold(s);
          return { name, totals: f.totals(delivery), series: f.series(delivery) };
        })
        .sort((a, b) => (b.totals.requests ?? 0) - (a.totals.requests ?? 0) || a.name.localeCompare(b.name));
    return { periods, team: fold(team).series(true), developers: named(byDev, true), repos: named(byRepo, true), models: named(byModel, false) };
  };
  const daily = block(days, (s) => s);
  const weekly = block(weeks, (s) => s.rollUp(weekOf, weeks.length));

  const adoption: AdoptionWeek[] = weeks.map((w, wi) => {
    const ai = new Set<string>();
    for (const [dev, s] of byDev) {
      if (dev === UNKNOWN) continue;
      for (let i = 0; i < n; i++) if (weekOf[i] === wi && s.events[i]! > 0) ai.add(dev);
    }
    const active = new Set([...ai, ...(commitAuthorsByWeek.get(w) ?? [])]);
    return { week: w, aiDevelopers: ai.size, activeDevelopers: active.size, share: active.size ? ai.size / active.size : null };
  });

  const correlations = analyze(days, developers, byDev, devRange, devHasCommits, devHasPrs);
  const devices = [
    ...new Set([
      ...input.exports.filter((e) => e.status === 'used' && e.deviceId).map((e) => e.deviceId!),
      ...[...byDevice.keys()].filter((d) => d !== UNKNOWN),
    ]),
  ].sort();
  const health = buildHealth(input, days, devices, byDevice, byDev, deviceDevs, until, duplicateCommitRows, duplicatePrRows);
  const totalsBase = team.totals(true);
  const activeAll = new Set(
    adoption.length
      ? [...developers.filter((d) => byDev.get(d)?.events.some((e) => e > 0) ?? false), ...[...commitAuthorsByWeek.values()].flatMap((s) => [...s])]
      : [],
  );
  const totals = { ...totalsBase, active_developers: activeAll.size, ai_developers: developers.length };
  const report: TeamReport = {
    version: TEAM_REPORT_VERSION,
    generatedAt: new Date(input.nowMs).toISOString(),
    period: { since, until, days: n },
    lakes: input.lakes,
    developers,
    devices,
    repos: daily.repos.map((r) => r.name),
    models: daily.models.map((m) => m.name),
    totals,
    headline: [],
    daily,
    weekly,
    adoption,
    correlations,
    health,
    ...(input.experiments ? { experiments: input.experiments } : {}),
  };
  report.headline = headline(report);
  return report;
}

function analyze(
  days: string[],
  developers: string[],
  byDev: Map<string, Sums>,
  devRange: Map<string, [number, number]>,
  devHasCommits: Set<string>,
  devHasPrs: Set<string>,
): TeamReport['correlations'] {
  const alpha = DEFAULT_ALPHA;
  const n = days.length;
  // Per developer: AI series measured (0 = nothing) between their first and last day with events, null
  // outside; outcomes measured over the period when any of their commits / PRs were matched, else null.
  const series = developers.map((dev) => {
    const s = byDev.get(dev)!;
    const [a, b] = devRange.get(dev) ?? [n, -1];
    const ai = (xs: number[]) => xs.map((v, i) => (i >= a && i <= b ? v : null));
    const out = (xs: number[], known: boolean) => xs.map((v) => (known ? v : null));
    const values: Record<string, Array<number | null>> = {
      requests: ai(s.requests),
      total_tokens: ai(s.total_tokens),
      accepted_lines: ai(s.accepted_lines),
      commits: out(s.commits, devHasCommits.has(dev)),
      lines_changed: out(s.lines_changed, devHasCommits.has(dev)),
      merged_prs: out(s.merged_prs, devHasPrs.has(dev)),
    };
    const activity = ai(s.events);
    const cal = workingCalendar({ days, aiActivity: [activity], outcomeActivity: [values.commits!] });
    return { dev, values, activity, cal, memo: new Map<string, RankedSeries>(), workingDays: cal.working.length };
  });
  const eligible = series.filter((s) => s.workingDays >= MIN_WORKING_DAYS);
  const rows: PooledRow[] = [];
  for (const ai of TEAM_AI_SERIES) {
    for (const outcome of TEAM_OUTCOMES) {
      for (const lag of TEAM_LAGS) {
        const per = eligible.map((s) => ({
          developer: s.dev,
          c: developerCorrelation(
            { days, aiActivity: [s.activity], outcomeActivity: [s.values.commits!], ai: s.values[ai]!, outcome: s.values[outcome]! },
            { lag, method: 'spearman', minPairs: MIN_PAIRS, calendar: s.cal, memo: s.memo },
          ),
        }));
        const usable = per.filter((d) => d.c.status === 'ok' && d.c.z !== null && d.c.zVariance !== null);
        const perDeveloper = per.map((d) => ({ developer: d.developer, n: d.c.n, nEffective: d.c.nEffective, r: d.c.r, reason: d.c.reason }));
        const base = {
          ai,
          outcome,
          lag,
          method: 'spearman' as const,
          developers: usable.length,
          n: usable.reduce((a, d) => a + d.c.n, 0),
          perDeveloper,
          pAdjusted: null,
        };
        if (usable.length < MIN_DEVELOPERS) {
          const reason = `not enough data: ${usable.length} developer(s) with ≥ ${MIN_WORKING_DAYS} working days and ≥ ${MIN_PAIRS} usable pairs, need ${MIN_DEVELOPERS}`;
          rows.push({ ...base, status: 'not-enough-data', r: null, ci: null, p: null, tau: null, i2: null, reading: reason, reason });
          continue;
        }
        const m: MetaResult = randomEffects(usable.map((d) => ({ z: d.c.z as number, variance: d.c.zVariance as number })));
        rows.push({
          ...base,
          status: 'ok',
          r: Math.tanh(m.mu),
          ci: { lower: Math.tanh(m.ci[0]), upper: Math.tanh(m.ci[1]), level: 0.95 },
          p: m.p,
          tau: Math.sqrt(m.tau2),
          i2: m.i2,
          reading: '',
          reason: null,
        });
      }
    }
  }
  const tested = rows.flatMap((r, i) => (r.p !== null ? [i] : []));
  const adjusted = benjaminiHochberg(tested.map((i) => rows[i]!.p));
  tested.forEach((i, k) => {
    const row = rows[i]!;
    row.pAdjusted = adjusted[k] ?? null;
    row.reading = readPooled(row, alpha);
  });
  const between: BetweenRow[] = [];
  for (const ai of TEAM_AI_SERIES) {
    for (const outcome of TEAM_OUTCOMES) {
      const mean = (xs: Array<number | null>) => {
        const v = xs.filter((x): x is number => x !== null);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      const x = eligible.map((s) => mean(s.values[ai]!));
      const y = eligible.map((s) => mean(s.values[outcome]!));
      const c = correlation(x, y, 'spearman', { minPairs: 3 });
      between.push({ ai, outcome, r: c.status === 'ok' ? c.r : null, developers: c.n });
    }
  }
  const ok = rows.some((r) => r.status === 'ok');
  return {
    method:
      'within-developer Spearman on working days; per-developer Fisher z with autocorrelation-aware variance; DerSimonian–Laird random effects, Hartung–Knapp–Sidik–Jonkman interval (t, k − 1 df); Benjamini–Hochberg over all rows',
    reference:
      'DerSimonian & Laird (1986) Control Clin Trials 7:177; Hartung & Knapp (2001) Stat Med 20:3875; IntHout, Ioannidis & Borm (2014) BMC Med Res Methodol 14:25; Pyper & Peterman (1998) Can J Fish Aquat Sci 55:2127',
    minDevelopers: MIN_DEVELOPERS,
    minWorkingDays: MIN_WORKING_DAYS,
    minPairs: MIN_PAIRS,
    lags: [...TEAM_LAGS],
    alpha,
    familySize: tested.length,
    eligibleDevelopers: eligible.length,
    status: ok ? 'ok' : 'not-enough-data',
    reason: ok ? null : `not enough data: ${eligible.length} developer(s) with ≥ ${MIN_WORKING_DAYS} working days, need ${MIN_DEVELOPERS}`,
    rows,
    between,
  };
}

function readPooled(row: PooledRow, alpha: number): string {
  if (row.r === null) return row.reason ?? 'not enough data';
  const strength = strengthOf(row.r);
  const dir = row.r > 0 ? 'positive' : row.r < 0 ? 'negative' : '';
  const head = strength === 'negligible' || !dir ? strength : `${strength} ${dir}`;
  const sig =
    row.pAdjusted !== null && row.pAdjusted < alpha
      ? 'significant after adjustment'
      : row.p !== null && row.p < alpha
        ? 'not significant after adjustment'
        : 'not significant';
  return `${head} within developers, ${sig} (${row.developers} developers)`;
}

function buildHealth(
  input: TeamInput,
  days: string[],
  devices: string[],
  byDevice: Map<string, Sums>,
  byDev: Map<string, Sums>,
  deviceDevs: Map<string, Set<string>>,
  until: string | null,
  duplicateCommitRows: number,
  duplicatePrRows: number,
): TeamHealth {
  const count = (xs: Array<string | null>) => {
    const out: Record<string, number> = {};
    for (const x of xs) out[String(x)] = (out[String(x)] ?? 0) + 1;
    return out;
  };
  const used = input.exports.filter((e) => e.status === 'used');
  const lastExport = new Map<string, string>();
  for (const e of used) if (e.deviceId && e.exportedAt) lastExport.set(e.deviceId, e.exportedAt);
  const deviceHealth: DeviceHealth[] = devices.map((device) => {
    const s = byDevice.get(device);
    const active = s ? s.events.flatMap((v, i) => (v > 0 ? [i] : [])) : [];
    const first = active.length ? days[active[0]!]! : null;
    const last = active.length ? days[active[active.length - 1]!]! : null;
    const missing: string[] = [];
    // A weekday is missing when none of the device's developers had events that day on any device (a
    // developer alternating between a laptop and a desktop leaves no gap).
    const devs = [...(deviceDevs.get(device) ?? [])].map((d) => byDev.get(d)).filter((x): x is Sums => !!x);
    const seenAnywhere = (i: number) => devs.some((d) => d.events[i]! > 0);
    if (s && active.length)
      for (let i = active[0]!; i <= active[active.length - 1]!; i++) if (s.events[i] === 0 && !isWeekend(days[i]!) && !seenAnywhere(i)) missing.push(days[i]!);
    const exp = lastExport.get(device) ?? null;
    return {
      device,
      developers: [...(deviceDevs.get(device) ?? [])].sort(),
      days: active.length,
      first,
      last,
      missingWeekdays: missing,
      lastExport: exp,
      late: !!(exp && until && exp.slice(0, 10) < until),
    };
  });
  const keyIds = [...new Set(used.map((e) => e.keyId))];
  const warnings: string[] = [];
  for (const e of input.exports) for (const p of e.problems) warnings.push(`${e.root}: ${p}`);
  if (keyIds.length > 1)
    warnings.push(
      `exports use ${keyIds.length} different pseudonymizations (${keyIds.map((k) => k ?? 'none').join(', ')}): ids cannot be joined across them, so a person who exported both ways counts as two developers`,
    );
  for (const d of deviceHealth) {
    if (d.late) warnings.push(`device ${d.device} last exported ${d.lastExport}, before the period's end (${until}): its latest days may be missing`);
    if (d.missingWeekdays.length) warnings.push(`device ${d.device} has no events on ${d.missingWeekdays.length} weekday(s) between ${d.first} and ${d.last}`);
  }
  const multi = [...deviceDevs.entries()].filter(([, s]) => s.size > 1);
  for (const [device, devs] of multi) warnings.push(`device ${device} carries events of ${devs.size} developers`);
  return {
    exports: input.exports.map(({ paths: _p, missingFiles, unlistedFiles, foreignFiles, ...e }) => ({
      ...e,
      missingFiles: missingFiles.length,
      unlistedFiles: unlistedFiles.length,
      foreignFiles: foreignFiles.length,
    })),
    schemaVersions: count(input.exports.map((e) => (e.schemaVersion === null ? null : String(e.schemaVersion)))),
    exporterVersions: count(input.exports.map((e) => e.exporterVersion)),
    keyIds,
    devices: deviceHealth,
    coverage: { days, devices: devices.map((device) => ({ device, events: byDevice.get(device)?.events.slice() ?? days.map(() => 0) })) },
    duplicateCommitRows,
    duplicatePrRows,
    warnings,
  };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function headline(r: TeamReport): string[] {
  const out: string[] = [];
  const t = r.totals;
  out.push(
    `${r.developers.length} developer(s) on ${r.devices.length} device(s), ${r.period.since ?? '—'} to ${r.period.until ?? '—'}: ` +
      `${fmt(t.requests ?? 0)} requests, ${fmt(t.total_tokens ?? 0)} tokens, $${(t.cost_usd ?? 0).toFixed(2)}, ${fmt(t.commits ?? 0)} commits, ${fmt(t.merged_prs ?? 0)} merged PRs` +
      (t.merge_hours !== null ? ` (${t.merge_hours.toFixed(1)} h to merge on average)` : ''),
  );
  const last = [...r.adoption].reverse().find((w) => w.activeDevelopers > 0);
  if (last)
    out.push(`Week of ${last.week}: ${last.aiDevelopers} of ${last.activeDevelopers} active developers used AI (${Math.round((last.share ?? 0) * 100)}%).`);
  const c = r.correlations;
  if (c.status !== 'ok') out.push(`Association: ${c.reason}.`);
  else {
    const sig = c.rows.filter((x) => x.pAdjusted !== null && x.pAdjusted < c.alpha).sort((a, b) => Math.abs(b.r ?? 0) - Math.abs(a.r ?? 0));
    if (sig.length === 0)
      out.push(
        `No within-developer association between AI use and delivery is significant after adjustment (${c.familySize} tests, ${c.eligibleDevelopers} developers).`,
      );
    else {
      const s = sig[0]!;
      out.push(
        `Within developers, ${s.ai} and ${s.outcome} ${s.lag ? `${s.lag} working day(s) later` : 'the same day'}: r = ${s.r!.toFixed(2)} [${s.ci!.lower.toFixed(2)}, ${s.ci!.upper.toFixed(2)}], adjusted p = ${s.pAdjusted!.toPrecision(2)} (${sig.length} of ${c.familySize} tests significant).`,
      );
    }
  }
  if (r.health.warnings.length) out.push(`Data health: ${r.health.warnings.length} warning(s), see below.`);
  return out;
}
