/**
 * `prodlens team` over a large lake, against hand-written DuckDB SQL of the same aggregates in the same run.
 *
 * The lake is generated directly with DuckDB (COPY … PARTITION_BY per device, files named part-<device>-<n>
 * in the export layout, a manifest per device), not with `prodlens export`: 30M events through sql.js would
 * take hours. One device per developer, each developer in one of 10 repositories, every device exporting all
 * commits and pull requests of its repository (so they must be deduplicated).
 *
 * Each measured run is a fresh process (DuckDB start included for both sides), reporting its wall time and
 * peak resident memory; medians over --runs.
 *   node --import tsx bench/team.ts [--developers 100] [--days 365] [--events 30000000] [--runs 3] [--threads 2]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { median, writeResult } from './util';

const { values: args } = parseArgs({
  options: {
    developers: { type: 'string', default: '100' },
    days: { type: 'string', default: '365' },
    events: { type: 'string', default: '30000000' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    lake: { type: 'string' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

const OUT = path.resolve(__dirname, 'out');
const START = '2025-01-06';

/** The hand-written reference: the same aggregates as the team report, as one would write them for DuckDB. */
function handWritten(lake: string): string[] {
  const src = (ds: string) =>
    `read_parquet('${lake}/*/${ds}/**/*.parquet', hive_partitioning = true, hive_types = {'event_date': DATE, 'repo': VARCHAR}, union_by_name = true)`;
  return [
    `SELECT event_date, developer_id, repo_slug, model, device_id,
            count(*) FILTER (WHERE kind = 'request') AS requests, sum(total_tokens) AS tokens, sum(cost_usd) AS cost,
            sum(accepted_lines) AS accepted_lines, count(*) FILTER (WHERE kind = 'edit' AND accepted_flag IS NOT NULL) AS suggestions,
            count(*) FILTER (WHERE accepted_flag) AS accepted, count(*) AS events
     FROM ${src('sessions')} WHERE duplicate_of IS NULL
     GROUP BY GROUPING SETS ((event_date), (event_date, developer_id), (event_date, repo_slug), (event_date, model), (event_date, device_id))`,
    `SELECT event_date, repo_slug, lower(coalesce(author_email, author)) AS author, count(*) FILTER (WHERE NOT is_merge) AS commits,
            sum(lines_added + lines_removed) AS lines_changed
     FROM (SELECT DISTINCT ON (repo_slug, sha) * FROM ${src('commits')} WHERE unreachable_at IS NULL)
     GROUP BY ALL`,
    `SELECT CAST(merged_at AS DATE) AS day, repo_slug, lower(author) AS author, count(*) AS merged, avg(date_diff('second', created_at, merged_at)) / 3600 AS hours
     FROM (SELECT DISTINCT ON (repo_slug, number) * FROM ${src('pull_requests')} ORDER BY repo_slug, number, updated_at DESC)
     WHERE merged_at IS NOT NULL GROUP BY ALL`,
  ];
}

async function child(kind: string, lake: string, threads: number): Promise<void> {
  const t0 = performance.now();
  let rows = 0;
  if (kind === 'ours') {
    const { runTeamReport } = await import('../src/core/team/run');
    const { report, timings } = await runTeamReport({ lakes: [lake], threads });
    rows = report.daily.developers.length;
    process.stderr.write(`${JSON.stringify(timings)}\n`);
  } else {
    const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const con = await instance.connect();
    await con.run("SET TimeZone = 'UTC'");
    for (const sql of handWritten(lake)) rows += (await con.runAndReadAll(sql)).getRows().length;
    con.closeSync();
    instance.closeSync();
  }
  const wallMs = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ kind, wallMs, rows, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

async function generate(
  lake: string,
  developers: number,
  days: number,
  events: number,
  threads: number,
): Promise<{ files: number; bytes: number; seconds: number }> {
  const t0 = performance.now();
  rmSync(lake, { recursive: true, force: true });
  mkdirSync(lake, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await instance.connect();
  await con.run("SET TimeZone = 'UTC'");
  // Working days get the events; weekends a trickle. Per-developer levels vary ×0.5–×1.5.
  const workdays = Array.from({ length: days }, (_, i) => new Date(Date.parse(`${START}T00:00:00Z`) + i * 864e5).getUTCDay()).filter(
    (d) => d !== 0 && d !== 6,
  ).length;
  const perDay = Math.max(1, Math.round(events / developers / workdays));
  await con.run(`CREATE TABLE devs AS SELECT i AS dev, printf('dev-%03d', i) AS device, printf('dev%03d@example.com', i) AS email,
    printf('acme/repo-%02d', i % 10) AS repo_slug, 0.5 + (hash(i) % 1000) / 1000.0 AS level FROM range(${developers}) t(i)`);
  await con.run(`CREATE TABLE days AS SELECT CAST(DATE '${START}' + CAST(i AS INTEGER) AS DATE) AS day FROM range(${days}) t(i)`);
  await con.run(`CREATE TABLE commits_all AS
    SELECT d.repo_slug, md5(d.email || CAST(day AS VARCHAR) || CAST(k AS VARCHAR)) AS sha, d.email, day AS event_date, k
    FROM devs d, days, (SELECT unnest(range(6)) AS k)
    WHERE dayofweek(day) NOT IN (0, 6) AND hash(d.dev, day, k) % 100 < 50`);
  await con.run(`CREATE TABLE prs_all AS
    SELECT d.repo_slug, row_number() OVER (PARTITION BY d.repo_slug ORDER BY day, d.dev) AS number, d.email, day
    FROM devs d, days WHERE dayofweek(day) NOT IN (0, 6) AND hash(d.dev, day, 'pr') % 100 < 30`);
  const devs = (await con.runAndReadAll('SELECT dev, device, email, repo_slug, level FROM devs ORDER BY dev')).getRows();
  for (const [dev, device, email, repo, level] of devs as Array<[bigint, string, string, string, number]>) {
    const root = path.join(lake, device);
    mkdirSync(root, { recursive: true });
    const n = Math.round(perDay * level);
    await con.run(`COPY (
      SELECT day AS event_date, replace('${repo}', '/', '__') AS repo, '${email}' AS developer_id, '${device}' AS device_id, '${repo}' AS repo_slug,
             CAST(day AS TIMESTAMPTZ) + to_seconds(CAST(28800 + i * 20 AS BIGINT)) AS "timestamp",
             CASE WHEN i % 7 = 0 THEN 'claude-opus-4-1' WHEN i % 3 = 0 THEN 'gpt-5' ELSE 'claude-sonnet-4-5' END AS model,
             CASE WHEN i % 10 = 9 THEN 'edit' ELSE 'request' END AS kind,
             CASE WHEN i % 10 = 9 THEN NULL ELSE CAST(1000 + hash(i, day) % 9000 AS BIGINT) END AS total_tokens,
             CASE WHEN i % 10 = 9 THEN NULL ELSE (1000 + hash(i, day) % 9000) * 3e-6 END AS cost_usd,
             CASE WHEN i % 10 = 9 THEN CAST(hash(i, day) % 20 AS BIGINT) END AS accepted_lines,
             CASE WHEN i % 10 = 9 THEN hash(i, day) % 3 <> 0 END AS accepted_flag,
             md5('${device}' || CAST(day AS VARCHAR) || CAST(i AS VARCHAR)) AS trace_hash,
             CAST(NULL AS VARCHAR) AS duplicate_of
      FROM (SELECT day, unnest(range(CASE WHEN dayofweek(day) IN (0, 6) THEN ${Math.max(1, Math.round(n / 20))} ELSE ${n} END)) AS i FROM days)
    ) TO '${root}/sessions' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date, repo), FILENAME_PATTERN 'part-${device}-{i}')`);
    await con.run(`COPY (
      SELECT event_date, replace(repo_slug, '/', '__') AS repo, sha, repo_slug, email AS author, email AS author_name, email AS author_email,
             CAST(event_date AS TIMESTAMPTZ) + to_seconds(CAST(36000 + k * 600 AS BIGINT)) AS "timestamp",
             CAST(hash(sha) % 200 AS BIGINT) AS lines_added, CAST(hash(sha) % 50 AS BIGINT) AS lines_removed, CAST(2 AS BIGINT) AS files_changed,
             k = 5 AS is_merge, email = '${email}' AS is_mine, 'git' AS source, CAST(NULL AS TIMESTAMPTZ) AS unreachable_at, '${device}' AS device_id
      FROM commits_all WHERE repo_slug = '${repo}'
    ) TO '${root}/commits' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date, repo), FILENAME_PATTERN 'part-${device}-{i}')`);
    await con.run(`COPY (
      SELECT day AS event_date, replace(repo_slug, '/', '__') AS repo, CAST(number AS BIGINT) AS id, repo_slug, CAST(number AS BIGINT) AS number, 'PR' AS title, email AS author,
             'merged' AS state, CAST(day AS TIMESTAMPTZ) + INTERVAL 9 HOUR AS created_at,
             CAST(day AS TIMESTAMPTZ) + INTERVAL 9 HOUR + to_seconds(CAST(3600 + hash(number) % 200000 AS BIGINT)) AS merged_at,
             CAST(day AS TIMESTAMPTZ) + INTERVAL 9 HOUR + to_seconds(CAST(3600 + hash(number) % 200000 AS BIGINT)) AS closed_at,
             CAST(day AS TIMESTAMPTZ) + INTERVAL 9 HOUR + to_seconds(CAST(3600 + hash(number) % 200000 AS BIGINT)) AS updated_at,
             CAST(0 AS BIGINT) AS reopened, CAST(10 AS BIGINT) AS additions, CAST(2 AS BIGINT) AS deletions, '${device}' AS device_id
      FROM prs_all WHERE repo_slug = '${repo}'
    ) TO '${root}/pull_requests' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date, repo), FILENAME_PATTERN 'part-${device}-{i}')`);
    writeManifest(root, device);
    if (Number(dev) % 10 === 9) process.stderr.write(`  generated ${Number(dev) + 1}/${developers} devices\n`);
  }
  con.closeSync();
  instance.closeSync();
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(lake, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.parquet')) {
      files++;
      bytes += statSync(path.join(e.parentPath, e.name)).size;
    }
  }
  return { files, bytes, seconds: Math.round((performance.now() - t0) / 1000) };
}

/** A manifest listing the files (sizes; no hashes: the team report does not read them). */
function writeManifest(root: string, device: string): void {
  const files = [];
  for (const ds of ['sessions', 'commits', 'pull_requests']) {
    const dir = path.join(root, ds);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const abs = path.join(e.parentPath, e.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const partition = Object.fromEntries(
        rel
          .split('/')
          .filter((p) => p.includes('='))
          .map((p) => p.split('=') as [string, string]),
      );
      files.push({ path: rel, dataset: ds, partition, rows: 0, bytes: statSync(abs).size, sha256: '', fingerprint: '' });
    }
  }
  const days = files
    .map((f) => f.partition.event_date)
    .filter(Boolean)
    .sort() as string[];
  const manifest = {
    format: 'prodlens-parquet-export',
    schemaVersion: 1,
    exporterVersion: 'bench',
    deviceId: device,
    exportedAt: new Date().toISOString(),
    filter: { since: null, until: null, repo: null },
    pseudonymization: null,
    timeRange: { from: days[0] ?? null, until: days[days.length - 1] ?? null },
    totals: { files: files.length, rows: 0, bytes: files.reduce((a, f) => a + f.bytes, 0) },
    datasets: {},
    files,
  };
  writeFileSync(path.join(root, '_manifest.json'), JSON.stringify(manifest));
}

async function main(): Promise<void> {
  const threads = Number(args.threads);
  if (args.child) return child(args.child, args.lake!, threads);
  const developers = Number(args.developers);
  const days = Number(args.days);
  const events = Number(args.events);
  const runs = Number(args.runs);
  const lake = args.lake ? path.resolve(args.lake) : path.join(OUT, `team-lake-${developers}x${days}`);
  let gen = null;
  if (!existsSync(path.join(lake, 'dev-000', '_manifest.json')) || !args.lake) {
    console.log(`generating ${developers} developers × ${days} days ≈ ${events.toLocaleString('en-US')} events into ${lake}`);
    gen = await generate(lake, developers, days, events, threads);
    console.log(`  ${gen.files} files, ${(gen.bytes / 2 ** 20).toFixed(0)} MiB, ${gen.seconds} s`);
  }
  const count = await (async () => {
    const i = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const c = await i.connect();
    const n = Number((await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${lake}/*/sessions/**/*.parquet')`)).getRows()[0]![0]);
    c.closeSync();
    i.closeSync();
    return n;
  })();
  const samples: Record<string, Array<{ wallMs: number; maxRssMb: number }>> = { ours: [], hand: [] };
  for (let r = 0; r < runs; r++) {
    // Alternate the order so that cache warmth favours neither side.
    for (const kind of r % 2 === 0 ? ['hand', 'ours'] : ['ours', 'hand']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', kind, '--lake', lake, '--threads', String(threads)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const s = JSON.parse(out.trim().split('\n').pop()!);
      samples[kind]!.push(s);
      console.log(`  run ${r + 1} ${kind.padEnd(4)} ${(s.wallMs / 1000).toFixed(2)} s, peak RSS ${s.maxRssMb} MiB`);
    }
  }
  const med = (k: string, f: 'wallMs' | 'maxRssMb') => median(samples[k]!.map((s) => s[f]));
  const result = {
    lake: { developers, days, events: count, files: gen?.files ?? null, bytes: gen?.bytes ?? null, generationSeconds: gen?.seconds ?? null },
    threads,
    runs,
    ours: { wallMs: Math.round(med('ours', 'wallMs')), peakRssMb: med('ours', 'maxRssMb') },
    handWritten: { wallMs: Math.round(med('hand', 'wallMs')), peakRssMb: med('hand', 'maxRssMb') },
    ratio: +(med('ours', 'wallMs') / med('hand', 'wallMs')).toFixed(2),
    goal: 'ratio ≤ 1.5 and under 60 s (issue 16)',
  };
  console.table([
    { what: 'prodlens team (whole report)', seconds: (result.ours.wallMs / 1000).toFixed(1), 'peak RSS MiB': result.ours.peakRssMb },
    { what: 'hand-written DuckDB SQL', seconds: (result.handWritten.wallMs / 1000).toFixed(1), 'peak RSS MiB': result.handWritten.peakRssMb },
  ]);
  console.log(`${count.toLocaleString('en-US')} events; ratio ${result.ratio}`);
  writeResult('team', result);
  if (!args.keep && !args.lake) rmSync(lake, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
