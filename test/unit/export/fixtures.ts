import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { MetricPoint } from '../../../src/core/model';
import { stableHash } from '../../../src/core/normalize/hash';
import { Store } from '../../../src/core/store/store';
import { buildReport } from '../../../src/core/report/build';
import { batchOf, event, prices, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

export const HIVE = "hive_partitioning = true, hive_types = {'event_date': DATE, 'repo': VARCHAR}";

export async function memoryStore(dbPath: string | null = null): Promise<Store> {
  return Store.open({ path: dbPath, sql: await sqlLoader.load() });
}

/**
 * A store with every exported dataset: events over three days and three repositories (one event without a
 * repository), metric points, commits, pull requests (one open), a correlation result.
 */
export async function populatedStore(opts: { developer?: string; idPrefix?: string; path?: string } = {}): Promise<Store> {
  const store = await memoryStore(opts.path ?? null);
  const dev = opts.developer ?? 'Ana@Example.com';
  const p = opts.idPrefix ?? '';
  const events = [];
  const repos = ['acme/api', 'acme/web', 'tools/cli'];
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 12; i++) {
      events.push(
        event({
          id: `${p}e${d}-${i}`,
          time: `2026-01-0${5 + d}T${String(8 + i).padStart(2, '0')}:15:00.250Z`,
          repo_slug: repos[i % 3]!,
          developer_id: dev,
          tokens_in: 100 + i,
          tokens_out: 10 * d + i,
          cache_read_tokens: i % 2 ? 1000 : null,
          session_id: `${p}s${d}`,
          attrs: i === 0 ? { 'user.email': 'ana@example.com', query_source: 'main' } : null,
        }),
      );
    }
  }
  events.push(event({ id: `${p}no-repo`, time: '2026-01-06T09:00:00Z', repo_slug: null, developer_id: dev }));
  events.push(
    event({
      id: `${p}edit`,
      time: '2026-01-07T09:30:00Z',
      kind: 'edit',
      repo_slug: 'acme/api',
      accepted_flag: true,
      accepted_lines: 7,
      diff_ratio: 0.85,
      tokens_in: null,
      tokens_out: null,
      model: null,
    }),
  );
  await store.ingest({ events, metrics: [metric(`${p}m1`, 'acme/api'), metric(`${p}m2`, null)], rejects: [] });
  rawDatabaseForTests(store).run(
    `INSERT INTO commits (sha, repo_slug, author, author_name, author_email, timestamp, committed_at, event_date, lines_added, lines_removed, files_changed, is_merge, is_mine, source)
     VALUES (?, 'acme/api', 'ana@example.com', 'Ana Lopez', 'ana@example.com', '2026-01-05T10:00:00Z', '2026-01-05T10:05:00Z', '2026-01-05', 10, 2, 1, 0, 1, 'git'),
            (?, 'acme/web', 'bo@example.com', 'Bo', 'bo@example.com', '2026-01-06T11:00:00.500Z', NULL, '2026-01-06', 3, 0, 2, 1, 0, 'git')`,
    // The same commits on every device: they describe the shared repositories.
    ['sha1', 'sha2'],
  );
  rawDatabaseForTests(store).run(
    `INSERT INTO pull_requests (id, repo_slug, number, title, author, state, created_at, merged_at, closed_at, updated_at, reopened, additions, deletions)
     VALUES (101, 'acme/api', 1, 'Add export', 'ana', 'merged', '2026-01-05T09:00:00Z', '2026-01-06T15:00:00Z', '2026-01-06T15:00:00Z', '2026-01-06T15:00:00Z', 1, 120, 4),
            (102, 'acme/api', 2, 'WIP', 'bo', 'open', '2026-01-07T09:00:00Z', NULL, NULL, '2026-01-07T10:00:00Z', 0, 5, 0)`,
  );
  rawDatabaseForTests(store).run(
    `INSERT INTO daily_github_metrics (event_date, repo_slug, merged_pr_count, commit_count, reopened_pr_count, avg_merge_hours, lines_added, lines_removed)
     VALUES ('2026-01-05', 'acme/api', 0, 1, 0, NULL, 10, 2), ('2026-01-06', 'acme/api', 1, 0, 0, 30, 0, 0)`,
  );
  // The report's analysis caches its correlations in correlation_cache (the export's correlations source).
  buildReport(store, { since: '2026-01-05', until: '2026-01-07' }, { prices, nowMs: Date.parse('2026-01-08T00:00:00Z'), analysis: { minPairs: 3 } });
  store.markDirty();
  return store;
}

export function metric(id: string, repo: string | null, day = '2026-01-05'): MetricPoint {
  const ts = Date.parse(`${day}T12:00:00Z`);
  return {
    point_hash: stableHash(['m', id]),
    source: 'claude-code-otel',
    name: 'claude_code.token.usage',
    unit: 'tokens',
    temporality: 'delta',
    value: 1234.5,
    start_ms: ts - 60000,
    ts_ms: ts,
    timestamp: new Date(ts).toISOString(),
    event_date: day,
    session_id: 's0',
    developer_id: 'ana@example.com',
    model: 'claude-sonnet-4-5',
    repo_slug: repo,
    branch: 'main',
    device_id: null,
    attrs: { type: 'input' },
  };
}

/** A DuckDB connection for reading exports back (closed by `close`). */
export async function duck(): Promise<{
  con: DuckDBConnection;
  all: (sql: string) => Promise<unknown[][]>;
  one: (sql: string) => Promise<unknown>;
  close: () => void;
}> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await instance.connect();
  const all = async (sql: string) => (await con.runAndReadAll(sql)).getRows() as unknown[][];
  return {
    con,
    all,
    one: async (sql) => (await all(sql))[0]![0],
    close: () => {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/** Every file under a folder, relative, `/`-separated, sorted. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

export function scalar(store: Store, sql: string): number {
  return rawDatabaseForTests(store).exec(sql)[0]!.values[0]![0] as number;
}

export { batchOf, event };
