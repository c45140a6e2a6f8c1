/**
 * `prodlens team` over a large lake, against hand-written DuckDB SQL of the same aggregates in the same run.
 *
 * The lake (default 100 developers × 365 days ≈ 30M events, under --data) is made in two steps (and kept):
 * 1. `--templates` real devices (default 2): ProdLens NDJSON events → the built `prodlens import` into a
 *    database of its own → a year of commits and pull requests of the device's repository inserted into
 *    that database (as `sync-git`/`sync-github` would store them) → the built `prodlens export`.
 * 2. Every device of the lake is derived from one template by rewriting its exported Parquet files with DuckDB:
 *    new device id, developer (`devNNN@example.com`), repository (`acme/repo-NN`, ten developers each) and
 *    dates shifted by 0–4 days; commits and pull requests get the repository's SHAs/numbers (the same in
 *    every device of a repository, so they must be deduplicated) and its developers as authors. Same
 *    datasets, file names (`part-<device>-<n>`), hive layout and manifests as the real export; what DuckDB
 *    writes differs only in physical details (timestamps in µs; the partition columns also inside the file).
 *    The `_aggregates` datasets the team report does not read are not derived.
 *
 * Measured, each a whole process from start to exit (Node and DuckDB start included; CPU and peak RSS from
 * the preloaded bench/cpu-report.cjs and rss-hook.cjs), medians over --runs, order alternated:
 * - `ours`: the built `node dist/cli.js team --lake LAKE --threads N --json` (the whole report, printed);
 * - `hand` (bench/team-reference.mjs): hand-written DuckDB SQL of the same aggregates over the same inputs ProdLens reads (the
 *   `_aggregates/daily_usage` sums and the one-file commits and pull requests) — the ratio uses this one;
 * - `handEvents`: the same aggregates hand-written over the raw events and the day-partitioned commits and
 *   pull requests (what an export without the one-file datasets offers);
 * - `oursEvents`: `prodlens team` on a copy of the lake's manifests that do not name the new datasets, so it
 *   reads the events (`--legacy`; the fallback for older exports).
 *   npm run build && node --import tsx bench/team.ts [--developers 100] [--days 365] [--events 30000000] [--runs 3]
 *     [--threads 2] [--templates 2] [--data bench/out/team] [--lake DIR] [--legacy] [--no-events] [--kinds hand,ours]
 * `--no-events` skips deriving the day-partitioned files (pass 2); `--kinds` picks what is measured.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rawDatabaseForTests } from '../src/core/store/database-of';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { fileToken } from '../src/core/export/paths';
import { SqlJsLoader } from '../src/core/store/node-sqljs';
import { Store } from '../src/core/store/store';
import { rng } from './synthetic';
import { median, writeResult } from './util';

const { values: args } = parseArgs({
  options: {
    developers: { type: 'string', default: '100' },
    days: { type: 'string', default: '365' },
    events: { type: 'string', default: '30000000' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    templates: { type: 'string', default: '2' },
    data: { type: 'string', default: path.resolve(__dirname, 'out', 'team') },
    lake: { type: 'string' },
    legacy: { type: 'boolean', default: false },
    'no-events': { type: 'boolean', default: false },
    kinds: { type: 'string' },
  },
});

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const START = '2025-01-06';
const MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'gpt-5'];
const REPOS_PER_LAKE = 10;

const HIVE = `hive_partitioning = true, hive_types = {'event_date': DATE, 'repo': VARCHAR}, union_by_name = true`;
const FLAT = 'hive_partitioning = false, union_by_name = true';

/**
 * One measured run, a whole process from start to exit (wall time from here; CPU and peak RSS reported by the
 * preloaded hooks): `ours` and `oursEvents` are the built `prodlens team --json`, `hand` and `handEvents`
 * bench/team-reference.mjs.
 */
function measure(kind: string, lake: string, threads: number): { wallMs: number; cpuMs: number; maxRssMb: number; outBytes: number } {
  const hooks = ['--require', path.join(__dirname, 'cpu-report.cjs'), '--require', path.join(__dirname, 'rss-hook.cjs')];
  const argv =
    kind === 'ours' || kind === 'oursEvents'
      ? [...hooks, CLI, 'team', '--lake', lake, '--threads', String(threads), '--json']
      : [...hooks, path.join(__dirname, 'team-reference.mjs'), lake, String(threads), kind === 'hand' ? 'aggregates' : 'events'];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${kind} failed (${r.status}): ${r.stderr}`);
  const cpuMs = Number(/BENCH_CPU_MS ([\d.]+)/.exec(r.stderr)?.[1]);
  const maxRssMb = Number(/maxRssMb=(\d+)/.exec(r.stderr)?.[1]);
  return { wallMs, cpuMs, maxRssMb, outBytes: r.stdout.length };
}

const day = (i: number) => new Date(Date.parse(`${START}T00:00:00Z`) + i * 864e5).toISOString().slice(0, 10);
const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

/** One template device's year of ProdLens NDJSON events: one developer, one repository, ~perDay a working day. */
async function writeEvents(file: string, t: number, days: number, perDay: number): Promise<number> {
  const out = createWriteStream(file);
  const r = rng(1000 + t);
  let n = 0;
  for (let i = 0; i < days; i++) {
    const d = day(i);
    const count = Math.round((isWeekend(d) ? perDay / 20 : perDay) * (0.6 + 0.8 * r()));
    for (let k = 0; k < count; k++) {
      const ts = Date.parse(`${d}T07:00:00Z`) + Math.floor((k / Math.max(1, count)) * 11 * 3600_000);
      const edit = k % 10 === 9;
      const model = MODELS[Math.floor(r() * MODELS.length)]!;
      const ev = edit
        ? {
            timestamp: new Date(ts).toISOString(),
            kind: 'edit',
            source: 'editor',
            event_id: `t${t}-${i}-${k}`,
            developer_id: `template${t}@example.com`,
            accepted_flag: r() < 0.7,
            accepted_lines: Math.floor(r() * 20),
            repo_slug: `acme/template-${t}`,
          }
        : {
            timestamp: new Date(ts).toISOString(),
            kind: 'request',
            event_id: `t${t}-${i}-${k}`,
            session_id: `t${t}-${i}-${Math.floor(k / 40)}`,
            developer_id: `template${t}@example.com`,
            model,
            tokens_in: 500 + Math.floor(r() * 5000),
            tokens_out: 100 + Math.floor(r() * 2000),
            cache_read_tokens: Math.floor(r() * 20000),
            latency_ms: 500 + Math.floor(r() * 5000),
            status_code: 200,
            repo_slug: `acme/template-${t}`,
          };
      if (!out.write(`${JSON.stringify(ev)}\n`)) await once(out, 'drain');
      n++;
    }
  }
  out.end();
  await once(out, 'finish');
  return n;
}

/** A year of a ten-developer repository's commits and pull requests, stored as the outcome syncs store them. */
function insertDelivery(store: Store, t: number, days: number): void {
  const r = rng(2000 + t);
  const repo = `acme/template-${t}`;
  let number = 0;
  rawDatabaseForTests(store).run('BEGIN');
  for (let i = 0; i < days; i++) {
    const d = day(i);
    if (isWeekend(d)) continue;
    for (let dev = 0; dev < 10; dev++) {
      const author = `template${t}-${dev}@example.com`;
      const commits = Math.floor(r() * 6);
      for (let k = 0; k < commits; k++) {
        const ts = `${d}T${String(9 + k).padStart(2, '0')}:${String(dev).padStart(2, '0')}:00.000Z`;
        rawDatabaseForTests(store).run(
          `INSERT INTO commits (sha, repo_slug, author, author_name, author_email, timestamp, committed_at, event_date, lines_added, lines_removed, files_changed, is_merge, is_mine, source)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'git')`,
          [
            createHash('sha1').update(`${t}/${i}/${dev}/${k}`).digest('hex'),
            repo,
            author,
            `Dev ${dev}`,
            author,
            ts,
            ts,
            d,
            Math.floor(r() * 200),
            Math.floor(r() * 50),
            2,
            k === 5 ? 1 : 0,
            dev === 0 ? 1 : 0,
          ],
        );
      }
      if (r() < 0.4) {
        number++;
        const created = `${d}T08:${String(dev).padStart(2, '0')}:00.000Z`;
        const merged = r() < 0.85 ? new Date(Date.parse(created) + (1 + Math.floor(r() * 60)) * 3600_000).toISOString() : null;
        rawDatabaseForTests(store).run(
          `INSERT INTO pull_requests (id, repo_slug, number, title, author, state, created_at, merged_at, closed_at, updated_at, reopened, additions, deletions)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 10, 2)`,
          [number, repo, number, `PR ${number}`, author, merged ? 'merged' : 'open', created, merged, merged, merged ?? created],
        );
      }
    }
  }
  rawDatabaseForTests(store).run('COMMIT');
}

/** Step 1: the template devices through the real import and export. */
async function makeTemplates(dir: string, templates: number, days: number, perDay: number): Promise<string[]> {
  const roots: string[] = [];
  for (let t = 0; t < templates; t++) {
    const root = path.join(dir, `export-${t}`);
    roots.push(root);
    if (existsSync(path.join(root, '_manifest.json'))) continue;
    const t0 = performance.now();
    const file = path.join(dir, `events-${t}.ndjson`);
    const db = path.join(dir, `template-${t}.sqlite`);
    rmSync(db, { force: true });
    const n = await writeEvents(file, t, days, perDay);
    const imported = execFileSync(process.execPath, [CLI, 'import', file, '--db', db, '--json'], { encoding: 'utf8' });
    const store = await Store.open({ path: db, sql: await new SqlJsLoader().load() });
    insertDelivery(store, t, days);
    store.markDirty();
    await store.close();
    execFileSync(process.execPath, [CLI, 'export', '--out', root, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'inherit'] });
    rmSync(file);
    console.log(
      `  template ${t}: ${n.toLocaleString('en-US')} events, import ${imported.trim()}, export → ${root} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  return roots;
}

/** Step 2: every device of the lake, rewritten from a template's files by DuckDB. */
async function deriveLake(lake: string, templates: string[], developers: number, threads: number, eventsToo: boolean): Promise<void> {
  mkdirSync(lake, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads), preserve_insertion_order: 'false' });
  const con = await instance.connect();
  await con.run("SET TimeZone = 'UTC'");
  const t0 = performance.now();
  for (const [t, root] of templates.entries()) {
    await con.run(`CREATE OR REPLACE TABLE s${t} AS SELECT * EXCLUDE (repo) FROM read_parquet('${root}/sessions/**/*.parquet', ${HIVE})`);
    await con.run(`CREATE OR REPLACE TABLE c${t} AS SELECT * FROM read_parquet('${root}/_aggregates/commits_compact/*.parquet', ${FLAT})`);
    await con.run(`CREATE OR REPLACE TABLE p${t} AS SELECT * FROM read_parquet('${root}/_aggregates/pull_requests_compact/*.parquet', ${FLAT})`);
    await con.run(`CREATE OR REPLACE TABLE u${t} AS SELECT * FROM read_parquet('${root}/_aggregates/daily_usage/*.parquet', ${FLAT})`);
  }
  // Pass 1: the one-file datasets (what prodlens team reads) of every device; pass 2: the day-partitioned
  // events, commits and pull requests (~900 files a device; what the raw-events reference reads). A device's
  // manifest lists what is written so far; `.events-done` marks a device whose pass 2 is complete.
  for (const pass of eventsToo ? [1, 2] : [1]) {
    for (let i = 0; i < developers; i++) {
      const device = `bench-${String(i).padStart(3, '0')}-${'0'.repeat(8)}`;
      const root = path.join(lake, device);
      if (existsSync(path.join(root, pass === 1 ? '_manifest.json' : '.events-done'))) continue;
      if (pass === 1) {
        rmSync(root, { recursive: true, force: true });
        mkdirSync(root, { recursive: true });
      }
      const t = i % templates.length;
      const ri = i % REPOS_PER_LAKE;
      const repo = `acme/repo-${String(ri).padStart(2, '0')}`;
      const dev = `dev${String(i).padStart(3, '0')}@example.com`;
      const shift = i % 5;
      const token = fileToken(device);
      // Authors of the repository's commits and PRs: its ten developers (dev r, r+10, …).
      const author = (key: string) => `printf('dev%03d@example.com', ${ri} + ${REPOS_PER_LAKE} * (hash(${key}) % ${Math.ceil(developers / REPOS_PER_LAKE)}))`;
      const part = (ds: string) =>
        `'${root}/${ds}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date, repo), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part-${token}-{i}')`;
      const flat = (ds: string) => {
        mkdirSync(path.join(root, '_aggregates', ds), { recursive: true });
        return `'${root}/_aggregates/${ds}/part-${token}-0.parquet' (FORMAT parquet, COMPRESSION zstd)`;
      };
      const commitsSql = `SELECT * REPLACE (md5('${repo}' || sha) AS sha, '${repo}' AS repo_slug, ${author('sha')} AS author, ${author('sha')} AS author_email,
          '${device}' AS device_id, is_mine AND ${author('sha')} = '${dev}' AS is_mine) FROM c${t}`;
      const prsSql = `SELECT * REPLACE ('${repo}' AS repo_slug, ${author('number')} AS author, '${device}' AS device_id) FROM p${t}`;
      if (pass === 1) {
        const usageSql = `SELECT * REPLACE (CAST(event_date + ${shift} AS DATE) AS event_date, '${dev}' AS developer_id, '${repo}' AS repo_slug, '${device}' AS device_id) FROM u${t}`;
        await con.run(`COPY (${usageSql}) TO ${flat('daily_usage')}`);
        await con.run(`COPY (${commitsSql}) TO ${flat('commits_compact')}`);
        await con.run(`COPY (${prsSql}) TO ${flat('pull_requests_compact')}`);
      } else {
        const sessionsSql = `SELECT * REPLACE (CAST(event_date + ${shift} AS DATE) AS event_date, "timestamp" + INTERVAL ${shift} DAY AS "timestamp",
            CASE WHEN local_date IS NULL THEN NULL ELSE CAST(local_date + ${shift} AS DATE) END AS local_date,
            '${dev}' AS developer_id, '${repo}' AS repo_slug, '${device}' AS device_id, md5('${device}' || trace_hash) AS trace_hash,
            CASE WHEN session_id IS NULL THEN NULL ELSE '${device}-' || session_id END AS session_id),
            '${repo.replace('/', '__')}' AS repo FROM s${t}`;
        await con.run(`COPY (${sessionsSql}) TO ${part('sessions')}`);
        await con.run(`COPY (SELECT *, '${repo.replace('/', '__')}' AS repo FROM (${commitsSql})) TO ${part('commits')}`);
        await con.run(`COPY (SELECT *, '${repo.replace('/', '__')}' AS repo FROM (${prsSql})) TO ${part('pull_requests')}`);
      }
      writeManifest(root, device, templates[t]!);
      if (pass === 2) writeFileSync(path.join(root, '.events-done'), '');
      if (i % 10 === 9) console.log(`  pass ${pass}: derived ${i + 1}/${developers} devices (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
  con.closeSync();
  instance.closeSync();
}

const DATASET_DIRS: Record<string, string> = {
  sessions: 'sessions',
  commits: 'commits',
  pull_requests: 'pull_requests',
  daily_usage: '_aggregates/daily_usage',
  commits_compact: '_aggregates/commits_compact',
  pull_requests_compact: '_aggregates/pull_requests_compact',
};

/** The device's manifest: the template's, with this device's files (sizes) and the datasets derived. */
function writeManifest(root: string, device: string, template: string, datasets = Object.keys(DATASET_DIRS)): void {
  const m = JSON.parse(readFileSync(path.join(template, '_manifest.json'), 'utf8')) as Record<string, unknown> & { datasets: Record<string, unknown> };
  const files = [];
  for (const ds of datasets) {
    const dir = path.join(root, DATASET_DIRS[ds]!);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith('.parquet')) continue;
      const abs = path.join(e.parentPath, e.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const partition = Object.fromEntries(
        rel
          .split('/')
          .filter((p) => p.includes('='))
          .map((p) => p.split('=') as [string, string]),
      );
      files.push({ path: rel, dataset: ds, partition, rows: 0, bytes: statSync(abs).size, sha256: '', fingerprint: 'bench' });
    }
  }
  const manifest = {
    ...m,
    exporterVersion: `${String(m.exporterVersion)} (bench: rewritten by DuckDB from ${path.basename(template)})`,
    deviceId: device,
    exportedAt: new Date().toISOString(),
    totals: { files: files.length, rows: 0, bytes: files.reduce((a, f) => a + f.bytes, 0) },
    datasets: Object.fromEntries(datasets.filter((d) => existsSync(path.join(root, DATASET_DIRS[d]!))).map((d) => [d, m.datasets[d] ?? {}])),
    files,
  };
  writeFileSync(path.join(root, '_manifest.json'), JSON.stringify(manifest));
}

/** A view of the lake as older exports: the same folders' events, manifests that do not name the new datasets. */
function legacyView(lake: string, out: string): void {
  rmSync(out, { recursive: true, force: true });
  for (const device of readdirSync(lake)) {
    const src = path.join(lake, device);
    const dst = path.join(out, device);
    mkdirSync(dst, { recursive: true });
    for (const ds of ['sessions', 'commits', 'pull_requests']) execFileSync('ln', ['-s', path.join(src, ds), path.join(dst, ds)]);
    const m = JSON.parse(readFileSync(path.join(src, '_manifest.json'), 'utf8')) as { datasets: Record<string, unknown>; files: Array<{ dataset: string }> };
    for (const ds of ['daily_usage', 'commits_compact', 'pull_requests_compact']) delete m.datasets[ds];
    m.files = m.files.filter((f) => ['sessions', 'commits', 'pull_requests'].includes(f.dataset));
    writeFileSync(path.join(dst, '_manifest.json'), JSON.stringify(m));
  }
}

function countFiles(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.parquet')) {
      files++;
      bytes += statSync(path.join(e.parentPath, e.name)).size;
    }
  }
  return { files, bytes };
}

async function main(): Promise<void> {
  const threads = Number(args.threads);
  const developers = Number(args.developers);
  const days = Number(args.days);
  const events = Number(args.events);
  const runs = Number(args.runs);
  const templates = Number(args.templates);
  const data = path.resolve(args.data!);
  const lake = args.lake ? path.resolve(args.lake) : path.join(data, `lake-${developers}x${days}`);
  const t0 = performance.now();
  if (!existsSync(CLI)) throw new Error('run `npm run build` first (the templates go through dist/cli.js)');
  const workdays = Array.from({ length: days }, (_, i) => day(i)).filter((d) => !isWeekend(d)).length;
  const perDay = Math.max(1, Math.round(events / developers / (workdays + (days - workdays) / 20)));
  console.log(`lake: ${developers} developers × ${days} days ≈ ${events.toLocaleString('en-US')} events in ${lake}`);
  console.log(
    `  ${templates} template devices through the real \`prodlens import\` + \`prodlens export\`; the ${developers} lake devices are DuckDB rewrites of their files`,
  );
  const tdir = path.join(data, `templates-${days}d-${perDay}`);
  mkdirSync(tdir, { recursive: true });
  const roots = await makeTemplates(tdir, templates, days, perDay);
  await deriveLake(lake, roots, developers, threads, !args['no-events']);
  const generationSeconds = Math.round((performance.now() - t0) / 1000);
  const size = countFiles(lake);
  const legacy = path.join(data, `legacy-view-${developers}x${days}`);
  if (args.legacy) legacyView(lake, legacy);
  const count = await (async () => {
    const i = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const c = await i.connect();
    const n = Number((await c.runAndReadAll(`SELECT sum(events) FROM read_parquet('${lake}/*/_aggregates/daily_usage/*.parquet')`)).getRows()[0]![0]);
    c.closeSync();
    i.closeSync();
    return n;
  })();
  console.log(
    `  ${count.toLocaleString('en-US')} events, ${size.files.toLocaleString('en-US')} files, ${(size.bytes / 2 ** 20).toFixed(0)} MiB (${generationSeconds} s to make or check)`,
  );
  if (runs === 0) return;
  const kinds = args.kinds ? args.kinds.split(',') : args.legacy ? ['hand', 'ours', 'handEvents', 'oursEvents'] : ['hand', 'ours', 'handEvents'];
  type Sample = { wallMs: number; cpuMs: number; maxRssMb: number; outBytes: number };
  const samples: Record<string, Sample[]> = Object.fromEntries(kinds.map((k) => [k, []]));
  const load: number[] = [];
  for (let r = 0; r < runs; r++) {
    // Alternate the order so that cache warmth favours neither side.
    for (const kind of r % 2 === 0 ? kinds : [...kinds].reverse()) {
      load.push(os.loadavg()[0]!);
      const s = measure(kind, kind === 'oursEvents' ? legacy : lake, threads);
      samples[kind]!.push(s);
      console.log(
        `  run ${r + 1} ${kind.padEnd(10)} ${(s.wallMs / 1000).toFixed(2)} s (CPU ${(s.cpuMs / 1000).toFixed(1)} s), peak RSS ${s.maxRssMb} MiB, load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  const med = (k: string, f: 'wallMs' | 'cpuMs' | 'maxRssMb') => median(samples[k]!.map((s) => s[f]));
  const side = (k: string) => (samples[k] ? { wallMs: Math.round(med(k, 'wallMs')), cpuMs: Math.round(med(k, 'cpuMs')), peakRssMb: med(k, 'maxRssMb') } : null);
  const result = {
    lake: {
      developers,
      days,
      events: count,
      files: size.files,
      bytes: size.bytes,
      templates,
      made: 'templates through prodlens import + export; lake devices rewritten from their files by DuckDB',
    },
    threads,
    runs,
    loadAverage: { min: Math.min(...load), median: median(load), max: Math.max(...load) },
    ours: side('ours'),
    handWritten: side('hand'),
    handWrittenOverEvents: side('handEvents'),
    oursOverEvents: side('oursEvents'),
    ratio: +(med('ours', 'wallMs') / med('hand', 'wallMs')).toFixed(2),
    cpuRatio: +(med('ours', 'cpuMs') / med('hand', 'cpuMs')).toFixed(2),
    ratioAgainstEvents: samples.handEvents ? +(med('ours', 'wallMs') / med('handEvents', 'wallMs')).toFixed(2) : null,
    fallbackRatio: samples.oursEvents && samples.handEvents ? +(med('oursEvents', 'wallMs') / med('handEvents', 'wallMs')).toFixed(2) : null,
    goal: 'ratio ≤ 1.5 (against the hand-written SQL over the same inputs) and under 60 s (issue 16)',
  };
  console.table(
    [
      ['prodlens team (whole report; daily_usage + one-file commits/PRs)', 'ours'],
      ['hand-written DuckDB SQL, same inputs', 'hand'],
      ['hand-written DuckDB SQL over the raw events + day-partitioned commits/PRs', 'handEvents'],
      ['prodlens team on the same lake read as older exports (events)', 'oursEvents'],
    ]
      .filter(([, k]) => samples[k!])
      .map(([what, k]) => ({
        what,
        'median s': (med(k!, 'wallMs') / 1000).toFixed(1),
        'CPU s': (med(k!, 'cpuMs') / 1000).toFixed(1),
        'peak RSS MiB': med(k!, 'maxRssMb'),
      })),
  );
  console.log(
    `ratio ${result.ratio} (CPU ${result.cpuRatio}) against the same inputs; ${result.ratioAgainstEvents} against the raw-events SQL; load average ${median(load).toFixed(1)}`,
  );
  writeResult('team', result);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
