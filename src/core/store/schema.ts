/**
 * The database schema, migrated forward on open by `PRAGMA user_version`. Table and column names of the
 * seed schema are a contract (ARCHITECTURE.md): add columns and tables in new migrations, never rename.
 */

/** Columns of the event table `sessions`, in insert order (the seed's first, then ProdLens's). */
export const EVENT_COLUMNS = [
  'session_id',
  'developer_id',
  'timestamp',
  'model',
  'tokens_in',
  'tokens_out',
  'latency_ms',
  'status_code',
  'accepted_flag',
  'repo_slug',
  'event_date',
  'total_tokens',
  'cost_usd',
  'diff_ratio',
  'accepted_lines',
  'trace_hash',
  'source',
  'kind',
  'cache_read_tokens',
  'cache_write_tokens',
  'tool_name',
  'branch',
  'device_id',
  'cost_source',
  'ts_ms',
  'reasoning_tokens',
  'lines_added',
  'lines_removed',
  'language',
  'agent',
  'price_version',
  'attrs',
] as const;

/**
 * Event columns computed by SQLite from `ts_ms` (VIRTUAL generated columns since migration 12): read like
 * any column, never written.
 */
export const GENERATED_EVENT_COLUMNS: ReadonlySet<string> = new Set(['timestamp', 'event_date']);

export const METRIC_COLUMNS = [
  'point_hash',
  'source',
  'name',
  'unit',
  'temporality',
  'value',
  'start_ms',
  'ts_ms',
  'timestamp',
  'event_date',
  'session_id',
  'developer_id',
  'model',
  'repo_slug',
  'branch',
  'device_id',
  'attrs',
] as const;

/** Each entry migrates from user_version = index to index + 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- The canonical AI event table (one row per model request, error, tool call or AI edit).
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    session_id TEXT, developer_id TEXT, timestamp TEXT NOT NULL, model TEXT,
    tokens_in INTEGER, tokens_out INTEGER, latency_ms REAL, status_code INTEGER, accepted_flag INTEGER,
    repo_slug TEXT, event_date TEXT NOT NULL, total_tokens INTEGER, cost_usd REAL, diff_ratio REAL,
    accepted_lines INTEGER, trace_hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL, kind TEXT NOT NULL, cache_read_tokens INTEGER, cache_write_tokens INTEGER,
    tool_name TEXT, branch TEXT, device_id TEXT, cost_source TEXT NOT NULL,
    ts_ms INTEGER NOT NULL, reasoning_tokens INTEGER, lines_added INTEGER, lines_removed INTEGER,
    language TEXT, agent TEXT, price_version TEXT, attrs TEXT,
    -- trace_hash of the record this one repeats through another channel (excluded from aggregates).
    duplicate_of TEXT,
    ingested_at TEXT NOT NULL
  );
  -- The day-level tables are refreshed one changed day at a time, which this index serves; the report
  -- reads those tables, never a GROUP BY over all events, so a wide covering index would only slow inserts.
  CREATE INDEX idx_sessions_event_date ON sessions (event_date);

  CREATE TABLE metric_points (
    id INTEGER PRIMARY KEY,
    point_hash TEXT NOT NULL UNIQUE, source TEXT NOT NULL, name TEXT NOT NULL, unit TEXT,
    temporality TEXT NOT NULL, value REAL NOT NULL, start_ms INTEGER, ts_ms INTEGER NOT NULL,
    timestamp TEXT NOT NULL, event_date TEXT NOT NULL, session_id TEXT, developer_id TEXT, model TEXT,
    repo_slug TEXT, branch TEXT, device_id TEXT, attrs TEXT, ingested_at TEXT NOT NULL
  );
  CREATE INDEX idx_metric_points_event_date ON metric_points (event_date, name);

  CREATE TABLE dead_letter (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL, source TEXT NOT NULL, reason TEXT NOT NULL, excerpt TEXT NOT NULL,
    event_date TEXT NOT NULL,
    -- hash of source, reason and excerpt: the same bad record seen twice is kept once.
    letter_hash TEXT NOT NULL UNIQUE
  );
  CREATE INDEX idx_dead_letter_event_date ON dead_letter (event_date);

  CREATE TABLE commits (
    sha TEXT NOT NULL, repo_slug TEXT NOT NULL DEFAULT '', author TEXT, author_name TEXT, author_email TEXT,
    timestamp TEXT NOT NULL, committed_at TEXT, event_date TEXT NOT NULL,
    lines_added INTEGER, lines_removed INTEGER, files_changed INTEGER, is_merge INTEGER NOT NULL DEFAULT 0,
    is_mine INTEGER, source TEXT NOT NULL DEFAULT 'git',
    PRIMARY KEY (repo_slug, sha)
  );
  CREATE INDEX idx_commits_event_date ON commits (event_date);

  CREATE TABLE pull_requests (
    id INTEGER, repo_slug TEXT NOT NULL DEFAULT '', number INTEGER NOT NULL, title TEXT, author TEXT,
    state TEXT NOT NULL, created_at TEXT NOT NULL, merged_at TEXT, closed_at TEXT, updated_at TEXT,
    reopened INTEGER NOT NULL DEFAULT 0, additions INTEGER, deletions INTEGER,
    PRIMARY KEY (repo_slug, number)
  );
  CREATE INDEX idx_pull_requests_merged_at ON pull_requests (merged_at);

  CREATE TABLE etag_state (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, updated_at TEXT NOT NULL);

  -- Job runs and checkpoints of incremental jobs, one row per job.
  CREATE TABLE etl_runs (
    job TEXT PRIMARY KEY, checkpoint TEXT, state TEXT, runs INTEGER NOT NULL DEFAULT 0,
    last_run_at TEXT, last_status TEXT, last_error TEXT
  );

  CREATE TABLE daily_session_metrics (
    event_date TEXT NOT NULL, developer_id TEXT, session_count INTEGER NOT NULL, request_count INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL, accepted_count INTEGER NOT NULL, error_count INTEGER NOT NULL,
    median_latency_ms REAL, cost_usd REAL NOT NULL
  );
  CREATE UNIQUE INDEX idx_daily_session_metrics ON daily_session_metrics (event_date, IFNULL(developer_id, ''));

  CREATE TABLE daily_github_metrics (
    event_date TEXT NOT NULL, repo_slug TEXT NOT NULL DEFAULT '', merged_pr_count INTEGER NOT NULL,
    commit_count INTEGER NOT NULL, reopened_pr_count INTEGER NOT NULL, avg_merge_hours REAL,
    lines_added INTEGER NOT NULL DEFAULT 0, lines_removed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_date, repo_slug)
  );

  CREATE TABLE correlation_cache (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, computed_at TEXT NOT NULL, result TEXT NOT NULL);

  -- Days whose events changed since daily_session_metrics was last refreshed.
  CREATE TABLE dirty_days (event_date TEXT PRIMARY KEY);
  `,
  `
  -- Day-level rollups the report reads instead of the raw events (refreshed for dirty days).
  -- Grain without model: sessions are distinct per grain; latencies are log-bucketed histograms.
  CREATE TABLE daily_activity (
    event_date TEXT NOT NULL, developer_id TEXT, repo_slug TEXT, source TEXT NOT NULL,
    sessions INTEGER NOT NULL, requests INTEGER NOT NULL, errors INTEGER NOT NULL,
    tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, total_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
    unpriced_requests INTEGER NOT NULL, insertions INTEGER NOT NULL, accepted_insertions INTEGER NOT NULL,
    inserted_lines INTEGER NOT NULL, accepted_lines INTEGER NOT NULL, agent_edits INTEGER NOT NULL,
    agent_lines_added INTEGER NOT NULL, latency_count INTEGER NOT NULL, latency_hist BLOB
  );
  CREATE INDEX idx_daily_activity ON daily_activity (event_date);
  -- Grain with model, for the per-model table.
  CREATE TABLE daily_model (
    event_date TEXT NOT NULL, developer_id TEXT, repo_slug TEXT, source TEXT NOT NULL, model TEXT,
    requests INTEGER NOT NULL, errors INTEGER NOT NULL, tokens_out INTEGER NOT NULL, total_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
    unpriced_requests INTEGER NOT NULL, insertions INTEGER NOT NULL, accepted_insertions INTEGER NOT NULL,
    accepted_lines INTEGER NOT NULL
  );
  CREATE INDEX idx_daily_model ON daily_model (event_date);
  -- First and last day each session was seen, for period session counts and growth.
  CREATE TABLE session_index (
    session_id TEXT NOT NULL, source TEXT NOT NULL, developer_id TEXT, repo_slug TEXT,
    first_day TEXT NOT NULL, last_day TEXT NOT NULL, PRIMARY KEY (session_id, source)
  );
  CREATE INDEX idx_session_index_days ON session_index (first_day, last_day);
  -- When each source last sent data (data health; silent telemetry is a known failure of the agents).
  CREATE TABLE source_status (
    source TEXT PRIMARY KEY, last_event_ms INTEGER, last_received_at TEXT NOT NULL,
    records_received INTEGER NOT NULL DEFAULT 0, dead_letters INTEGER NOT NULL DEFAULT 0
  );
  `,
  `
  -- Agent transcript tailing (src/sources/transcripts): one checkpoint per file. A table rather than
  -- etl_runs rows because a machine has thousands of transcript files and each pass reads them all.
  CREATE TABLE transcript_files (
    path TEXT PRIMARY KEY, agent TEXT NOT NULL, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, ino TEXT NOT NULL,
    -- byte offset just past the last complete line read, and that line's number
    offset INTEGER NOT NULL, line_no INTEGER NOT NULL,
    -- hash of the file's first bytes: a file replaced by another of the same size is re-read
    head_hash TEXT NOT NULL,
    -- parser state carried across incremental reads (session, cwd, model, Codex running totals), JSON
    state TEXT, included INTEGER NOT NULL, updated_at TEXT NOT NULL
  );
  -- Claude message ids seen, for the sidechain-replay rule (a /btw side question replays parent messages
  -- under a new request id; the parent's copy is kept).
  CREATE TABLE transcript_messages (
    message_id TEXT PRIMARY KEY, trace_hash TEXT NOT NULL, sidechain INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- Reconciling OpenTelemetry copies of transcript requests looks rows up by session and time.
  CREATE INDEX idx_sessions_session_ts ON sessions (session_id, ts_ms);
  `,
  // 3 → 4: outcomes (git and GitHub sync).
  `
  -- Set when a commit stored by the git sync is no longer reachable from any branch (amended, rebased,
  -- branch deleted); such commits stop counting but are kept. Cleared if the commit becomes reachable again.
  ALTER TABLE commits ADD COLUMN unreachable_at TEXT;
  CREATE INDEX idx_commits_repo_day ON commits (repo_slug, event_date);

  -- Pull request timeline events that outcomes count (reopened, closed, merged), with their own dates:
  -- a reopen counts on the day of its event, not on the PR's creation or merge day.
  CREATE TABLE pr_events (
    repo_slug TEXT NOT NULL, number INTEGER NOT NULL, event_id INTEGER NOT NULL, event TEXT NOT NULL,
    actor TEXT, created_at TEXT NOT NULL, event_date TEXT NOT NULL,
    PRIMARY KEY (repo_slug, event_id)
  );
  CREATE INDEX idx_pr_events_day ON pr_events (repo_slug, event, event_date);
  CREATE INDEX idx_pr_events_pr ON pr_events (repo_slug, number);
  `,
  `
  -- Coarser rollups so the report reads hundreds of rows, not hundreds of thousands: per day overall
  -- (dim 'all') and per day and one dimension ('repo', 'developer', 'source' with its value), with the
  -- same measures as daily_activity; and per day and model. Filters on two or more dimensions read the
  -- fine rollups.
  CREATE TABLE daily_totals (
    event_date TEXT NOT NULL, dim TEXT NOT NULL, value TEXT,
    sessions INTEGER NOT NULL, requests INTEGER NOT NULL, errors INTEGER NOT NULL,
    tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, total_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
    unpriced_requests INTEGER NOT NULL, insertions INTEGER NOT NULL, accepted_insertions INTEGER NOT NULL,
    inserted_lines INTEGER NOT NULL, accepted_lines INTEGER NOT NULL, agent_edits INTEGER NOT NULL,
    agent_lines_added INTEGER NOT NULL, latency_count INTEGER NOT NULL, latency_hist BLOB
  );
  CREATE INDEX idx_daily_totals ON daily_totals (dim, value, event_date);
  CREATE INDEX idx_daily_totals_day ON daily_totals (event_date);
  CREATE TABLE daily_model_totals (
    event_date TEXT NOT NULL, model TEXT,
    requests INTEGER NOT NULL, errors INTEGER NOT NULL, tokens_out INTEGER NOT NULL, total_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
    unpriced_requests INTEGER NOT NULL, insertions INTEGER NOT NULL, accepted_insertions INTEGER NOT NULL,
    accepted_lines INTEGER NOT NULL
  );
  CREATE INDEX idx_daily_model_totals ON daily_model_totals (event_date);
  -- Every day-level table is rebuilt from the events for the days they cover.
  INSERT OR IGNORE INTO dirty_days (event_date) SELECT DISTINCT event_date FROM daily_activity;
  `,
  // 5 → 6: Parquet export partition versions.
  exportPartitionsMigration(),
  // 6 → 7: a report filtered on two or more dimensions reads the fine rollups; these let it read only the
  // developer's or repository's rows instead of the whole period.
  `
  CREATE INDEX idx_daily_activity_developer ON daily_activity (developer_id, event_date);
  CREATE INDEX idx_daily_activity_repo ON daily_activity (repo_slug, event_date);
  CREATE INDEX idx_daily_model_developer ON daily_model (developer_id, event_date);
  CREATE INDEX idx_daily_model_repo ON daily_model (repo_slug, event_date);
  `,
  // Self-experiments (src/core/experiments, docs/experiments.md).
  `
  -- The design exactly as drawn when the experiment started (seed, schedule, assumed SDs and MDE), so the
  -- analysis always uses the recorded schedule, never a re-drawn one.
  CREATE TABLE experiments (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL, stopped_at TEXT,
    treatment TEXT NOT NULL, unit TEXT NOT NULL, seed INTEGER NOT NULL, start_day TEXT NOT NULL, end_day TEXT NOT NULL,
    design TEXT NOT NULL, power TEXT NOT NULL
  );
  -- One row per scheduled unit (exported as the experiment_units dataset).
  CREATE TABLE experiment_units (
    experiment_id TEXT NOT NULL, unit_index INTEGER NOT NULL, day TEXT NOT NULL, half TEXT, block INTEGER NOT NULL,
    arm TEXT NOT NULL, arm_label TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
    PRIMARY KEY (experiment_id, unit_index)
  );
  CREATE TRIGGER export_experiment_units_insert AFTER INSERT ON experiment_units BEGIN
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('experiment_units', NEW.day, '', 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
  END;
  CREATE TRIGGER export_experiment_units_delete AFTER DELETE ON experiment_units BEGIN
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('experiment_units', OLD.day, '', 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
  END;
  -- A stopped experiment changes its units' exported status.
  CREATE TRIGGER export_experiments_update AFTER UPDATE ON experiments BEGIN
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('experiment_units', NEW.start_day, '', 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
  END;
  `,
  // Dead letters keep sizes, a hash and the JSON path of what failed, never input text (issue 14): the old
  // excerpts are blanked, not migrated.
  `
  ALTER TABLE dead_letter ADD COLUMN input_bytes INTEGER;
  ALTER TABLE dead_letter ADD COLUMN input_hash TEXT;
  ALTER TABLE dead_letter ADD COLUMN json_path TEXT;
  ALTER TABLE dead_letter ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
  UPDATE dead_letter SET excerpt = '' WHERE excerpt <> '';
  `,
  // The developer's local day beside the UTC day (issue 13 §2). `local_date` is the day of `ts_ms` in the
  // store's time zone (meta `time_zone`); Store.open fills it for every row when that zone is new or changed,
  // and marks every day dirty so the report's rollups (daily_activity, daily_model, daily_totals,
  // daily_model_totals, session_index), which are keyed by the local day, are rebuilt.
  `
  ALTER TABLE sessions ADD COLUMN local_date TEXT;
  DELETE FROM meta WHERE key = 'time_zone';
  `,
  // Editor presence (issue 13 §3): minutes with editor activity (focus, typing, selection), counts only, per
  // quarter hour of UTC time so any zone's local day is exact (every zone's offset is a multiple of 15 min).
  // `minutes_mask` has bit m set when minute m of the quarter hour was active; writers OR it in, so repeated
  // or concurrent heartbeats never double-count. developer_id '' = identity unknown.
  `
  CREATE TABLE editor_presence (
    slot_ms INTEGER NOT NULL, developer_id TEXT NOT NULL DEFAULT '', minutes_mask INTEGER NOT NULL,
    PRIMARY KEY (slot_ms, developer_id)
  ) WITHOUT ROWID;
  `,
  // 11 → 12 (issue 15, memory per stored event): `timestamp` (24 bytes of text) and `event_date` (10) are
  // functions of `ts_ms`, which every writer sets (src/core/normalize/event.ts: timestamp = ISO 8601 UTC of
  // ts_ms with milliseconds, event_date = its first 10 characters). They become VIRTUAL generated columns:
  // computed when read, never stored (~35 bytes less per event; the event_date index still stores its keys).
  // Same names, same positions, same values for every reader (`SELECT *` included); writers leave them out.
  // The table is rebuilt with its rowids, so export partition detection (max rowid per day) is unchanged.
  `
  CREATE TABLE sessions_v12 (
    id INTEGER PRIMARY KEY,
    session_id TEXT, developer_id TEXT,
    timestamp TEXT NOT NULL GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%fZ', ts_ms / 1000.0, 'unixepoch')) VIRTUAL,
    model TEXT, tokens_in INTEGER, tokens_out INTEGER, latency_ms REAL, status_code INTEGER, accepted_flag INTEGER,
    repo_slug TEXT,
    event_date TEXT NOT NULL GENERATED ALWAYS AS (substr(timestamp, 1, 10)) VIRTUAL,
    total_tokens INTEGER, cost_usd REAL, diff_ratio REAL,
    accepted_lines INTEGER, trace_hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL, kind TEXT NOT NULL, cache_read_tokens INTEGER, cache_write_tokens INTEGER,
    tool_name TEXT, branch TEXT, device_id TEXT, cost_source TEXT NOT NULL,
    ts_ms INTEGER NOT NULL, reasoning_tokens INTEGER, lines_added INTEGER, lines_removed INTEGER,
    language TEXT, agent TEXT, price_version TEXT, attrs TEXT,
    duplicate_of TEXT,
    ingested_at TEXT NOT NULL,
    local_date TEXT
  );
  INSERT INTO sessions_v12 (id, session_id, developer_id, model, tokens_in, tokens_out, latency_ms, status_code, accepted_flag,
      repo_slug, total_tokens, cost_usd, diff_ratio, accepted_lines, trace_hash, source, kind, cache_read_tokens,
      cache_write_tokens, tool_name, branch, device_id, cost_source, ts_ms, reasoning_tokens, lines_added, lines_removed,
      language, agent, price_version, attrs, duplicate_of, ingested_at, local_date)
    SELECT id, session_id, developer_id, model, tokens_in, tokens_out, latency_ms, status_code, accepted_flag,
      repo_slug, total_tokens, cost_usd, diff_ratio, accepted_lines, trace_hash, source, kind, cache_read_tokens,
      cache_write_tokens, tool_name, branch, device_id, cost_source, ts_ms, reasoning_tokens, lines_added, lines_removed,
      language, agent, price_version, attrs, duplicate_of, ingested_at, local_date
    FROM sessions ORDER BY id;
  DROP TABLE sessions;
  ALTER TABLE sessions_v12 RENAME TO sessions;
  CREATE INDEX idx_sessions_event_date ON sessions (event_date);
  CREATE INDEX idx_sessions_session_ts ON sessions (session_id, ts_ms);
  CREATE TRIGGER export_sessions_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('sessions', IFNULL(OLD.event_date, ''), IFNULL(OLD.repo_slug, ''), 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
  END;
  CREATE TRIGGER export_sessions_update AFTER UPDATE ON sessions BEGIN
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('sessions', IFNULL(OLD.event_date, ''), IFNULL(OLD.repo_slug, ''), 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('sessions', IFNULL(NEW.event_date, ''), IFNULL(NEW.repo_slug, ''), 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
  END;
  `,
  // 12 → 13: live ingest updates the day tables by deltas (issue 14/15); the exact median latency of a touched day
  // and developer is read in order from this partial index (request and error latencies of rows that
  // count), index-only, instead of sorting the day's events. Must match LATENCY_WHERE in day-rollups.ts;
  // kind and duplicate_of are indexed too only so SQLite sees the lookups as covering (no row reads).
  `
  CREATE INDEX idx_sessions_latency ON sessions (event_date, developer_id, latency_ms, kind, duplicate_of)
    WHERE duplicate_of IS NULL AND kind IN ('request', 'error') AND latency_ms IS NOT NULL;
  `,
  // 13 → 14 (issue 15, memory per stored event): one index for both jobs of idx_sessions_event_date (the
  // day's rows, export's max rowid and count per day) and idx_sessions_latency (the exact median of a day and
  // developer, index-only: every column the lookup reads is in the index), over all rows. ~22 bytes less per
  // event than the two (the event_date keys were stored twice) and one index fewer to update per insert.
  `
  DROP INDEX idx_sessions_event_date;
  DROP INDEX idx_sessions_latency;
  CREATE INDEX idx_sessions_day ON sessions (event_date, developer_id, latency_ms, kind, duplicate_of);
  `,
  // 14 → 15 (issue 15, memory per stored event): sessions.ingested_at becomes an INTEGER, epoch milliseconds
  // (6 bytes instead of a 24-character ISO string; ~18 bytes less per event). It is bookkeeping, not a
  // column of the canonical event (never exported); metric_points.ingested_at stays ISO text. The table is
  // rebuilt with its rowids, indexes and triggers, as in migration 12.
  `
  CREATE TABLE sessions_v15 (
    id INTEGER PRIMARY KEY,
    session_id TEXT, developer_id TEXT,
    timestamp TEXT NOT NULL GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%fZ', ts_ms / 1000.0, 'unixepoch')) VIRTUAL,
    model TEXT, tokens_in INTEGER, tokens_out INTEGER, latency_ms REAL, status_code INTEGER, accepted_flag INTEGER,
    repo_slug TEXT,
    event_date TEXT NOT NULL GENERATED ALWAYS AS (substr(timestamp, 1, 10)) VIRTUAL,
    total_tokens INTEGER, cost_usd REAL, diff_ratio REAL,
    accepted_lines INTEGER, trace_hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL, kind TEXT NOT NULL, cache_read_tokens INTEGER, cache_write_tokens INTEGER,
    tool_name TEXT, branch TEXT, device_id TEXT, cost_source TEXT NOT NULL,
    ts_ms INTEGER NOT NULL, reasoning_tokens INTEGER, lines_added INTEGER, lines_removed INTEGER,
    language TEXT, agent TEXT, price_version TEXT, attrs TEXT,
    duplicate_of TEXT,
    -- when the row was stored, epoch ms
    ingested_at INTEGER NOT NULL,
    local_date TEXT
  );
  INSERT INTO sessions_v15 (id, session_id, developer_id, model, tokens_in, tokens_out, latency_ms, status_code, accepted_flag,
      repo_slug, total_tokens, cost_usd, diff_ratio, accepted_lines, trace_hash, source, kind, cache_read_tokens,
      cache_write_tokens, tool_name, branch, device_id, cost_source, ts_ms, reasoning_tokens, lines_added, lines_removed,
      language, agent, price_version, attrs, duplicate_of, ingested_at, local_date)
    SELECT id, session_id, developer_id, model, tokens_in, tokens_out, latency_ms, status_code, accepted_flag,
      repo_slug, total_tokens, cost_usd, diff_ratio, accepted_lines, trace_hash, source, kind, cache_read_tokens,
      cache_write_tokens, tool_name, branch, device_id, cost_source, ts_ms, reasoning_tokens, lines_added, lines_removed,
      language, agent, price_version, attrs, duplicate_of,
      IFNULL(CAST(round((julianday(ingested_at) - 2440587.5) * 86400000.0) AS INTEGER), 0), local_date
    FROM sessions ORDER BY id;
  DROP TABLE sessions;
  ALTER TABLE sessions_v15 RENAME TO sessions;
  CREATE INDEX idx_sessions_session_ts ON sessions (session_id, ts_ms);
  CREATE INDEX idx_sessions_day ON sessions (event_date, developer_id, latency_ms, kind, duplicate_of);
  CREATE TRIGGER export_sessions_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('sessions', IFNULL(OLD.event_date, ''), IFNULL(OLD.repo_slug, ''), 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
  END;
  CREATE TRIGGER export_sessions_update AFTER UPDATE ON sessions BEGIN
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('sessions', IFNULL(OLD.event_date, ''), IFNULL(OLD.repo_slug, ''), 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
    INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('sessions', IFNULL(NEW.event_date, ''), IFNULL(NEW.repo_slug, ''), 1)
      ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;
  END;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Parquet export (src/core/export/plan.ts): a version counter per exported partition (dataset, UTC day,
 * repository), bumped by triggers when a row of that partition changes, so a re-export rewrites only what
 * changed, whoever wrote it. The high-volume append-mostly tables (sessions, metric_points) count only
 * updates and deletes: their inserts are seen from the day index (max rowid and count per day), which
 * keeps the ingest path free of a trigger per row (one cost ~14% of a bulk import). The day and repository
 * expressions must match src/core/export/datasets.ts.
 */
function exportPartitionsMigration(): string {
  const tables: Array<[dataset: string, day: (r: string) => string, repo: (r: string) => string, inserts: boolean]> = [
    ['sessions', (r) => `${r}.event_date`, (r) => `IFNULL(${r}.repo_slug, '')`, false],
    ['metric_points', (r) => `${r}.event_date`, (r) => `IFNULL(${r}.repo_slug, '')`, false],
    ['commits', (r) => `${r}.event_date`, (r) => `IFNULL(${r}.repo_slug, '')`, true],
    ['pull_requests', (r) => `substr(${r}.created_at, 1, 10)`, (r) => `IFNULL(${r}.repo_slug, '')`, true],
    ['daily_session_metrics', (r) => `${r}.event_date`, () => `''`, true],
    ['daily_github_metrics', (r) => `${r}.event_date`, (r) => `IFNULL(${r}.repo_slug, '')`, true],
  ];
  const bump = (t: string, day: string, repo: string) =>
    `INSERT INTO export_partitions (dataset, event_date, repo_slug, version) VALUES ('${t}', IFNULL(${day}, ''), ${repo}, 1)
       ON CONFLICT (dataset, event_date, repo_slug) DO UPDATE SET version = version + 1;`;
  const parts = [
    `CREATE TABLE export_partitions (
       dataset TEXT NOT NULL, event_date TEXT NOT NULL, repo_slug TEXT NOT NULL, version INTEGER NOT NULL,
       PRIMARY KEY (dataset, event_date, repo_slug)
     ) WITHOUT ROWID;`,
  ];
  for (const [t, day, repo, inserts] of tables) {
    if (inserts) {
      parts.push(
        `INSERT INTO export_partitions (dataset, event_date, repo_slug, version)
           SELECT '${t}', IFNULL(${day(t)}, ''), ${repo(t)}, 1 FROM ${t} GROUP BY 2, 3;`,
        `CREATE TRIGGER export_${t}_insert AFTER INSERT ON ${t} BEGIN ${bump(t, day('NEW'), repo('NEW'))} END;`,
      );
    }
    parts.push(
      `CREATE TRIGGER export_${t}_delete AFTER DELETE ON ${t} BEGIN ${bump(t, day('OLD'), repo('OLD'))} END;`,
      `CREATE TRIGGER export_${t}_update AFTER UPDATE ON ${t} BEGIN ${bump(t, day('OLD'), repo('OLD'))} ${bump(t, day('NEW'), repo('NEW'))} END;`,
    );
  }
  return parts.join('\n');
}
