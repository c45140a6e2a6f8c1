/**
 * Import benchmark (issue 2): whole-command `prodlens import` (parse, validate, normalize, upsert, daily
 * rollups, snapshot) of 100k and 1M events in each input format, against a bare reference on the same
 * input in the same run (`JSON.parse` + better-sqlite3 upserts, no validation: bench/reference-import.ts).
 * Also the snapshot write time, the open time of the result and peak memory (max RSS) of each process.
 *
 * Usage: tsx bench/import.ts [--sizes 100000,1000000] [--formats otlp,litellm,prodlens] [--runs 3]
 * Writes bench/out/import.json. Machines here are shared: medians of the runs, and the ratio.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { generate } from './gen-inputs';
import { median, writeResult } from './util';

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'bench', 'out');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    formats: { type: 'string', default: 'otlp,litellm,prodlens' },
    runs: { type: 'string', default: '3' },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const formats = values.formats!.split(',');
const runs = Number(values.runs);
const RSS_HOOK = path.join(root, 'bench', 'rss-hook.cjs');
const CPU_HOOK = path.join(root, 'bench', 'cpu-report.cjs');

interface Run {
  ms: number;
  /** CPU time of the process (user + system): on a shared, overloaded machine it moves far less than wall time. */
  cpuMs: number;
  maxRssMb: number;
  snapshotMs?: number;
  rows?: number;
}

function timed(args: string[]): { ms: number; stdout: string; stderr: string; maxRssMb: number; cpuMs: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=12000', '--require', RSS_HOOK, '--require', CPU_HOOK, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  // `prodlens import` runs in a child process with its own V8 flags (src/cli/main.ts), which inherits the
  // hooks: CPU time is the sum over both processes, memory the larger peak.
  const rss = [...r.stderr.matchAll(/maxRssMb=(\d+)/g)].map((m) => Number(m[1]));
  const cpu = [...r.stderr.matchAll(/BENCH_CPU_MS ([\d.]+)/g)].map((m) => Number(m[1]));
  return {
    ms,
    stdout: r.stdout,
    stderr: r.stderr,
    maxRssMb: rss.length ? Math.max(...rss) : NaN,
    cpuMs: cpu.length ? cpu.reduce((a, b) => a + b, 0) : NaN,
  };
}

async function main() {
  mkdirSync(path.join(out, 'inputs'), { recursive: true });
  if (!existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error('run npm run build first');
  const reference = path.join(out, 'reference-import.js');
  await build({
    entryPoints: [path.join(root, 'bench', 'reference-import.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: reference,
    external: ['better-sqlite3'],
    logLevel: 'warning',
  });
  const results: Record<string, unknown>[] = [];
  for (const size of sizes) {
    for (const format of formats) {
      const input = path.join(out, 'inputs', `${format}-${size}.ndjson`);
      if (!existsSync(input)) {
        process.stderr.write(`generating ${input}…\n`);
        await generate(format, size, input);
      }
      const mb = statSync(input).size / 1048576;
      const ours: Run[] = [];
      const refs: Run[] = [];
      const opens: number[] = [];
      const openRss: number[] = [];
      let dbBytes = 0;
      for (let i = 0; i < runs; i++) {
        const dir = path.join(out, 'import-db');
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const db = path.join(dir, 'prodlens.sqlite');
        // Alternate which goes first so a noisy neighbour does not favour one side.
        const pair = [
          () => {
            const r = timed([path.join(root, 'dist', 'cli.js'), 'import', input, '--json', '--verbose', '--db', db]);
            const snap = /snapshot (\d+) bytes in (\d+) ms/.exec(r.stderr);
            const summary = JSON.parse(r.stdout);
            if (summary.inserted !== size) throw new Error(`expected ${size} inserted, got ${JSON.stringify(summary)}`);
            ours.push({ ms: r.ms, cpuMs: r.cpuMs, maxRssMb: r.maxRssMb, snapshotMs: snap ? Number(snap[2]) : NaN, rows: summary.inserted });
            dbBytes = statSync(db).size;
            const info = timed([path.join(root, 'dist', 'cli.js'), 'info', '--json', '--db', db]);
            opens.push(JSON.parse(info.stdout).openMs);
            openRss.push(info.maxRssMb);
          },
          () => {
            const r = timed([reference, format, input, path.join(dir, 'reference.sqlite')]);
            const o = JSON.parse(r.stdout);
            refs.push({ ms: r.ms, cpuMs: r.cpuMs, maxRssMb: r.maxRssMb, rows: o.rows });
          },
        ];
        if (i % 2) pair.reverse();
        for (const f of pair) f();
      }
      const oursMs = median(ours.map((r) => r.ms));
      const refMs = median(refs.map((r) => r.ms));
      const row = {
        format,
        events: size,
        inputMiB: Math.round(mb),
        prodlensEventsPerSec: Math.round(size / (oursMs / 1000)),
        referenceEventsPerSec: Math.round(size / (refMs / 1000)),
        ratio: Number((oursMs / refMs).toFixed(2)),
        cpuRatio: Number((median(ours.map((r) => r.cpuMs)) / median(refs.map((r) => r.cpuMs))).toFixed(2)),
        prodlensCpuMs: Math.round(median(ours.map((r) => r.cpuMs))),
        referenceCpuMs: Math.round(median(refs.map((r) => r.cpuMs))),
        prodlensMs: Math.round(oursMs),
        referenceMs: Math.round(refMs),
        snapshotWriteMs: median(ours.map((r) => r.snapshotMs ?? NaN)),
        openMs: median(opens),
        // Memory per stored event: peak RSS of a process that opens the database (prodlens info), per event.
        openMaxRssMiB: median(openRss),
        openBytesPerEvent: Math.round((median(openRss) * 1048576) / size),
        dbBytesPerEvent: Math.round(dbBytes / size),
        dbMiB: Math.round(dbBytes / 1048576),
        prodlensMaxRssMiB: median(ours.map((r) => r.maxRssMb)),
        referenceMaxRssMiB: median(refs.map((r) => r.maxRssMb)),
        runs,
      };
      results.push(row);
      process.stdout.write(`${JSON.stringify(row)}\n`);
    }
  }
  writeResult('import', {
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    load: (await import('node:os')).loadavg(),
    git: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(),
    results,
  });
  console.table(
    results.map((r) => ({
      format: r.format,
      events: r.events,
      'ProdLens ev/s': r.prodlensEventsPerSec,
      'reference ev/s': r.referenceEventsPerSec,
      ratio: r.ratio,
      'CPU ratio': r.cpuRatio,
      'snapshot ms': r.snapshotWriteMs,
      'open ms': r.openMs,
      'DB MiB': r.dbMiB,
      'RSS MiB': r.prodlensMaxRssMiB,
      'open B/event': r.openBytesPerEvent,
    })),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
