/**
 * Parquet export benchmark: N events (default 1M) over ~365 days × 5 repositories in a real store, exported
 * with the real exporter, against DuckDB writing the same rows with `COPY … (FORMAT parquet, PARTITION_BY
 * (event_date, repo), COMPRESSION zstd)`. Reports medians of `--runs` runs (CPU time as well as wall time:
 * the machine is shared, CPU time moves less), where the time goes, and peak memory.
 *
 * Issue 15: first the whole `node dist/cli.js export` process against DuckDB's COPY at 1 and 2 threads
 * (`--threads 1,2`); `--stages` adds the in-process runs and the per-stage breakdown.
 *
 *   npm run build && npm run bench:export -- [--rows 1000000] [--runs 3] [--threads 1,2] [--stages] [--duckdb-threads 1]
 *
 * The store is built once and kept in bench/out/ (building 1M events takes about a minute).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { BatchEncoder } from '../src/core/export/batch-encoder';
import { dataset } from '../src/core/export/datasets';
import { exportParquet, type ExportSummary } from '../src/core/export/exporter';
import { ParquetWasmLoader } from '../src/core/export/node-parquet';
import { selectionOf, planDataset, specDigest } from '../src/core/export/plan';
import { readPartitions, resolveKnown, type RowSink } from '../src/core/store/export-reader';
import { SqlJsLoader } from '../src/core/store/node-sqljs';
import { Store } from '../src/core/store/store';
import { REPOS, syntheticEvents } from './synthetic';
import { rawDatabaseForTests } from '../src/core/store/database-of';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '3' },
    'duckdb-threads': { type: 'string', default: '1' },
    /** Thread counts of the whole-process comparison (prodlens export --threads N vs DuckDB threads=N). */
    threads: { type: 'string', default: '1,2' },
    /** Also the in-process runs and the per-stage breakdown (slower). */
    stages: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const THREADS = args.threads!.split(',').map(Number);
const DAYS = Number(args.days);
const RUNS = Number(args.runs);
const OUT = path.join(__dirname, 'out');
const STORE = path.join(OUT, `export-bench-${ROWS}x${DAYS}.sqlite`);

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function measure<T>(fn: () => Promise<T> | T): Promise<Sample & { value: T }> {
  const c = cpuMs();
  const t = performance.now();
  const value = await fn();
  return { wallMs: performance.now() - t, cpuMs: cpuMs() - c, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.parquet')) n += statSync(path.join(e.parentPath, e.name)).size;
  }
  return n;
}

async function openStore(): Promise<Store> {
  const sql = await new SqlJsLoader().load();
  if (!existsSync(STORE)) {
    console.log(`building ${STORE} (${ROWS} events over ${DAYS} days × ${REPOS.length} repositories)…`);
    mkdirSync(OUT, { recursive: true });
    const store = await Store.open({ path: STORE, sql, journal: false });
    for (const batch of syntheticEvents(ROWS, { days: DAYS })) store.ingestUnjournaled({ events: batch, metrics: [], rejects: [] });
    store.refreshDailyMetrics();
    await store.close();
  }
  // Work on a copy: the incremental step adds events, and the cached store must stay as built.
  const work = path.join(OUT, 'export-bench-work.sqlite');
  rmSync(work, { force: true });
  rmSync(`${work}.bak`, { force: true });
  copyFileSync(STORE, work);
  // No snapshot during the runs: writing a 500 MB database file is the store's cost, not the export's.
  return Store.open({ path: work, sql, journal: false, snapshotDelayMs: 3_600_000, snapshotMaxDelayMs: 3_600_000 });
}

/** Peak RSS while `fn` runs (sampled every 20 ms), in MiB. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMiB: number; beforeMiB: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMiB: peak / 2 ** 20, beforeMiB: before / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** Cumulative stages of the sessions pipeline, each measured alone: where the time goes. */
async function stages(store: Store): Promise<Record<string, Sample>> {
  const spec = dataset('sessions');
  const plan = planDataset(store, spec, {}, specDigest(spec, 'bench'), [], () => null);
  const selection = selectionOf(plan.write);
  const known = resolveKnown(store, spec);
  const encoder = new BatchEncoder(spec, store.deviceId, undefined, known);
  const parquet = await new ParquetWasmLoader().load();
  const read = <S extends RowSink>(newSink: (day: string | null, capacity: number) => S) =>
    readPartitions(store, spec, selection, { deviceId: store.deviceId, maxRowsPerFile: 250_000, known, newSink });
  const counting = (): RowSink => ({
    rows: 0,
    add() {
      this.rows++;
    },
  });
  const out: Record<string, Sample> = {};
  out['1 read rows from sql.js'] = await measure(() => {
    for (const _ of read(counting));
  });
  out['2 + fill column buffers'] = await measure(() => {
    for (const b of read((d, c) => encoder.newPartition(d, c))) b.sink.finish();
  });
  out['3 + Arrow IPC stream'] = await measure(() => {
    for (const b of read((d, c) => encoder.newPartition(d, c))) encoder.encode(b.sink);
  });
  out['4 + parquet-wasm (ZSTD)'] = await measure(() => {
    for (const b of read((d, c) => encoder.newPartition(d, c))) parquet.encode(encoder.encode(b.sink), { ...encoder.encodings, metadata: {} });
  });
  const target = path.join(OUT, 'stage-files');
  rmSync(target, { recursive: true, force: true });
  out['5 + write files'] = await measure(() => {
    for (const b of read((d, c) => encoder.newPartition(d, c))) {
      const bytes = parquet.encode(encoder.encode(b.sink), { ...encoder.encodings, metadata: {} });
      const dir = path.join(target, `event_date=${b.dayKey}`, `repo=${b.repoKey}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `part-${b.part}.parquet`), bytes);
    }
  });
  return out;
}

async function duckdbReference(exportDir: string, threads: string): Promise<{ samples: Sample[]; bytes: number; rows: bigint }> {
  const instance = await DuckDBInstance.create(':memory:', { threads });
  const con = await instance.connect();
  // The same rows and columns as our sessions dataset, with the same two partition columns.
  await con.run(
    `CREATE TABLE t AS SELECT * FROM read_parquet('${exportDir}/sessions/**/*.parquet', hive_partitioning = true, hive_types = {'event_date': DATE, 'repo': VARCHAR})`,
  );
  const rows = (await con.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0] as bigint;
  const target = path.join(OUT, 'duckdb-copy');
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    rmSync(target, { recursive: true, force: true });
    samples.push(await measure(() => con.run(`COPY t TO '${target}' (FORMAT parquet, PARTITION_BY (event_date, repo), COMPRESSION zstd)`)));
  }
  const bytes = dirBytes(target);
  con.closeSync();
  return { samples, bytes, rows };
}

/** Runs a whole process; wall time, CPU time (user + system, from /usr/bin/time) and peak RSS. */
function timed(cmd: string, argv: string[]): { wallMs: number; cpuMs: number; rssMiB: number; stdout: string } {
  const stats = path.join(OUT, `time-${process.pid}.txt`);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', stats, cmd, ...argv], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, TZ: 'UTC' },
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr}`);
  const [user, sys, maxKb] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(stats, { force: true });
  return { wallMs, cpuMs: (user! + sys!) * 1000, rssMiB: maxKb! / 1024, stdout: r.stdout };
}

/**
 * Issue 15: `node dist/cli.js export` as a whole process (start, open the database, export every dataset,
 * exit) into a fresh folder, against DuckDB's COPY of the same sessions rows with the same partitioning and
 * codec, at each thread count (`--threads N` for ProdLens, `threads = N` for DuckDB), interleaved so both
 * see the same machine load.
 */
async function wholeProcesses(store: string): Promise<Record<string, unknown>> {
  const cli = path.resolve(__dirname, '../dist/cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: npm run build first');
  const db = path.join(OUT, 'export-bench-whole.sqlite');
  const out = path.join(OUT, 'export-whole');
  const fresh = () => {
    for (const f of [db, `${db}.journal`, `${db}.bak`]) rmSync(f, { force: true });
    copyFileSync(store, db);
    rmSync(out, { recursive: true, force: true });
  };
  // The reference's table: the exported sessions rows, read back (the same rows and columns).
  fresh();
  const first = JSON.parse(timed(process.execPath, [cli, 'export', '--out', out, '--db', db, '--json']).stdout) as ExportSummary;
  const refs = new Map<number, { con: DuckDBConnection; rows: number }>();
  for (const t of THREADS) {
    const instance = await DuckDBInstance.create(':memory:', { threads: String(t) });
    const con = await instance.connect();
    await con.run(
      `CREATE TABLE t AS SELECT * FROM read_parquet('${out}/sessions/**/*.parquet', hive_partitioning = true, hive_types = {'event_date': DATE, 'repo': VARCHAR})`,
    );
    refs.set(t, { con, rows: Number((await con.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0] as bigint) });
  }
  const samples = new Map<number, Array<{ prodlensMs: number; prodlensCpuMs: number; rssMiB: number; duckMs: number; duckCpuMs: number }>>();
  const target = path.join(OUT, 'duckdb-copy');
  let duckBytes = 0;
  let summary = first;
  for (let i = 0; i < RUNS; i++) {
    for (const t of THREADS) {
      fresh();
      const p = timed(process.execPath, [cli, 'export', '--out', out, '--db', db, '--json', '--threads', String(t)]);
      summary = JSON.parse(p.stdout) as ExportSummary;
      rmSync(target, { recursive: true, force: true });
      const d = await measure(() => refs.get(t)!.con.run(`COPY t TO '${target}' (FORMAT parquet, PARTITION_BY (event_date, repo), COMPRESSION zstd)`));
      duckBytes = dirBytes(target);
      const row = { prodlensMs: p.wallMs, prodlensCpuMs: p.cpuMs, rssMiB: p.rssMiB, duckMs: d.wallMs, duckCpuMs: d.cpuMs };
      samples.set(t, [...(samples.get(t) ?? []), row]);
      console.log(
        `run ${i + 1}, ${t} thread(s): prodlens export ${p.wallMs.toFixed(0)} ms wall / ${p.cpuMs.toFixed(0)} ms CPU (peak RSS ${p.rssMiB.toFixed(0)} MiB); ` +
          `DuckDB COPY ${d.wallMs.toFixed(0)} ms wall / ${d.cpuMs.toFixed(0)} ms CPU; ratio ${(p.wallMs / d.wallMs).toFixed(2)}; load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  for (const r of refs.values()) r.con.closeSync();
  const sessions = summary.datasets.sessions!;
  const result: Record<string, unknown> = {
    what: 'whole process: node dist/cli.js export --out DIR --threads N (fresh folder, every dataset) vs DuckDB COPY of the sessions rows, threads = N',
    sessionsRows: sessions.rows,
    sessionsFiles: sessions.files,
    allRows: summary.rows,
    allFiles: summary.files,
    prodlensMiB: +(summary.bytes / 2 ** 20).toFixed(1),
    duckdbMiB: +(duckBytes / 2 ** 20).toFixed(1),
    loadAverage: +os.loadavg()[0]!.toFixed(1),
  };
  for (const t of THREADS) {
    const xs = samples.get(t)!;
    if (refs.get(t)!.rows !== sessions.rows) throw new Error(`DuckDB table has ${refs.get(t)!.rows} rows, sessions ${sessions.rows}`);
    const pm = median(xs.map((x) => x.prodlensMs));
    const dm = median(xs.map((x) => x.duckMs));
    result[`threads${t}`] = {
      prodlensWallMs: Math.round(pm),
      prodlensCpuMs: Math.round(median(xs.map((x) => x.prodlensCpuMs))),
      prodlensSessionsRowsPerSecond: Math.round(sessions.rows / (pm / 1000)),
      peakRssMiB: Math.round(median(xs.map((x) => x.rssMiB))),
      duckdbWallMs: Math.round(dm),
      duckdbCpuMs: Math.round(median(xs.map((x) => x.duckCpuMs))),
      duckdbRowsPerSecond: Math.round(sessions.rows / (dm / 1000)),
      ratioOfMedians: +(pm / dm).toFixed(2),
      ratioPerRun: xs.map((x) => +(x.prodlensMs / x.duckMs).toFixed(2)),
    };
  }
  return result;
}

async function main(): Promise<void> {
  const store = await openStore();
  const whole = await wholeProcesses(STORE);
  console.log(JSON.stringify(whole, null, 2));
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, `export-whole-${ROWS}.json`), `${JSON.stringify(whole, null, 2)}\n`);
  if (!args.stages) {
    writeFileSync(path.join(OUT, 'export.json'), `${JSON.stringify({ rows: ROWS, days: DAYS, runs: RUNS, whole }, null, 2)}\n`);
    await store.close();
    return;
  }
  const events = rawDatabaseForTests(store).exec('SELECT count(*) FROM sessions')[0]!.values[0]![0] as number;
  console.log(`store: ${events} events, device ${store.deviceId}`);

  // The first export of a process pays for compiling parquet-wasm and for V8 optimizing the hot loops;
  // it is reported on its own, and the runs after it are the steady state.
  const warm = path.join(OUT, 'export-warm');
  rmSync(warm, { recursive: true, force: true });
  const cold = await measure(() => exportParquet(store, { outDir: warm, exporterVersion: 'bench' }));
  console.log(`first export in this process: wall ${cold.wallMs.toFixed(0)} ms, cpu ${cold.cpuMs.toFixed(0)} ms`);

  // Durable (fsync of every file before the commit, the default) and not, interleaved so both see the same
  // machine load.
  const full: Array<Sample & { peakMiB: number; beforeMiB: number; rows: number; files: number; bytes: number }> = [];
  const noFsync: Sample[] = [];
  const dir = path.join(OUT, 'export-run');
  const fast = path.join(OUT, 'export-run-nofsync');
  for (let i = 0; i < RUNS; i++) {
    rmSync(dir, { recursive: true, force: true });
    const r = await withPeakRss(() => measure(() => exportParquet(store, { outDir: dir, exporterVersion: 'bench' })));
    const s = r.value.value;
    full.push({ wallMs: r.value.wallMs, cpuMs: r.value.cpuMs, peakMiB: r.peakMiB, beforeMiB: r.beforeMiB, rows: s.rows, files: s.files, bytes: s.bytes });
    console.log(
      `export run ${i + 1}: ${s.files} files, ${s.rows} rows, ${(s.bytes / 2 ** 20).toFixed(1)} MiB, wall ${r.value.wallMs.toFixed(0)} ms, cpu ${r.value.cpuMs.toFixed(0)} ms, peak RSS ${r.peakMiB.toFixed(0)} MiB (before ${r.beforeMiB.toFixed(0)})`,
    );
    rmSync(fast, { recursive: true, force: true });
    const f = await measure(() => exportParquet(store, { outDir: fast, exporterVersion: 'bench', durable: false }));
    noFsync.push(f);
    console.log(`  without fsync: wall ${f.wallMs.toFixed(0)} ms, cpu ${f.cpuMs.toFixed(0)} ms`);
  }
  const wasmMiB = (await new ParquetWasmLoader().load()).wasmMemoryBytes() / 2 ** 20;
  const unchanged = await measure(() => exportParquet(store, { outDir: dir, exporterVersion: 'bench' }));
  console.log(`re-export, nothing changed: ${unchanged.value.filesWritten} files written, wall ${unchanged.wallMs.toFixed(0)} ms`);
  const newEvents = [...syntheticEvents(200, { days: 1, startDay: '2025-06-01', seed: 7, device: `bench-increment-${Date.now()}` })][0]!;
  store.ingestUnjournaled({ events: newEvents, metrics: [], rejects: [] });
  const changed = await measure(() => exportParquet(store, { outDir: dir, exporterVersion: 'bench' }));
  console.log(`re-export after 200 new events on one day: ${changed.value.filesWritten} files written, wall ${changed.wallMs.toFixed(0)} ms`);

  const stageRuns: Array<Record<string, Sample>> = [];
  for (let i = 0; i < RUNS; i++) stageRuns.push(await stages(store));
  const duck = await duckdbReference(dir, args['duckdb-threads']!);

  const sessionRows = Number(duck.rows);
  const med = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
  const stageNames = Object.keys(stageRuns[0]!);
  const stageTable = stageNames.map((n) => ({
    stage: n,
    wallMs: med(
      stageRuns.map((r) => r[n]!),
      'wallMs',
    ),
    cpuMs: med(
      stageRuns.map((r) => r[n]!),
      'cpuMs',
    ),
  }));
  const read = stageTable[0]!;
  const all = stageTable[4]!;
  const duckWall = med(duck.samples, 'wallMs');
  const duckCpu = med(duck.samples, 'cpuMs');
  const results = {
    rows: ROWS,
    days: DAYS,
    repos: REPOS.length,
    runs: RUNS,
    export: {
      firstInProcess: { wallMs: Math.round(cold.wallMs), cpuMs: Math.round(cold.cpuMs) },
      files: full[0]!.files,
      bytes: full[0]!.bytes,
      wallMs: median(full.map((f) => f.wallMs)),
      cpuMs: median(full.map((f) => f.cpuMs)),
      rowsPerSecond: Math.round(full[0]!.rows / (median(full.map((f) => f.wallMs)) / 1000)),
      peakRssMiB: Math.round(median(full.map((f) => f.peakMiB))),
      rssBeforeMiB: Math.round(median(full.map((f) => f.beforeMiB))),
      withoutFsync: { wallMs: Math.round(median(noFsync.map((x) => x.wallMs))), cpuMs: Math.round(median(noFsync.map((x) => x.cpuMs))) },
      parquetWasmMemoryMiB: Math.round(wasmMiB),
      reexportUnchangedMs: Math.round(unchanged.wallMs),
      reexportOneDayChangedMs: Math.round(changed.wallMs),
      filesRewrittenForOneDay: changed.value.filesWritten,
    },
    sessionsStages: stageTable,
    duckdb: {
      threads: Number(args['duckdb-threads']),
      rows: sessionRows,
      wallMs: duckWall,
      cpuMs: duckCpu,
      bytes: duck.bytes,
      rowsPerSecond: Math.round(sessionRows / (duckWall / 1000)),
    },
    ratios: {
      /** Rows already out of SQLite → Parquet files, against DuckDB's COPY from its own table. */
      writePathVsDuckdbCpu: +((all.cpuMs - read.cpuMs) / duckCpu).toFixed(2),
      writePathVsDuckdbWall: +((all.wallMs - read.wallMs) / duckWall).toFixed(2),
      /** sql.js rows → Parquet files. */
      sessionsVsDuckdbCpu: +(all.cpuMs / duckCpu).toFixed(2),
      sessionsVsDuckdbWall: +(all.wallMs / duckWall).toFixed(2),
      fullExportVsDuckdbCpu: +(median(full.map((f) => f.cpuMs)) / duckCpu).toFixed(2),
      fullExportVsDuckdbWall: +(median(full.map((f) => f.wallMs)) / duckWall).toFixed(2),
      fullExportNoFsyncVsDuckdbCpu: +(median(noFsync.map((f) => f.cpuMs)) / duckCpu).toFixed(2),
      fullExportNoFsyncVsDuckdbWall: +(median(noFsync.map((f) => f.wallMs)) / duckWall).toFixed(2),
    },
  };
  console.log('\nwhere the time goes (sessions, cumulative stages, medians):');
  for (const s of stageTable) console.log(`  ${s.stage.padEnd(28)} wall ${s.wallMs.toFixed(0).padStart(6)} ms  cpu ${s.cpuMs.toFixed(0).padStart(6)} ms`);
  console.log(
    `DuckDB COPY (threads=${args['duckdb-threads']}): wall ${duckWall.toFixed(0)} ms, cpu ${duckCpu.toFixed(0)} ms, ${(duck.bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  console.log(JSON.stringify(results, null, 2));
  writeFileSync(path.join(OUT, `export-results-${ROWS}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(OUT, 'export.json'), `${JSON.stringify({ ...results, whole }, null, 2)}\n`);
  await store.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
