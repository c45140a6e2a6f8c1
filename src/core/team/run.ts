/**
 * Runs the team report's queries on DuckDB (`@duckdb/node-api`, loaded only here and only when the team
 * report runs: it is a dependency of the CLI package, not of the VS Code extension).
 */
import { buildTeamReport, type TeamReport } from './build';
import { buildTeamExperiments } from './experiments';
import { readLake, TEAM_DATASETS, type LakeExport } from './lake';
import {
  aiDailySql,
  commitsDailySql,
  CREATE_DEVELOPERS,
  duckdbSources,
  experimentModelsSql,
  experimentUnitsSql,
  mergedPrsDailySql,
  insertDevelopersSql,
  type AiDailyRow,
  type CommitDailyRow,
  type Dataset,
  type ExperimentModelRow,
  type ExperimentUnitRow,
  type PrDailyRow,
} from '../store/team-lake-sql';
import { importEsm } from '../esm-import';

export interface TeamOptions {
  lakes: string[];
  since?: string | null;
  until?: string | null;
  /** DuckDB threads (default: DuckDB's own, the machine's cores). */
  threads?: number;
  /** DuckDB memory limit, e.g. '2GB'. */
  memoryLimit?: string;
  nowMs?: number;
  /** Sampled assignments of the experiments' randomization tests (default 10,000). */
  experimentDraws?: number;
}

export interface TeamRun {
  report: TeamReport;
  /** Milliseconds per step (lake scan, each query, the model). */
  timings: Record<string, number>;
}

type Row = Record<string, unknown>;

/**
 * A result as row objects, read column by column (`getColumnsJS`: ~5x faster than `getRowObjectsJS` on the
 * ~150k rows of a year of 100 developers), 64-bit integers as numbers.
 */
function rowsOf(result: { columnNames(): string[]; getColumnsJS(): unknown[][] }): Row[] {
  const names = result.columnNames();
  const cols = result.getColumnsJS();
  const n = cols[0]?.length ?? 0;
  const rows: Row[] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = {};
  names.forEach((name, j) => {
    const col = cols[j]!;
    for (let i = 0; i < n; i++) {
      const v = col[i];
      rows[i]![name] = typeof v === 'bigint' ? Number(v) : v;
    }
  });
  return rows;
}

export async function runTeamReport(options: TeamOptions): Promise<TeamRun> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  const exports = readLake(options.lakes);
  lap('lake');
  const { DuckDBInstance } = await importEsm<typeof import('@duckdb/node-api')>('@duckdb/node-api');
  const config: Record<string, string> = {};
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', config);
  const con = await instance.connect();
  const since = options.since ?? null;
  const until = options.until ?? null;
  try {
    const all = async (sql: string) => rowsOf(await con.runAndReadAll(sql));
    // Days of timestamps (merge day of a PR) are UTC days, as everywhere in ProdLens.
    await con.run("SET TimeZone = 'UTC'");
    const paths = viewPaths(exports);
    const src = duckdbSources(paths);
    const nowMs = options.nowMs ?? Date.now();
    const ai = (await all(aiDailySql(src, since, until))) as unknown as AiDailyRow[];
    const aiByModel = (await all(aiDailySql(src, since, until, true))) as unknown as AiDailyRow[];
    lap('ai');
    await con.run(CREATE_DEVELOPERS);
    const keys = [...new Set(ai.map((r) => r.developer_id?.toLowerCase()).filter((d): d is string => !!d))];
    for (let i = 0; i < keys.length; i += 500) {
      await con.run(insertDevelopersSql(keys.slice(i, i + 500)));
    }
    const commits = (await all(commitsDailySql(src, since, until))) as unknown as CommitDailyRow[];
    lap('commits');
    const prs = (await all(mergedPrsDailySql(src, since, until))) as unknown as PrDailyRow[];
    lap('prs');
    // Self-experiments: whole designs, whatever --since/--until say (a unit outside the period still belongs to its schedule).
    let experiments = null;
    if (paths.experiment_units.length) {
      const units = (await all(experimentUnitsSql(src, new Date(nowMs).toISOString()))) as unknown as ExperimentUnitRow[];
      const models = (await all(experimentModelsSql(src))) as unknown as ExperimentModelRow[];
      experiments = buildTeamExperiments(units, models, { draws: options.experimentDraws });
      lap('experiments');
    }
    const report = buildTeamReport({ lakes: options.lakes, exports, ai, aiByModel, commits, prs, since, until, nowMs, experiments });
    lap('model');
    return { report, timings };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/**
 * The files (or globs) DuckDB reads per dataset, over the exports that are read (lake.ts chose per export:
 * the one-file datasets of exports that wrote them, the events (`legacySessions`), commits and pull requests
 * of those that did not). `sessions` also lists the events of exports with self-experiments.
 */
export function viewPaths(exports: readonly LakeExport[]): Record<Dataset, string[]> & { legacySessions: string[] } {
  const out = Object.fromEntries(TEAM_DATASETS.map((d) => [d, [] as string[]])) as Record<Dataset, string[]>;
  const legacySessions: string[] = [];
  for (const e of exports) {
    if (e.status !== 'used') continue;
    for (const ds of TEAM_DATASETS) out[ds].push(...(e.paths[ds] ?? []));
    if (e.usageFromEvents) legacySessions.push(...(e.paths.sessions ?? []));
  }
  return { ...out, legacySessions };
}
