/**
 * The report model: one JSON-serializable object built by the core and rendered by the webview, the
 * standalone HTML page and `prodlens report --json`, so all of them agree. Documented in docs/report.md;
 * bump REPORT_SCHEMA_VERSION on incompatible changes. No NaN or Infinity anywhere: unknown is null.
 */
import type { SeriesKey } from '../analyze/series';
import type { GroupedSeries } from './grouping';
import type { ExperimentSummary } from '../experiments/analysis';
import type { PerceivedSection } from './perceived';

export const REPORT_SCHEMA_VERSION = 3;

/** The sessions table lists at most this many sessions (the newest). */
export const SESSIONS_LISTED = 100;

export interface ReportFilter {
  /** Inclusive UTC day `YYYY-MM-DD`; default: the first day with data. */
  since?: string;
  /** Inclusive UTC day `YYYY-MM-DD`; default: today (UTC). */
  until?: string;
  /** `owner/name`; `''` selects records without a repository. */
  repo?: string | null;
  /** Developer id (usually an email); `''` selects records without one. */
  developer?: string | null;
  /** A `source` value (claude-code-otel, editor, …). */
  source?: string | null;
  /** A model name; `''` selects requests that name no model. AI numbers are that model's share. */
  model?: string | null;
  /**
   * Whose outcomes: `mine` (default, the personal report) relates AI use to the developer's own commits
   * (`is_mine`, .mailmap honoured) and pull requests (the GitHub login ProdLens synced as); `all` to every
   * author's. An explicit `developer` filter takes that developer's commits by author email instead.
   */
  scope?: 'mine' | 'all';
}

/** Whose outcomes the report relates AI use to, and how much of the AI activity has a developer and repository. */
export interface Attribution {
  scope: 'mine' | 'all';
  /** The developer of the personal view (setting, flag or git user.email), when known. */
  developer: string | null;
  /** What `series.commits` counts: the developer's own commits, every author's, or (developer filter) that author's. */
  commits: 'mine' | 'all' | 'developer';
  /** What the PR series count: the GitHub logins' PRs, every author's, or nothing (developer filter: null series). */
  pullRequests: 'mine' | 'all' | 'none';
  /** The GitHub logins ProdLens synced as (the personal PRs' authors). */
  githubLogins: string[];
  /** Commits of the period (merges excluded): the developer's own and every author's. */
  commitsMine: number;
  commitsAll: number;
  /** AI events of the period (requests, errors, insertions, agent edits), and how many have no developer / repository. */
  events: number;
  eventsWithoutDeveloper: number;
  eventsWithoutRepo: number;
  /** Plain-language notes (a fallback to every author, events without a developer). */
  notes: string[];
}

export type Unit = 'count' | 'tokens' | 'usd' | 'ms' | 'ratio' | 'hours' | 'lines';

export interface Headline {
  key: string;
  label: string;
  unit: Unit;
  value: number | null;
  previous: number | null;
  /**
   * (value − previous) / previous in %; null when either is null, previous is 0, or the previous period was
   * not measured on every day (then `note` says so).
   */
  changePct: number | null;
  note: string | null;
}

export interface SeriesInfo {
  key: SeriesKey;
  label: string;
  unit: Unit;
  family: 'ai' | 'outcome';
  description: string;
}

/**
 * One (AI series, outcome series, method, lag) on the developer's working days. Spearman rows are the tests
 * (`role: 'test'`, one Benjamini–Hochberg family); Pearson rows are checks (`role: 'check'`): r and interval
 * only, `p` and `pAdjusted` null, and their reading never says significant.
 */
export interface CorrelationRow {
  ai: SeriesKey;
  outcome: SeriesKey;
  method: 'pearson' | 'spearman';
  role: 'test' | 'check';
  /** Working days: AI on working day i, the outcome on working day i + lag. */
  lag: number;
  /** Working-day pairs with both values. */
  n: number;
  /** Effective number of independent pairs (autocorrelation), behind p and the interval; null without r. */
  nEffective: number | null;
  /** null with `status` explaining why (not enough data, constant series). */
  r: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Two-sided, autocorrelation-aware (t with nEffective − 2 df); null for checks and rows without r. */
  p: number | null;
  /** Benjamini–Hochberg adjusted over every test row with a p-value — the p the reading relies on. */
  pAdjusted: number | null;
  status: 'ok' | 'not-enough-data' | 'undefined';
  /** Plain-language reading, e.g. "moderate positive, significant after adjustment". */
  reading: string;
}

/**
 * High-AI vs low-AI working days (split at the median of the AI values of the pairs) for one (AI, outcome,
 * lag): the outcome on working day i + lag. Intervals are 95% and allow for autocorrelation.
 */
export interface EffectRow {
  ai: SeriesKey;
  outcome: SeriesKey;
  lag: number;
  nHigh: number;
  nLow: number;
  meanHigh: number | null;
  meanLow: number | null;
  /** meanHigh − meanLow, in the outcome's unit per working day. */
  difference: number | null;
  differenceLow: number | null;
  differenceHigh: number | null;
  cohensD: number | null;
  dLow: number | null;
  dHigh: number | null;
  /** (meanHigh − meanLow) / meanLow in %. */
  changePct: number | null;
  changeLow: number | null;
  changeHigh: number | null;
  nEffective: number | null;
  reading: string;
}

export interface ModelRow {
  model: string | null;
  /**
   * True on the row of editor insertions whose model is unknown (no agent edit matched them): shown as
   * "editor (model unknown)", apart from requests whose model their source did not name (`model` null too).
   */
  editorUnknown?: boolean;
  requests: number;
  errors: number;
  totalTokens: number;
  outputTokens: number;
  cacheTokens: number;
  costUsd: number;
  unpricedRequests: number;
  insertions: number;
  acceptedInsertions: number;
  acceptanceRate: number | null;
  acceptedLines: number;
}

export interface BreakdownRow {
  key: string | null;
  requests: number;
  totalTokens: number;
  costUsd: number;
  insertions: number;
  acceptedLines: number;
  commits: number | null;
}

export interface SourceHealth {
  source: string;
  /** Time of the newest record from this source. */
  lastEventAt: string | null;
  /** When ProdLens last received anything from it. */
  lastReceivedAt: string | null;
  recordsReceived: number;
  eventsToday: number;
  deadLetters: number;
}

export interface DeadLetterSummary {
  total: number;
  byReason: Array<{ reason: string; count: number }>;
  /** Size, hash prefix and path of what failed; never the input text. `detail` joins them for display. */
  recent: Array<{
    receivedAt: string;
    source: string;
    reason: string;
    bytes: number | null;
    hash: string | null;
    path: string | null;
    count: number;
    detail: string;
  }>;
}

export interface Efficiency {
  tokensPerAcceptedLine: number | null;
  costPerAcceptedLine: number | null;
  costPerMergedPr: number | null;
  /** Accepted lines per 1,000 output tokens. */
  acceptedLinesPer1kOutputTokens: number | null;
  /** Sessions this period vs the previous period of equal length, in % (null unless that period was fully measured). */
  sessionGrowthPct: number | null;
}

/** One agent session of the period (the report's sessions table). */
export interface SessionRow {
  sessionId: string;
  /** claude-code, codex, gemini-cli, …; null when no record names one. */
  agent: string | null;
  /** The model with the most requests, and how many models the session used. */
  model: string | null;
  modelCount: number;
  developer: string | null;
  repo: string | null;
  /** First and last event inside the period (ISO instants). */
  start: string;
  end: string;
  durationMs: number;
  /** The UTC day of `start` (a click filters the report to it). */
  day: string;
  requests: number;
  errors: number;
  totalTokens: number;
  cacheTokens: number;
  costUsd: number;
  unpricedRequests: number;
}

export interface ReportModel {
  schemaVersion: number;
  generatedAt: string;
  filter: { since: string; until: string; repo: string | null; developer: string | null; source: string | null; model?: string | null };
  previousPeriod: { since: string; until: string };
  /** IANA time zone of the report's days (local days); absent in models from before local days. */
  timeZone?: string;
  /**
   * Active editor minutes per day of `days` (editor presence, counts only); null on days before the
   * presence tracker first ran. Absent in models from before presence tracking.
   */
  activeMinutes?: Array<number | null>;
  /** The price table behind estimated costs, shown wherever a cost is shown. */
  priceTable: string;
  /** Values for the filter controls. */
  options: { repos: Array<string | null>; developers: Array<string | null>; sources: string[]; models?: Array<string | null> };
  empty: boolean;
  headline: Headline[];
  days: string[];
  series: Record<SeriesKey, Array<number | null>>;
  seriesInfo: SeriesInfo[];
  coverage: {
    ai: { first: string; last: string } | null;
    commits: { first: string; last: string } | null;
    pullRequests: { first: string; last: string } | null;
  };
  correlations: {
    /** In working days. */
    lags: number[];
    minPairs: number;
    /** Test rows with a p-value: the size of the one Benjamini–Hochberg family. */
    tested: number;
    rows: CorrelationRow[];
    cached: boolean;
    /** Which days the analysis used. */
    calendar: { days: number; workingDays: number; basis: 'presence' | 'activity'; presenceDays: number };
    /** How rows are tested: which method is the test, which the check, how p is made and adjusted. */
    method: {
      test: 'pearson' | 'spearman';
      check: 'pearson' | 'spearman';
      pValue: string;
      adjustment: 'benjamini-hochberg';
      familySize: number;
      alpha: number;
    };
    /** Test rows without a p-value, grouped by reason (shown as one line each). */
    untested: Array<{ count: number; reason: string }>;
    /** One sentence naming the days and the method, shown above the table. */
    summary: string;
  };
  effects: EffectRow[];
  efficiency: Efficiency;
  models: ModelRow[];
  byRepo: BreakdownRow[];
  byDeveloper: BreakdownRow[];
  health: {
    sources: SourceHealth[];
    deadLetters: DeadLetterSummary;
    priceTable: string;
    eventsToday: number;
    totalEvents: number;
  };
  /** Plain-language definitions shown with the numbers. */
  definitions: Record<string, string>;
  /** The period's agent sessions, newest start first: the newest `SESSIONS_LISTED` of `sessionsTotal`. */
  sessions?: SessionRow[];
  /** Sessions active in the period, each once (under a model filter: those with a request to it). */
  sessionsTotal?: number;
  /** The series by week or month, when asked for (`prodlens report --group week|month`). */
  grouped?: GroupedSeries;
  /** Whose outcomes the series count and how well AI rows are attributed (absent in models built before it). */
  attribution?: Attribution;
  /** Experience sampling: survey ratings next to the rated sessions' measures (absent without answers). */
  perceived?: PerceivedSection | null;
  /** The newest self-experiment overlapping the period, analysed as of generation (absent without one). */
  experiment?: ExperimentSummary | null;
}
