/**
 * Every SQL statement of `prodlens team`, in one place (with the rest of ProdLens's SQL in src/core/store:
 * these run on DuckDB over the exported Parquet lake, not on the ProdLens database). The queries read the datasets — `daily_usage`,
 * `commits`, `pull_requests` (and `sessions`, `experiment_units` for self-experiments), given as `Sources`
 * (table names on Spark SQL and Trino, `read_parquet(…)` on DuckDB) — and one small table, `team_developers`, so the same text runs on all three (docs/team.md). Written to the common subset on purpose:
 * `CASE` instead of DuckDB's `FILTER`, `row_number()` instead of `DISTINCT ON`, `date_diff` for durations
 * (Trino has it as is; Spark 3.3+ spells it `timestampdiff(SECOND, a, b)`), `CAST(x AS VARCHAR)` for day keys
 * (Spark: `CAST(x AS STRING)`), and no `date_trunc('week')` (weeks are rolled up from days by the caller, so
 * every engine agrees on ISO weeks). Only `duckdbSources` is DuckDB-specific (`read_parquet`).
 *
 * Each query groups at the finest grain the report needs (day × device × developer × repository × model for
 * AI use, day × repository × author for delivery); the caller rolls those up to the team, developer,
 * repository and model series, so the lake is scanned once per dataset.
 */

/** The export datasets the team report reads (src/core/export/datasets.ts). */
export type Dataset = 'sessions' | 'commits' | 'pull_requests' | 'experiment_units' | 'daily_usage' | 'commits_compact' | 'pull_requests_compact';

/** A day filter as an SQL condition on an expression (inclusive days; both optional). */
export function dayCondition(expr: string, since: string | null, until: string | null): string {
  const parts: string[] = [];
  if (since) parts.push(`${expr} >= DATE '${checkDay(since)}'`);
  if (until) parts.push(`${expr} <= DATE '${checkDay(until)}'`);
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

function checkDay(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day: ${day}`);
  return day;
}

/** SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * What each query reads: a table or view name (Spark, Trino), or a DuckDB relation. `usage` has the columns
 * of the `_aggregates/daily_usage` dataset (the events summed per day, device, developer, repository, model,
 * source and kind); `commits` and `pull_requests` have their datasets' columns (the one-file
 * `*_compact` copies have the same); `sessions` (the events) is read only for self-experiments.
 */
export interface Sources {
  sessions: string;
  usage: string;
  commits: string;
  pull_requests: string;
  experiment_units: string;
}

/** Spark SQL / Trino: the datasets as tables or views of the same names (docs/team.md). */
export const NAMED_SOURCES: Sources = {
  sessions: 'sessions',
  usage: 'daily_usage',
  commits: 'commits',
  pull_requests: 'pull_requests',
  experiment_units: 'experiment_units',
};

/**
 * The `daily_usage` rows of events (exports written before daily_usage existed): the same sums the export
 * writes (src/core/export/datasets.ts), so old and new exports give the same numbers.
 */
export function usageFromEventsSql(sessions: string): string {
  return `SELECT event_date, device_id, developer_id, repo_slug, model, source, kind,
       count(*) AS events, sum(coalesce(total_tokens, 0)) AS total_tokens, sum(coalesce(cost_usd, 0)) AS cost_usd,
       sum(coalesce(accepted_lines, 0)) AS accepted_lines,
       sum(CASE WHEN accepted_flag IS NOT NULL THEN 1 ELSE 0 END) AS flagged,
       sum(CASE WHEN accepted_flag THEN 1 ELSE 0 END) AS accepted
FROM ${sessions} AS sessions
WHERE duplicate_of IS NULL
GROUP BY event_date, device_id, developer_id, repo_slug, model, source, kind`;
}

const HIVE = `hive_partitioning = true, hive_types = {'event_date': DATE, 'repo': VARCHAR}, union_by_name = true`;
const FLAT = 'hive_partitioning = false, union_by_name = true';

/**
 * DuckDB: each dataset read straight from its Parquet files (globs or file paths) inside the query — not
 * through a view, which DuckDB would bind (open every file's footer, for union_by_name) once more when it is
 * created — with the hive partition keys typed explicitly (a repository named like a number stays a string)
 * and columns of different export versions merged by name. Exports that wrote the one-file datasets
 * (`daily_usage`, `commits_compact`, `pull_requests_compact`) are read from those, older ones from their
 * events, commits and pull requests (`UNION ALL BY NAME`, DuckDB's only other dialect construct here).
 * `paths.sessions` serves self-experiments; `legacySessions` are the events of exports without daily_usage.
 * No files: a typed empty relation.
 */
export function duckdbSources(paths: Record<Dataset, readonly string[]> & { legacySessions?: readonly string[] }): Sources {
  const files = (list: readonly string[]) => `[${list.map(sqlString).join(', ')}]`;
  const union = (parts: string[], empty: string) => `(${parts.length ? parts.join(' UNION ALL BY NAME ') : empty})`;
  const read = (list: readonly string[], opts: string) => `read_parquet(${files(list)}, ${opts})`;
  const sel = (list: readonly string[], opts: string) => `SELECT * FROM ${read(list, opts)}`;
  const legacy = paths.legacySessions ?? [];
  const usageParts = [...(paths.daily_usage.length ? [sel(paths.daily_usage, FLAT)] : []), ...(legacy.length ? [usageFromEventsSql(read(legacy, HIVE))] : [])];
  const twoKinds = (compactFiles: readonly string[], perDay: readonly string[], empty: string) => {
    if (compactFiles.length && !perDay.length) return read(compactFiles, FLAT);
    if (perDay.length && !compactFiles.length) return read(perDay, HIVE);
    return union([...(compactFiles.length ? [sel(compactFiles, FLAT)] : []), ...(perDay.length ? [sel(perDay, HIVE)] : [])], empty);
  };
  return {
    sessions: paths.sessions.length ? read(paths.sessions, HIVE) : `(${EMPTY.sessions})`,
    usage: legacy.length === 0 && paths.daily_usage.length ? read(paths.daily_usage, FLAT) : union(usageParts, EMPTY.usage),
    commits: twoKinds(paths.commits_compact, paths.commits, EMPTY.commits),
    pull_requests: twoKinds(paths.pull_requests_compact, paths.pull_requests, EMPTY.pull_requests),
    // experiment_units is not partitioned (one file per device).
    experiment_units: paths.experiment_units.length ? read(paths.experiment_units, FLAT) : `(${EMPTY.experiment_units})`,
  };
}

/** The columns the queries use, typed, with no rows: a lake without commits still answers. */
const EMPTY: Record<keyof Sources, string> = {
  sessions: `SELECT CAST(NULL AS DATE) AS event_date, CAST(NULL AS VARCHAR) AS device_id, CAST(NULL AS VARCHAR) AS developer_id,
    CAST(NULL AS VARCHAR) AS repo_slug, CAST(NULL AS VARCHAR) AS model, CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS VARCHAR) AS source,
    CAST(NULL AS TIMESTAMPTZ) AS "timestamp", CAST(NULL AS BIGINT) AS total_tokens,
    CAST(NULL AS DOUBLE) AS cost_usd, CAST(NULL AS BIGINT) AS accepted_lines, CAST(NULL AS BOOLEAN) AS accepted_flag,
    CAST(NULL AS VARCHAR) AS duplicate_of WHERE FALSE`,
  usage: `SELECT CAST(NULL AS DATE) AS event_date, CAST(NULL AS VARCHAR) AS device_id, CAST(NULL AS VARCHAR) AS developer_id,
    CAST(NULL AS VARCHAR) AS repo_slug, CAST(NULL AS VARCHAR) AS model, CAST(NULL AS VARCHAR) AS source, CAST(NULL AS VARCHAR) AS kind,
    CAST(NULL AS BIGINT) AS events, CAST(NULL AS BIGINT) AS total_tokens, CAST(NULL AS DOUBLE) AS cost_usd,
    CAST(NULL AS BIGINT) AS accepted_lines, CAST(NULL AS BIGINT) AS flagged, CAST(NULL AS BIGINT) AS accepted WHERE FALSE`,
  commits: `SELECT CAST(NULL AS DATE) AS event_date, CAST(NULL AS VARCHAR) AS repo_slug, CAST(NULL AS VARCHAR) AS sha,
    CAST(NULL AS VARCHAR) AS author, CAST(NULL AS VARCHAR) AS author_email, CAST(NULL AS BOOLEAN) AS is_merge,
    CAST(NULL AS BOOLEAN) AS is_mine, CAST(NULL AS TIMESTAMPTZ) AS "timestamp",
    CAST(NULL AS BIGINT) AS lines_added, CAST(NULL AS BIGINT) AS lines_removed, CAST(NULL AS TIMESTAMPTZ) AS unreachable_at,
    CAST(NULL AS VARCHAR) AS device_id WHERE FALSE`,
  pull_requests: `SELECT CAST(NULL AS VARCHAR) AS repo_slug, CAST(NULL AS BIGINT) AS number, CAST(NULL AS VARCHAR) AS author,
    CAST(NULL AS TIMESTAMPTZ) AS created_at, CAST(NULL AS TIMESTAMPTZ) AS merged_at, CAST(NULL AS TIMESTAMPTZ) AS updated_at,
    CAST(NULL AS VARCHAR) AS device_id WHERE FALSE`,
  experiment_units: `SELECT CAST(NULL AS VARCHAR) AS experiment_id, CAST(NULL AS VARCHAR) AS treatment, CAST(NULL AS VARCHAR) AS unit_kind,
    CAST(NULL AS VARCHAR) AS status, CAST(NULL AS INTEGER) AS unit_index, CAST(NULL AS DATE) AS day, CAST(NULL AS INTEGER) AS block,
    CAST(NULL AS VARCHAR) AS arm, CAST(NULL AS VARCHAR) AS arm_label, CAST(NULL AS TIMESTAMPTZ) AS start_time,
    CAST(NULL AS TIMESTAMPTZ) AS end_time, CAST(NULL AS VARCHAR) AS device_id WHERE FALSE`,
};

/**
 * AI use per day, device, developer and repository (`byModel`: per day and model), from the daily_usage
 * sums (copies through a second channel were left out when they were summed).
 */
export function aiDailySql(src: Sources, since: string | null, until: string | null, byModel = false): string {
  // The per-model series are team-wide: the main query leaves the model out (a quarter of the rows to
  // carry over), a second one groups by day and model only.
  const dims = byModel ? 'model' : 'device_id, developer_id, repo_slug';
  const select = byModel
    ? 'CAST(NULL AS VARCHAR) AS device_id, CAST(NULL AS VARCHAR) AS developer_id, CAST(NULL AS VARCHAR) AS repo_slug, model'
    : 'device_id, developer_id, repo_slug, CAST(NULL AS VARCHAR) AS model';
  return `SELECT CAST(event_date AS VARCHAR) AS day, ${select},
       CAST(sum(CASE WHEN kind = 'request' THEN events ELSE 0 END) AS DOUBLE) AS requests,
       CAST(sum(total_tokens) AS DOUBLE) AS total_tokens,
       CAST(sum(cost_usd) AS DOUBLE) AS cost_usd,
       CAST(sum(accepted_lines) AS DOUBLE) AS accepted_lines,
       CAST(sum(CASE WHEN kind = 'edit' THEN flagged ELSE 0 END) AS DOUBLE) AS suggestions,
       CAST(sum(CASE WHEN kind = 'edit' THEN accepted ELSE 0 END) AS DOUBLE) AS accepted,
       CAST(sum(events) AS DOUBLE) AS events
FROM ${src.usage} AS daily_usage
WHERE ${dayCondition('event_date', since, until)}
GROUP BY event_date, ${dims}`;
}

/** The known developers (lower-cased ids from the events), which commit/PR authorship is matched against. */
export const CREATE_DEVELOPERS = 'CREATE OR REPLACE TEMP TABLE team_developers (developer_key VARCHAR)';

/** Adds developer keys (lower-case developer ids) to `team_developers`, as literals. */
export function insertDevelopersSql(keys: readonly string[]): string {
  return `INSERT INTO team_developers VALUES ${keys.map((k) => `(${sqlString(k)})`).join(', ')}`;
}

/**
 * Commits per day, repository and author, each (repository, SHA) counted once however many devices
 * exported it (one GROUP BY over the copies: a hash aggregate, no sort). When copies of a commit name its
 * author differently (one device pseudonymized, one not), the author that is a known developer is kept (a
 * join, not an IN subquery: Spark allows those only in filters), else the smallest. A SHA that any device
 * saw unreachable does not count. The copies of one commit agree on its day, merge flag and lines.
 */
export function commitsDailySql(src: Sources, since: string | null, until: string | null): string {
  return `WITH c AS (
  SELECT repo_slug, sha, min(event_date) AS event_date, max(CASE WHEN is_merge THEN 1 ELSE 0 END) AS is_merge,
         coalesce(min(CASE WHEN known.developer_key IS NOT NULL THEN known.developer_key END), min(lower(coalesce(author_email, author)))) AS author_key,
         max(coalesce(lines_added, 0) + coalesce(lines_removed, 0)) AS lines_changed,
         max(CASE WHEN unreachable_at IS NULL THEN 0 ELSE 1 END) AS gone,
         count(*) AS copies
  FROM ${src.commits} AS commits
  LEFT JOIN team_developers AS known ON known.developer_key = lower(coalesce(commits.author_email, commits.author))
  WHERE ${dayCondition('event_date', since, until)}
  GROUP BY repo_slug, sha
)
SELECT CAST(event_date AS VARCHAR) AS day, repo_slug, author_key,
       CAST(sum(CASE WHEN is_merge = 1 THEN 0 ELSE 1 END) AS DOUBLE) AS commits,
       CAST(sum(CASE WHEN is_merge = 1 THEN 0 ELSE lines_changed END) AS DOUBLE) AS lines_changed,
       CAST(sum(copies - 1) AS DOUBLE) AS duplicate_rows
FROM c
WHERE gone = 0
GROUP BY event_date, repo_slug, author_key`;
}

/**
 * Pull requests merged per day (UTC day of merged_at), repository and author, each (repository, number)
 * once, from its most recently updated copy; hours to merge summed for a weighted mean.
 */
export function mergedPrsDailySql(src: Sources, since: string | null, until: string | null): string {
  return `WITH p AS (
  SELECT repo_slug, number, lower(author) AS author_key, created_at, merged_at,
         count(*) OVER (PARTITION BY repo_slug, number) AS copies,
         row_number() OVER (PARTITION BY repo_slug, number ORDER BY updated_at DESC NULLS LAST, device_id) AS copy
  FROM ${src.pull_requests} AS pull_requests
)
SELECT CAST(CAST(merged_at AS DATE) AS VARCHAR) AS day, repo_slug, author_key,
       count(*) AS merged_prs,
       sum(date_diff('second', created_at, merged_at)) / 3600.0 AS merge_hours_sum,
       sum(copies - 1) AS duplicate_rows
FROM p
WHERE copy = 1 AND merged_at IS NOT NULL AND created_at IS NOT NULL AND ${dayCondition('CAST(merged_at AS DATE)', since, until)}
GROUP BY CAST(merged_at AS DATE), repo_slug, author_key`;
}

/** The units of every exported self-experiment (one row per device × experiment × unit). */
const UNITS = (src: Sources) => `SELECT device_id, experiment_id, treatment, unit_kind, status, unit_index, block, arm, arm_label, day, start_time, end_time
  FROM ${src.experiment_units} AS experiment_units`;

/**
 * Self-experiments (docs/experiments.md): every unit of every exported experiment with what its device
 * recorded in it, as the personal analysis measures it (src/core/store/experiments-repo.ts): AI use for
 * adherence (agent requests: every source but the editor; editor insertions), the outcomes (accepted AI
 * lines of editor edits, AI cost, the device's own non-merge reachable commits and their lines), and whether
 * the unit had ended by `now` (ISO 8601 UTC; compared as a TIMESTAMP literal in the session's time zone, which
 * must be UTC). Events and commits are matched to a unit by device and time
 * (start inclusive, end exclusive); the developer is the one the unit's events name.
 */
export function experimentUnitsSql(src: Sources, now: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(now);
  if (!m) throw new RangeError(`not a UTC time: ${now}`);
  return `WITH u AS (${UNITS(src)}),
s AS (
  SELECT u.device_id, u.experiment_id, u.unit_index,
         count(*) AS events,
         sum(CASE WHEN sessions.kind = 'request' AND sessions.source <> 'editor' THEN 1 ELSE 0 END) AS agent_requests,
         sum(CASE WHEN sessions.kind = 'edit' AND sessions.source = 'editor' THEN 1 ELSE 0 END) AS editor_insertions,
         sum(CASE WHEN sessions.kind = 'edit' AND sessions.source = 'editor' THEN coalesce(sessions.accepted_lines, 0) ELSE 0 END) AS accepted_lines,
         sum(coalesce(sessions.cost_usd, 0)) AS cost_usd,
         max(sessions.developer_id) AS developer_id
  FROM u
  JOIN ${src.sessions} AS sessions
    ON sessions.device_id = u.device_id AND sessions.timestamp >= u.start_time AND sessions.timestamp < u.end_time
  WHERE sessions.duplicate_of IS NULL AND sessions.kind <> 'survey'
  GROUP BY u.device_id, u.experiment_id, u.unit_index
),
c AS (
  SELECT u.device_id, u.experiment_id, u.unit_index,
         count(*) AS commits,
         sum(coalesce(commits.lines_added, 0) + coalesce(commits.lines_removed, 0)) AS lines_changed
  FROM u
  JOIN ${src.commits} AS commits
    ON commits.device_id = u.device_id AND commits.timestamp >= u.start_time AND commits.timestamp < u.end_time
  WHERE commits.is_merge = FALSE AND commits.unreachable_at IS NULL AND (commits.is_mine IS NULL OR commits.is_mine = TRUE)
  GROUP BY u.device_id, u.experiment_id, u.unit_index
)
SELECT u.device_id, u.experiment_id, u.treatment, u.unit_kind, u.status, u.unit_index, u.block, u.arm, u.arm_label,
       CAST(u.day AS VARCHAR) AS day,
       CASE WHEN u.end_time <= TIMESTAMP '${m[1]} ${m[2]}' THEN TRUE ELSE FALSE END AS ended,
       coalesce(s.events, 0) AS events, coalesce(s.agent_requests, 0) AS agent_requests,
       coalesce(s.editor_insertions, 0) AS editor_insertions, coalesce(s.accepted_lines, 0) AS accepted_lines,
       coalesce(s.cost_usd, 0) AS cost_usd, s.developer_id,
       coalesce(c.commits, 0) AS commits, coalesce(c.lines_changed, 0) AS lines_changed
FROM u
LEFT JOIN s ON s.device_id = u.device_id AND s.experiment_id = u.experiment_id AND s.unit_index = u.unit_index
LEFT JOIN c ON c.device_id = u.device_id AND c.experiment_id = u.experiment_id AND c.unit_index = u.unit_index
ORDER BY u.device_id, u.experiment_id, u.unit_index`;
}

/** Agent requests per unit and model, for the adherence of model comparisons. */
export function experimentModelsSql(src: Sources): string {
  return `WITH u AS (${UNITS(src)})
SELECT u.device_id, u.experiment_id, u.unit_index, sessions.model, count(*) AS requests
FROM u
JOIN ${src.sessions} AS sessions
  ON sessions.device_id = u.device_id AND sessions.timestamp >= u.start_time AND sessions.timestamp < u.end_time
WHERE u.treatment = 'model' AND sessions.duplicate_of IS NULL AND sessions.kind = 'request' AND sessions.source <> 'editor'
  AND sessions.model IS NOT NULL
GROUP BY u.device_id, u.experiment_id, u.unit_index, sessions.model`;
}

export interface ExperimentUnitRow {
  device_id: string;
  experiment_id: string;
  treatment: string;
  unit_kind: string;
  status: string;
  unit_index: number;
  block: number;
  arm: string;
  arm_label: string;
  day: string;
  ended: boolean;
  events: number;
  agent_requests: number;
  editor_insertions: number;
  accepted_lines: number;
  cost_usd: number;
  developer_id: string | null;
  commits: number;
  lines_changed: number;
}

export interface ExperimentModelRow {
  device_id: string;
  experiment_id: string;
  unit_index: number;
  model: string;
  requests: number;
}

export interface AiDailyRow {
  day: string;
  device_id: string | null;
  developer_id: string | null;
  repo_slug: string | null;
  model: string | null;
  requests: number;
  total_tokens: number;
  cost_usd: number;
  accepted_lines: number;
  suggestions: number;
  accepted: number;
  events: number;
}

export interface CommitDailyRow {
  day: string;
  repo_slug: string | null;
  author_key: string | null;
  commits: number;
  lines_changed: number;
  duplicate_rows: number;
}

export interface PrDailyRow {
  day: string;
  repo_slug: string | null;
  author_key: string | null;
  merged_prs: number;
  merge_hours_sum: number;
  duplicate_rows: number;
}
