import { EVENT_KINDS, SOURCES } from '../model';
import { DIFF_RATIO_DEFINITION } from '../retention/similarity';
import type { ColumnType } from './columns';
import { compactTable, DAILY_USAGE_TABLE } from '../store/whole-dataset-sql';

/**
 * The exported datasets: one folder each, hive-partitioned. This file is the export's contract with the
 * central team (docs/export.md describes the same, a test keeps them in step): renaming a column, changing a
 * type or a partition key is a breaking change and bumps EXPORT_SCHEMA_VERSION; adding a column at the end
 * is not.
 */
export const EXPORT_SCHEMA_VERSION = 2;

export interface ColumnSpec {
  /** Column name in the Parquet files. */
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** SQL expression read from the table (default: the column name). */
  sql?: string;
  /** Filled by the exporter instead of read: the partition's day, or the exporting device's id. */
  fill?: 'day' | 'device';
  /** Replaced by a keyed HMAC with --pseudonymize. */
  identity?: boolean;
  /**
   * Values SQLite returns as their index instead of the string (a string crossing from sql.js costs a UTF-8
   * decode): a fixed list, or the dataset's repositories / the store's developers, looked up per export.
   * Other values still come through as strings.
   */
  known?: readonly string[] | 'repositories' | 'developers';
  unit?: string;
  description: string;
}

export interface DatasetSpec {
  name: DatasetName;
  /** Folder under the output folder (`/`-separated). */
  dir: string;
  table: string;
  /** SQL giving the row's UTC day (`YYYY-MM-DD`); null when the dataset is not partitioned by day. */
  dayExpr: string | null;
  /** SQL giving the row's repository slug; null when the dataset is not partitioned by repository. */
  repoExpr: string | null;
  /**
   * How rows are found: `range` scans the rowid range of each day (tables that grow in time order, with an
   * index leading with event_date to find the range), `day` queries each day through its index, `all` reads
   * the (small) table once.
   */
  read: 'range' | 'day' | 'all';
  /** Row order inside a file, so the same rows give the same bytes. */
  orderBy: string;
  columns: ColumnSpec[];
  /** Omitted from an export restricted to one repository (the rows are not per repository). */
  perRepository: boolean;
  /**
   * Whole datasets (the `_aggregates` copies `prodlens team` reads): not partitioned, one file per export,
   * read with one query, and rewritten only when the partitions of the dataset they are computed `from`
   * changed. `dayExpr`/`repoExpr` are the expressions the export's --since/--until/--repo filter applies to
   * (substituted for `$where` in `table`).
   */
  whole?: { dayExpr: string; repoExpr: string; from: DatasetName };
  description: string;
}

export type DatasetName =
  | 'sessions'
  | 'metric_points'
  | 'commits'
  | 'pull_requests'
  | 'daily_session_metrics'
  | 'daily_github_metrics'
  | 'correlations'
  | 'experiment_units'
  | 'daily_usage'
  | 'commits_compact'
  | 'pull_requests_compact';

const COST_SOURCES = ['estimated', 'reported', 'unknown'] as const;
/** Usual agents (others still export, as strings). */
const AGENTS = ['claude-code', 'codex', 'gemini-cli', 'copilot', 'cursor'] as const;

const ms = (c: string) => `CAST(round(unixepoch(${c}, 'subsec') * 1000) AS INTEGER)`;
const device = (description = 'Random id of the ProdLens installation that exported the row (stable per database).'): ColumnSpec => ({
  name: 'device_id',
  type: 'dict',
  nullable: false,
  fill: 'device',
  description,
});
const day = (description: string): ColumnSpec => ({ name: 'event_date', type: 'date32', nullable: true, fill: 'day', description });

/** The event table: the seed's columns first, then ProdLens's (src/core/store/schema.ts EVENT_COLUMNS order). */
const sessions: DatasetSpec = {
  name: 'sessions',
  dir: 'sessions',
  table: 'sessions',
  dayExpr: 'event_date',
  repoExpr: 'repo_slug',
  read: 'range',
  orderBy: 'id',
  perRepository: true,
  description: 'One row per model request, error, tool call or AI edit (the canonical AI event).',
  columns: [
    { name: 'session_id', type: 'dict', nullable: true, description: 'Agent or editor session id.' },
    {
      name: 'developer_id',
      type: 'dict',
      nullable: true,
      identity: true,
      known: 'developers',
      description: 'Developer (email lower-cased, or the id the source gave); an HMAC pseudonym with --pseudonymize.',
    },
    { name: 'timestamp', type: 'timestamp_ms', nullable: false, sql: 'ts_ms', unit: 'ms, UTC', description: 'When the event happened.' },
    { name: 'model', type: 'dict', nullable: true, description: 'Model name as the source reported it.' },
    { name: 'tokens_in', type: 'int64', nullable: true, unit: 'tokens', description: 'Input tokens not read from or written to a cache.' },
    { name: 'tokens_out', type: 'int64', nullable: true, unit: 'tokens', description: 'Output tokens.' },
    { name: 'latency_ms', type: 'float64', nullable: true, unit: 'ms', description: 'Request duration.' },
    { name: 'status_code', type: 'int32', nullable: true, description: 'HTTP-like status of the request (200, 429, 529, …).' },
    { name: 'accepted_flag', type: 'bool', nullable: true, description: 'Whether an AI edit or suggestion was accepted.' },
    {
      name: 'repo_slug',
      type: 'dict',
      nullable: true,
      known: 'repositories',
      description: 'Repository `owner/name` (the true value; the `repo` partition is its path-safe form).',
    },
    day('UTC day of `timestamp` (also the `event_date` partition).'),
    { name: 'total_tokens', type: 'int64', nullable: true, unit: 'tokens', description: '`tokens_in + tokens_out` (cache tokens excluded).' },
    {
      name: 'cost_usd',
      type: 'float64',
      nullable: true,
      unit: 'USD',
      description: 'Cost: reported by the source, else estimated from the bundled price table (see cost_source).',
    },
    { name: 'diff_ratio', type: 'float64', nullable: true, unit: 'ratio 0–1', description: DIFF_RATIO_DEFINITION },
    { name: 'accepted_lines', type: 'int64', nullable: true, unit: 'lines', description: 'Lines of an AI edit still present at the last checkpoint.' },
    {
      name: 'trace_hash',
      type: 'utf8',
      nullable: false,
      description: 'Stable hash of the identifying fields: the same event from two exports has the same hash.',
    },
    {
      name: 'source',
      type: 'dict',
      nullable: false,
      known: SOURCES,
      description: 'Producer and channel (claude-code-otel, claude-code-transcript, codex-otel, litellm, editor, …).',
    },
    {
      name: 'kind',
      type: 'dict',
      nullable: false,
      known: EVENT_KINDS,
      description:
        'request, error, edit, tool, prompt, session or survey (an experience-sampling answer: attrs holds productivity 1–5, faster_without_ai, trigger).',
    },
    { name: 'cache_read_tokens', type: 'int64', nullable: true, unit: 'tokens', description: 'Input tokens read from the prompt cache.' },
    { name: 'cache_write_tokens', type: 'int64', nullable: true, unit: 'tokens', description: 'Input tokens written to the prompt cache.' },
    { name: 'tool_name', type: 'dict', nullable: true, description: 'Tool of a tool event.' },
    { name: 'branch', type: 'dict', nullable: true, description: 'Git branch.' },
    // NULLIF: the usual value (this device) crosses from SQLite as a cheap NULL and is filled back in JS.
    {
      name: 'device_id',
      type: 'dict',
      nullable: false,
      sql: 'NULLIF(device_id, $device)',
      fill: 'device',
      description: 'Installation that captured the event (random, stable per database).',
    },
    {
      name: 'cost_source',
      type: 'dict',
      nullable: false,
      known: COST_SOURCES,
      description: 'reported, estimated or unknown (unknown model: cost_usd is NULL, not 0).',
    },
    { name: 'reasoning_tokens', type: 'int64', nullable: true, unit: 'tokens', description: 'Reasoning tokens, when the source reports them separately.' },
    { name: 'lines_added', type: 'int64', nullable: true, unit: 'lines', description: 'Lines added by an AI edit.' },
    { name: 'lines_removed', type: 'int64', nullable: true, unit: 'lines', description: 'Lines removed by an AI edit.' },
    { name: 'language', type: 'dict', nullable: true, description: 'Editor language id of an edit.' },
    { name: 'agent', type: 'dict', nullable: true, known: AGENTS, description: 'Agent behind the event (claude-code, codex, gemini-cli, copilot, …).' },
    { name: 'price_version', type: 'dict', nullable: true, description: 'Version of the price table behind an estimated cost.' },
    { name: 'attrs', type: 'utf8', nullable: true, description: 'Small metadata as a JSON object string (never prompt text or code).' },
    {
      name: 'duplicate_of',
      type: 'utf8',
      nullable: true,
      description: 'trace_hash of the event this row repeats through another channel; exclude such rows from sums.',
    },
    {
      name: 'local_date',
      type: 'date32',
      nullable: true,
      description: "The developer's local day of `timestamp` (the time zone ProdLens was set to when exporting); event_date stays the UTC day.",
    },
  ],
};

const metricPoints: DatasetSpec = {
  name: 'metric_points',
  dir: 'metric_points',
  table: 'metric_points',
  dayExpr: 'event_date',
  repoExpr: 'repo_slug',
  read: 'range',
  orderBy: 'id',
  perRepository: true,
  description: 'OpenTelemetry metric data points (e.g. Claude Code counters), one row per point.',
  columns: [
    { name: 'point_hash', type: 'utf8', nullable: false, description: 'Stable hash of the point.' },
    { name: 'source', type: 'dict', nullable: false, known: SOURCES, description: 'Producer and channel.' },
    { name: 'name', type: 'dict', nullable: false, description: 'Metric name (e.g. claude_code.token.usage).' },
    { name: 'unit', type: 'dict', nullable: true, description: 'Unit as the source declared it.' },
    { name: 'temporality', type: 'dict', nullable: false, description: 'delta, cumulative or gauge.' },
    { name: 'value', type: 'float64', nullable: false, unit: 'see unit', description: 'The value.' },
    { name: 'start_time', type: 'timestamp_ms', nullable: true, sql: 'start_ms', unit: 'ms, UTC', description: 'Start of the aggregation interval.' },
    { name: 'timestamp', type: 'timestamp_ms', nullable: false, sql: 'ts_ms', unit: 'ms, UTC', description: 'Time of the point.' },
    day('UTC day of `timestamp`.'),
    { name: 'session_id', type: 'dict', nullable: true, description: 'Session id.' },
    { name: 'developer_id', type: 'dict', nullable: true, identity: true, known: 'developers', description: 'Developer; pseudonym with --pseudonymize.' },
    { name: 'model', type: 'dict', nullable: true, description: 'Model.' },
    { name: 'repo_slug', type: 'dict', nullable: true, known: 'repositories', description: 'Repository `owner/name`.' },
    { name: 'branch', type: 'dict', nullable: true, description: 'Git branch.' },
    {
      name: 'device_id',
      type: 'dict',
      nullable: false,
      sql: 'NULLIF(device_id, $device)',
      fill: 'device',
      description: 'Installation that captured the point.',
    },
    { name: 'attrs', type: 'utf8', nullable: true, description: 'Point attributes as a JSON object string.' },
  ],
};

const commits: DatasetSpec = {
  name: 'commits',
  dir: 'commits',
  table: 'commits',
  dayExpr: 'event_date',
  repoExpr: "NULLIF(repo_slug, '')",
  read: 'day',
  orderBy: 'timestamp, sha',
  perRepository: true,
  description:
    'Commits of the synced repositories (git history and GitHub). Several developers of a team export the same commits: deduplicate on (repo_slug, sha).',
  columns: [
    { name: 'sha', type: 'utf8', nullable: false, description: 'Commit SHA.' },
    { name: 'repo_slug', type: 'dict', nullable: true, sql: "NULLIF(repo_slug, '')", description: 'Repository `owner/name`.' },
    { name: 'author', type: 'dict', nullable: true, identity: true, description: 'Author identity (email or login); pseudonym with --pseudonymize.' },
    { name: 'author_name', type: 'dict', nullable: true, identity: true, description: 'Author name; pseudonym with --pseudonymize.' },
    {
      name: 'author_email',
      type: 'dict',
      nullable: true,
      identity: true,
      description: 'Author email; pseudonym with --pseudonymize (same pseudonym as the same email in developer_id).',
    },
    { name: 'timestamp', type: 'timestamp_ms', nullable: true, sql: ms('timestamp'), unit: 'ms, UTC', description: 'Author date.' },
    { name: 'committed_at', type: 'timestamp_ms', nullable: true, sql: ms('committed_at'), unit: 'ms, UTC', description: 'Commit date.' },
    day('UTC day of the author date (the partition).'),
    { name: 'lines_added', type: 'int64', nullable: true, unit: 'lines', description: 'Lines added (git --numstat).' },
    { name: 'lines_removed', type: 'int64', nullable: true, unit: 'lines', description: 'Lines removed.' },
    { name: 'files_changed', type: 'int64', nullable: true, unit: 'files', description: 'Files changed.' },
    { name: 'is_merge', type: 'bool', nullable: false, description: 'Merge commit.' },
    {
      name: 'is_mine',
      type: 'bool',
      nullable: true,
      description:
        'Authored by the exporting developer (prodlens.developerId or git user.email, .mailmap honoured); null when no identity was known at sync time.',
    },
    { name: 'source', type: 'dict', nullable: false, description: 'git or github.' },
    {
      name: 'unreachable_at',
      type: 'timestamp_ms',
      nullable: true,
      sql: ms('unreachable_at'),
      unit: 'ms, UTC',
      description: 'When the commit was found on no branch any more (amended, rebased away); such commits do not count. NULL = reachable.',
    },
    device(),
  ],
};

const pullRequests: DatasetSpec = {
  name: 'pull_requests',
  dir: 'pull_requests',
  table: 'pull_requests',
  // The creation day never changes, so a pull request never moves between partitions as it is merged.
  dayExpr: 'substr(created_at, 1, 10)',
  repoExpr: "NULLIF(repo_slug, '')",
  read: 'all',
  orderBy: 'created_at, number',
  perRepository: true,
  description: 'Pull requests, open ones included, partitioned by their UTC creation day. Deduplicate on (repo_slug, number), keeping the latest updated_at.',
  columns: [
    { name: 'id', type: 'int64', nullable: true, description: 'GitHub id.' },
    { name: 'repo_slug', type: 'dict', nullable: true, sql: "NULLIF(repo_slug, '')", description: 'Repository `owner/name`.' },
    { name: 'number', type: 'int64', nullable: false, description: 'Pull request number.' },
    { name: 'title', type: 'utf8', nullable: true, description: 'Title.' },
    { name: 'author', type: 'dict', nullable: true, identity: true, description: 'Author login; pseudonym with --pseudonymize.' },
    { name: 'state', type: 'dict', nullable: false, description: 'open, closed or merged.' },
    {
      name: 'created_at',
      type: 'timestamp_ms',
      nullable: true,
      sql: ms('created_at'),
      unit: 'ms, UTC',
      description: 'Creation time (NULL only if the stored text is not a time).',
    },
    { name: 'merged_at', type: 'timestamp_ms', nullable: true, sql: ms('merged_at'), unit: 'ms, UTC', description: 'Merge time (NULL if not merged).' },
    { name: 'closed_at', type: 'timestamp_ms', nullable: true, sql: ms('closed_at'), unit: 'ms, UTC', description: 'Close time.' },
    { name: 'updated_at', type: 'timestamp_ms', nullable: true, sql: ms('updated_at'), unit: 'ms, UTC', description: 'Last update seen by the sync.' },
    { name: 'reopened', type: 'int64', nullable: false, unit: 'count', description: 'Reopen events seen (0 = never reopened).' },
    { name: 'additions', type: 'int64', nullable: true, unit: 'lines', description: 'Lines added.' },
    { name: 'deletions', type: 'int64', nullable: true, unit: 'lines', description: 'Lines deleted.' },
    day('UTC day of created_at (the partition).'),
    device(),
  ],
};

const dailySessionMetrics: DatasetSpec = {
  name: 'daily_session_metrics',
  dir: '_aggregates/daily_session_metrics',
  table: 'daily_session_metrics',
  dayExpr: 'event_date',
  repoExpr: null,
  read: 'day',
  orderBy: 'developer_id',
  perRepository: false,
  description: 'Per UTC day and developer, over sessions rows with duplicate_of NULL. Partitioned by event_date only (not per repository).',
  columns: [
    day('UTC day (the partition).'),
    { name: 'developer_id', type: 'dict', nullable: true, identity: true, description: 'Developer; pseudonym with --pseudonymize.' },
    { name: 'session_count', type: 'int64', nullable: false, unit: 'sessions', description: 'Distinct non-null session ids.' },
    { name: 'request_count', type: 'int64', nullable: false, unit: 'events', description: 'Request events.' },
    { name: 'total_tokens', type: 'int64', nullable: false, unit: 'tokens', description: 'Sum of total_tokens.' },
    { name: 'accepted_count', type: 'int64', nullable: false, unit: 'events', description: 'Events with accepted_flag true.' },
    { name: 'error_count', type: 'int64', nullable: false, unit: 'events', description: 'Error events or status ≥ 400.' },
    { name: 'median_latency_ms', type: 'float64', nullable: true, unit: 'ms', description: 'Exact median latency of requests and errors.' },
    { name: 'cost_usd', type: 'float64', nullable: false, unit: 'USD', description: 'Sum of cost_usd.' },
    device(),
  ],
};

const dailyGithubMetrics: DatasetSpec = {
  name: 'daily_github_metrics',
  dir: '_aggregates/daily_github_metrics',
  table: 'daily_github_metrics',
  dayExpr: 'event_date',
  repoExpr: "NULLIF(repo_slug, '')",
  read: 'day',
  orderBy: 'repo_slug',
  perRepository: true,
  description: 'Per UTC day and repository: merged PRs (on their merge day), commits (author day, merges excluded), reopens (on the reopen day).',
  columns: [
    day('UTC day (the partition).'),
    { name: 'repo_slug', type: 'dict', nullable: true, sql: "NULLIF(repo_slug, '')", description: 'Repository `owner/name`.' },
    { name: 'merged_pr_count', type: 'int64', nullable: false, unit: 'PRs', description: 'PRs merged that day.' },
    { name: 'commit_count', type: 'int64', nullable: false, unit: 'commits', description: 'Commits authored that day.' },
    { name: 'reopened_pr_count', type: 'int64', nullable: false, unit: 'PRs', description: 'PRs reopened that day.' },
    { name: 'avg_merge_hours', type: 'float64', nullable: true, unit: 'hours', description: 'Mean merged_at − created_at of the PRs merged that day.' },
    { name: 'lines_added', type: 'int64', nullable: false, unit: 'lines', description: "Lines added by that day's commits." },
    { name: 'lines_removed', type: 'int64', nullable: false, unit: 'lines', description: "Lines removed by that day's commits." },
    device(),
  ],
};

/** Correlation results come through `CorrelationSource` (correlations.ts), not from a table query. */
const correlations: DatasetSpec = {
  name: 'correlations',
  dir: '_aggregates/correlations',
  table: '',
  dayExpr: null,
  repoExpr: null,
  read: 'all',
  orderBy: '',
  perRepository: false,
  description:
    "Lagged correlations between AI activity and delivery series, computed when the export runs for the export's own period over all of this database's developers and repositories, on the developer's working days in local days (one row per series pair, method and lag). Not partitioned; left out with --repo.",
  columns: [
    { name: 'analysis', type: 'dict', nullable: false, description: 'Identifies one analysis run (its filter and options).' },
    {
      name: 'filter',
      type: 'dict',
      nullable: false,
      description: 'The analysis scope as a JSON object string (since, until, repo, developer, source, timeZone, lags, minPairs).',
    },
    {
      name: 'since',
      type: 'date32',
      nullable: true,
      description: "First local day of the analysed period (the export's --since, else the first day with data).",
    },
    { name: 'until', type: 'date32', nullable: true, description: "Last local day of the analysed period (the export's --until, else the export's day)." },
    { name: 'x_series', type: 'dict', nullable: false, description: 'AI activity series (requests, total_tokens, accepted_lines, acceptance_rate).' },
    { name: 'y_series', type: 'dict', nullable: false, description: 'Outcome series (commits, lines_changed, merged_prs, merge_hours, reopened_prs).' },
    { name: 'lag_days', type: 'int32', nullable: false, unit: 'days', description: 'k: AI on working day i against the outcome on working day i + k.' },
    { name: 'method', type: 'dict', nullable: false, description: 'pearson or spearman.' },
    { name: 'n', type: 'int64', nullable: false, unit: 'days', description: 'Working days with both values.' },
    { name: 'r', type: 'float64', nullable: true, description: 'Correlation coefficient; NULL when status is not ok.' },
    {
      name: 'p_value',
      type: 'float64',
      nullable: true,
      description: 'Two-sided p-value allowing for autocorrelation (Student t, effective n − 2 df); NULL for Pearson rows, which are checks and never tested.',
    },
    {
      name: 'p_adjusted',
      type: 'float64',
      nullable: true,
      description: 'Benjamini–Hochberg adjusted p-value over the Spearman rows of the analysis (one family); NULL for Pearson rows.',
    },
    { name: 'ci_low', type: 'float64', nullable: true, description: 'Fisher-z 95% interval, low.' },
    { name: 'ci_high', type: 'float64', nullable: true, description: 'Fisher-z 95% interval, high.' },
    { name: 'status', type: 'dict', nullable: false, description: 'ok, not-enough-data or undefined (constant series).' },
    { name: 'reading', type: 'utf8', nullable: true, description: 'Plain-language reading, e.g. "moderate positive, significant after adjustment".' },
    { name: 'min_pairs', type: 'int32', nullable: true, unit: 'days', description: 'Fewest paired days the analysis required for a coefficient.' },
    { name: 'computed_at', type: 'timestamp_ms', nullable: false, unit: 'ms, UTC', description: 'When the analysis ran.' },
    device(),
  ],
};

/** Self-experiments: every scheduled unit with its randomized arm (docs/experiments.md). */
const experimentUnits: DatasetSpec = {
  name: 'experiment_units',
  dir: 'experiment_units',
  table: 'experiment_units JOIN experiments ON experiments.id = experiment_units.experiment_id',
  dayExpr: null,
  repoExpr: null,
  read: 'all',
  orderBy: 'experiment_id, unit_index',
  perRepository: false,
  description:
    'Self-experiments: one row per scheduled unit (working day or half-day) with the arm the seeded block randomization assigned. Join survey answers and events to units by time. Not partitioned.',
  columns: [
    { name: 'experiment_id', type: 'dict', nullable: false, description: 'Experiment id (random, per device).' },
    { name: 'treatment', type: 'dict', nullable: false, description: 'What was compared: inline-completions, agent or model.' },
    { name: 'unit_kind', type: 'dict', nullable: false, sql: 'experiments.unit', description: 'day or half-day.' },
    { name: 'seed', type: 'int64', nullable: false, description: 'Seed of the schedule (rebuilds it exactly).' },
    { name: 'status', type: 'dict', nullable: false, description: 'active or stopped (as of the export).' },
    { name: 'unit_index', type: 'int32', nullable: false, description: 'Position of the unit in the schedule, from 0.' },
    { name: 'day', type: 'date32', nullable: false, description: "The unit's local day." },
    { name: 'half', type: 'dict', nullable: true, description: 'am or pm for half-day units; NULL for days.' },
    { name: 'block', type: 'int32', nullable: false, description: 'Randomization block (arms are balanced within each).' },
    { name: 'arm', type: 'dict', nullable: false, description: 'A or B.' },
    { name: 'arm_label', type: 'dict', nullable: false, description: 'What the arm means: on, off, or a model name.' },
    { name: 'start_time', type: 'timestamp_ms', nullable: false, sql: 'start_ms', unit: 'ms, UTC', description: 'Start of the unit.' },
    { name: 'end_time', type: 'timestamp_ms', nullable: false, sql: 'end_ms', unit: 'ms, UTC', description: 'End of the unit (exclusive).' },
    device(),
  ],
};

/**
 * The sessions dataset summed per UTC day, capturing device, developer, repository, model, source and kind:
 * a year of one device's events in one file of a few thousand rows, so a team's pooled report reads one
 * file per device instead of one per day and repository (`prodlens team`, docs/team.md).
 */
const dailyUsage: DatasetSpec = {
  name: 'daily_usage',
  dir: '_aggregates/daily_usage',
  table: DAILY_USAGE_TABLE,
  dayExpr: null,
  repoExpr: null,
  whole: { dayExpr: 'event_date', repoExpr: 'repo_slug', from: 'sessions' },
  read: 'all',
  orderBy: 'event_date, device_id, developer_id, repo_slug, model, source, kind',
  perRepository: true,
  description:
    'The sessions rows with duplicate_of NULL summed per UTC day, capturing device, developer, repository, model, source and kind (one row each): what `prodlens team` reads instead of the events. One file per export, not partitioned; rewritten only when the events it sums changed.',
  columns: [
    { name: 'event_date', type: 'date32', nullable: false, description: 'UTC day.' },
    { name: 'device_id', type: 'dict', nullable: false, description: 'Installation that captured the events (as in sessions).' },
    { name: 'developer_id', type: 'dict', nullable: true, identity: true, description: 'Developer; pseudonym with --pseudonymize (the same as in sessions).' },
    { name: 'repo_slug', type: 'dict', nullable: true, description: 'Repository `owner/name`.' },
    { name: 'model', type: 'dict', nullable: true, description: 'Model.' },
    { name: 'source', type: 'dict', nullable: false, description: 'Producer and channel.' },
    { name: 'kind', type: 'dict', nullable: false, description: 'Event kind (request, error, edit, tool, …).' },
    { name: 'events', type: 'int64', nullable: false, unit: 'events', description: 'Rows summed.' },
    { name: 'tokens_in', type: 'int64', nullable: false, unit: 'tokens', description: 'Sum of tokens_in.' },
    { name: 'tokens_out', type: 'int64', nullable: false, unit: 'tokens', description: 'Sum of tokens_out.' },
    { name: 'total_tokens', type: 'int64', nullable: false, unit: 'tokens', description: 'Sum of total_tokens.' },
    { name: 'cache_read_tokens', type: 'int64', nullable: false, unit: 'tokens', description: 'Sum of cache_read_tokens.' },
    { name: 'cache_write_tokens', type: 'int64', nullable: false, unit: 'tokens', description: 'Sum of cache_write_tokens.' },
    { name: 'cost_usd', type: 'float64', nullable: false, unit: 'USD', description: 'Sum of cost_usd (NULL costs count as 0; see unpriced).' },
    { name: 'unpriced', type: 'int64', nullable: false, unit: 'events', description: 'Rows whose cost_usd is NULL (unknown model).' },
    { name: 'accepted_lines', type: 'int64', nullable: false, unit: 'lines', description: 'Sum of accepted_lines.' },
    { name: 'flagged', type: 'int64', nullable: false, unit: 'events', description: 'Rows with accepted_flag not NULL (decided suggestions or edits).' },
    { name: 'accepted', type: 'int64', nullable: false, unit: 'events', description: 'Rows with accepted_flag true.' },
  ],
};

/** A dataset's rows and columns in one unpartitioned file, the day as a column instead of a partition. */
function compact(base: DatasetSpec, name: DatasetName, dayExpr: string, description: string): DatasetSpec {
  return {
    ...base,
    name,
    dir: `_aggregates/${name}`,
    table: compactTable(base.table),
    dayExpr: null,
    repoExpr: null,
    whole: { dayExpr, repoExpr: "NULLIF(repo_slug, '')", from: base.name },
    read: 'all',
    description,
    columns: base.columns.map((c) =>
      c.fill === 'day' ? { ...c, sql: dayExpr, fill: undefined, description: c.description.replace(' (the partition)', '') } : c,
    ),
  };
}

const commitsCompact = compact(
  commits,
  'commits_compact',
  'event_date',
  'The commits dataset (same rows, same columns) in one unpartitioned file per export, for readers that take every commit (`prodlens team`): a year of commits is one file instead of one per day and repository.',
);
const pullRequestsCompact = compact(
  pullRequests,
  'pull_requests_compact',
  'substr(created_at, 1, 10)',
  'The pull_requests dataset (same rows, same columns) in one unpartitioned file per export, for readers that take every pull request (`prodlens team`).',
);

export const DATASETS: readonly DatasetSpec[] = [
  sessions,
  metricPoints,
  commits,
  pullRequests,
  dailySessionMetrics,
  dailyGithubMetrics,
  correlations,
  experimentUnits,
  dailyUsage,
  commitsCompact,
  pullRequestsCompact,
];

export function dataset(name: DatasetName): DatasetSpec {
  return DATASETS.find((d) => d.name === name)!;
}
