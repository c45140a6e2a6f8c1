import type { SeriesFilter } from '../analyze/series';
import { daysBetween, shiftDay } from '../day';
import type { PriceTable } from '../pricing';
import type { Store } from '../store/store';
import { presenceByDay } from '../store/presence-repo';
import { correlationsSection, PRESENCE_SERIES, type AnalysisOptions } from './correlations';
import { experimentSection } from './experiment';
import { perceivedSection } from './perceived';
import { surveyAnswers } from '../store/survey-reader';
import { DEFINITIONS, SERIES_INFO } from './definitions';
import { attributionCounts, commitCounts, githubLogins, hasOwnCommitIdentity, hasPullRequests } from '../store/attribution-repo';
import { REPORT_SCHEMA_VERSION, type Attribution, type ReportFilter, type ReportModel } from './model';
import { applyModelSeries } from './model-filter';
import { modelDays, modelNames, modelSessions, modelWhere } from '../store/model-series';
import { sessionsInRangeSteps } from '../store/usage-reader';
import { SESSIONS_LISTED, type SessionRow } from './model';
import { distinctSessions } from '../store/model-series';
import { breakdown, efficiency, headline, models, periodTotals } from './sections';
import {
  coarseWhere,
  daysWhere,
  deadLetters,
  filterOptions,
  firstDataDay,
  mineOnly,
  sessionCount,
  sourceHealth,
  totalRecordsReceived,
  whereOf,
} from '../store/report-reader';
import { dailySeriesSteps } from '../store/series-reader';

export interface ReportOptions {
  prices: PriceTable;
  nowMs: number;
  analysis?: AnalysisOptions;
  /** The developer of the personal view (prodlens.developerId / $PRODLENS_DEVELOPER, else git user.email), shown. */
  developer?: string | null;
}

/**
 * Builds the report model for a filter. Reads the day-level rollups (kept current by the store's writes),
 * the outcome tables and the health tables; never scans the raw events. Days, periods and "today" are the
 * developer's local days in the store's zone (`store.zone`; `Store.setTimeZone` changes it).
 */
export function buildReport(store: Store, filter: ReportFilter, opts: ReportOptions): ReportModel {
  const steps = reportSteps(store, filter, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `buildReport` for the extension host (issue 15: the host never waits on bulk work): the same steps, the
 * event loop turning between its queries, so the collector and the UI keep answering while a report is
 * built over a large store. Rejects with the signal's reason once `signal` is aborted (a newer build
 * superseded this one). The store may change between steps (a live ingest): the model is as consistent
 * as a live update's, and the next update follows.
 */
export async function buildReportAsync(store: Store, filter: ReportFilter, opts: ReportOptions, signal?: AbortSignal): Promise<ReportModel> {
  const steps = reportSteps(store, filter, opts);
  for (;;) {
    signal?.throwIfAborted();
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The report's queries in order, yielding between them (buildReport runs them at once). */
function* reportSteps(store: Store, filter: ReportFilter, opts: ReportOptions): Generator<void, ReportModel> {
  const zone = store.zone;
  const today = zone.dayOf(opts.nowMs);
  const until = filter.until ?? today;
  const since = filter.since ?? firstDataDay(store, zone) ?? until;
  const days = daysBetween(since, until) + 1;
  const prevUntil = shiftDay(since, -1);
  const prevSince = shiftDay(since, -days);
  const dims = { repo: filter.repo ?? null, developer: filter.developer ?? null, source: filter.source ?? null };
  const who = attributionScope(store, filter.scope ?? 'mine', dims.developer !== null);
  const f: SeriesFilter = { since, until, ...dims, zone, mineOnly: who.commits === 'mine', prAuthors: who.pullRequests === 'mine' ? who.logins : null };
  yield;

  // A model filter (a click on a model row) narrows the AI numbers to that model's share.
  const model = filter.model ?? null;
  const forModel = (s: string, u: string) => ({ ...f, since: s, until: u, model: model! });
  const series = function* (s: string, u: string) {
    const set = yield* dailySeriesSteps(store, { ...f, since: s, until: u });
    if (model === null) return set;
    yield;
    const perModel = modelDays(store, forModel(s, u));
    yield;
    return applyModelSeries(set, perModel, modelSessions(store, forModel(s, u)).perDay);
  };
  const sessionsOf = (s: string, u: string) => (model === null ? sessionCount(store, s, u, dims) : modelSessions(store, forModel(s, u)).total);
  const current = yield* series(since, until);
  yield;
  const previous = yield* series(prevSince, prevUntil);
  yield;
  // Sessions are "not measured" (null), not 0, for a period ProdLens saw no AI activity in at all.
  const measured = (s: typeof current) => s.series.requests.some((v) => v !== null);
  const curTotals = periodTotals(current.series, measured(current) ? sessionsOf(since, until) : null, current.periodLatency.p50);
  yield;
  const prevTotals = periodTotals(previous.series, measured(previous) ? sessionsOf(prevSince, prevUntil) : null, previous.periodLatency.p50);
  yield;
  const w = model === null ? whereOf(f) : modelWhere(forModel(since, until));
  // Commits count on the local day of their UTC author time: the period is an instant range.
  const commitW = whereOf({ ...f, source: null }, 'author_email', [
    new Date(zone.startOf(since)).toISOString(),
    new Date(zone.startOf(shiftDay(until, 1))).toISOString(),
  ]);
  // Without filters the per-model and per-repo/developer tables come from the coarse rollups.
  const unfiltered = dims.repo === null && dims.developer === null && !dims.source && model === null;
  const coarse = (dim: 'repo' | 'developer') => ({ table: 'daily_totals', by: 'value', where: coarseWhere(dim, since, until) });
  const totalEvents = totalRecordsReceived(store);
  const sources = sourceHealth(store, today);
  yield;
  // Editor presence marks working days (the working calendar); null before the tracker first ran.
  const activeMinutes = presenceByDay(store, zone, since, until, dims.developer);
  yield;
  const stats = correlationsSection(
    store,
    { since, until, ...dims, scope: model === null ? who.key : `${who.key}:model:${model}`, timeZone: zone.timeZone },
    current.days,
    { ...current.series, [PRESENCE_SERIES]: activeMinutes },
    opts.analysis ?? {},
    new Date(opts.nowMs).toISOString(),
  );
  if (stats.cacheWrite) store.markDirty();
  yield;
  const options = { ...filterOptions(store), models: modelNames(store) };
  yield;
  const modelRows = models(store, unfiltered ? daysWhere(since, until) : w, unfiltered ? 'daily_model_totals' : 'daily_model');
  yield;
  const byRepo = breakdown(
    store,
    unfiltered ? coarse('repo') : { table: model === null ? 'daily_activity' : 'daily_model', by: 'repo_slug', where: w },
    who.commits === 'mine' ? mineOnly(commitW) : commitW,
    'repo_slug',
  );
  yield;
  const byDeveloper = breakdown(
    store,
    unfiltered ? coarse('developer') : { table: model === null ? 'daily_activity' : 'daily_model', by: 'developer_id', where: w },
    commitW,
    'author_email',
  );
  yield;
  const dead = deadLetters(store);
  yield;
  const sessionsTotal = model === null ? distinctSessions(store, since, until, dims) : modelSessions(store, forModel(since, until)).total;
  yield;
  const sessions = yield* sessionsSection(store, since, until, { ...dims, model }, sessionsTotal);
  yield;
  const perceived = perceivedSection(surveyAnswers(store, since, until));
  const experiment = experimentSection(store, since, until, opts.nowMs);
  yield;
  const attribution = attributionSection(store, since, until, filter.scope ?? 'mine', opts.developer ?? null, who);

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: new Date(opts.nowMs).toISOString(),
    filter: { since, until, ...dims, ...(model === null ? {} : { model }) },
    previousPeriod: { since: prevSince, until: prevUntil },
    timeZone: zone.timeZone,
    priceTable: opts.prices.version,
    options,
    empty: totalEvents === 0 && !current.coverage.commits && !current.coverage.pullRequests,
    headline: headline(curTotals, prevTotals),
    days: current.days,
    series: current.series,
    activeMinutes,
    seriesInfo: SERIES_INFO,
    coverage: current.coverage,
    correlations: stats.correlations,
    effects: stats.effects,
    efficiency: efficiency(curTotals, prevTotals),
    models: modelRows,
    byRepo,
    byDeveloper,
    health: {
      sources,
      deadLetters: dead,
      priceTable: opts.prices.version,
      eventsToday: sources.reduce((a, s) => a + s.eventsToday, 0),
      totalEvents,
    },
    definitions: DEFINITIONS,
    ...sessions,
    perceived,
    experiment,
    attribution,
  };
}

interface Who {
  commits: 'mine' | 'all' | 'developer';
  pullRequests: 'mine' | 'all' | 'none';
  logins: string[];
  /** Part of the correlation cache key. */
  key: string;
}

/**
 * Whose commits and PRs the series count. The personal view needs to know who "mine" is: commits only when
 * some commit was synced with the developer's identity (`is_mine` not null), PRs only when the GitHub login is
 * known; otherwise it falls back to every author and the attribution notes say so.
 */
function attributionScope(store: Store, scope: 'mine' | 'all', developerFilter: boolean): Who {
  if (developerFilter) return { commits: 'developer', pullRequests: 'none', logins: [], key: 'developer' };
  if (scope === 'all') return { commits: 'all', pullRequests: 'all', logins: [], key: 'all' };
  const logins = githubLogins(store);
  const commits = hasOwnCommitIdentity(store) ? 'mine' : 'all';
  const pullRequests = logins.length ? 'mine' : 'all';
  return { commits, pullRequests, logins, key: `mine:${commits}:${pullRequests}:${logins.join(',')}` };
}

function attributionSection(store: Store, since: string, until: string, scope: 'mine' | 'all', developer: string | null, who: Who): Attribution {
  const ev = attributionCounts(store, since, until);
  const c = commitCounts(store, since, until);
  const notes: string[] = [];
  if (scope === 'mine' && who.commits === 'all') {
    notes.push(
      "Commits: every author's — no commit was synced with your identity yet (set git user.email or prodlens.developerId / --developer, then sync git again).",
    );
  }
  if (scope === 'mine' && who.pullRequests === 'all' && hasPullRequests(store)) {
    notes.push("Pull requests: every author's — the GitHub login ProdLens syncs as is not known yet (sync GitHub once).");
  }
  if (ev.withoutDeveloper) notes.push(`${ev.withoutDeveloper} AI event(s) in this period without a developer (no identity was known when they were recorded).`);
  if (ev.withoutRepo) notes.push(`${ev.withoutRepo} AI event(s) in this period without a repository.`);
  return {
    scope,
    developer,
    commits: who.commits,
    pullRequests: who.pullRequests,
    githubLogins: who.logins.length ? who.logins : githubLogins(store),
    commitsMine: c.mine,
    commitsAll: c.all,
    events: ev.events,
    eventsWithoutDeveloper: ev.withoutDeveloper,
    eventsWithoutRepo: ev.withoutRepo,
    notes,
  };
}

function* sessionsSection(
  store: Store,
  since: string,
  until: string,
  f: Parameters<typeof sessionsInRangeSteps>[3],
  total: number,
): Generator<void, Pick<ReportModel, 'sessions' | 'sessionsTotal'>> {
  const sessions = yield* sessionsInRangeSteps(store, since, until, f, SESSIONS_LISTED);
  const rows: SessionRow[] = sessions.map((s) => ({
    sessionId: s.sessionId,
    agent: s.agent,
    model: s.model,
    modelCount: s.modelCount,
    developer: s.developerId,
    repo: s.repoSlug,
    start: new Date(s.startMs).toISOString(),
    end: new Date(s.endMs).toISOString(),
    durationMs: s.endMs - s.startMs,
    day: store.zone.dayOf(s.startMs),
    requests: s.requests,
    errors: s.errors,
    totalTokens: s.totalTokens,
    cacheTokens: s.cacheTokens,
    costUsd: s.costUsd,
    unpricedRequests: s.unpricedRequests,
  }));
  return { sessions: rows, sessionsTotal: total };
}
