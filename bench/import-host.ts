/**
 * The extension host during a bulk import (issue 15): the same code as "ProdLens: Import Events from File…"
 * (importPaths on the extension's long-lived store, which journals live ingests and snapshots on its policy,
 * with the extension's `yieldMs: 10`)
 * and then "Open Report" (setTimeZone + buildReportAsync, as src/extension/report-panel.ts does), in one Node
 * process measuring its own event-loop delay (perf_hooks.monitorEventLoopDelay) for each phase. Goal: p99
 * < 50 ms in both phases, so the host (and the collector it serves) never waits on bulk work.
 *
 * The measured process is this file bundled by esbuild with the extension's sql.js patch (esbuild.mjs), so
 * it runs the sql.js build the extension runs; the unbundled run (`--child`) is that process.
 *
 * With `--cpu-prof`, each run is profiled and the long tasks of each phase (the stretches over 30 ms in which
 * the loop did not turn, bench/long-tasks.ts) are printed with the functions that ran in them.
 *
 * Usage: tsx bench/import-host.ts [--events 100000] [--runs 3] [--cpu-prof [--tasks 3]]. Writes bench/out/import-host.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BundledPriceTable } from '../src/core/pricing';
import { buildReportAsync } from '../src/core/report/build';
import { SqlJsLoader } from '../src/core/store/node-sqljs';
import { Store } from '../src/core/store/store';
import { importPaths } from '../src/sources/import-paths';
import { whatRan, type CpuProfile } from './long-tasks';
import { median, writeResult } from './util';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    /** With --cpu-prof: how many of each phase's longest tasks to trace. */
    tasks: { type: 'string', default: '3' },
  },
});
const N = Number(values.events);
const RUNS = Number(values.runs);
const root = path.resolve(__dirname, '..');
const out = path.join(root, 'bench', 'out');
const LONG_TASK_MS = 30;

interface Phase {
  /** On the CPU profile's clock (µs), to place its long tasks in a phase. */
  fromUs: number;
  toUs: number;
  ms: number;
  /** The long tasks: stretches over LONG_TASK_MS between two turns of the loop (µs on the profile's clock). */
  long: Array<{ fromUs: number; toUs: number }>;
  p50: number;
  p99: number;
  max: number;
}

async function phase(fn: () => Promise<unknown>): Promise<Phase> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  // A timer keeps the loop turning, as the host's own timers and the collector's requests do.
  const long: Phase['long'] = [];
  let last = Number(process.hrtime.bigint() / 1000n);
  const tick = setInterval(() => {
    const now = Number(process.hrtime.bigint() / 1000n);
    if (now - last > LONG_TASK_MS * 1000) long.push({ fromUs: last, toUs: now });
    last = now;
  }, 5);
  h.enable();
  // The histogram records from its second tick: let it start before the work does.
  await new Promise((r) => setTimeout(r, 20));
  // Only gaps inside the phase count (the first tick can be late after the store's open).
  long.length = 0;
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const started = performance.now();
  await fn();
  const ms = performance.now() - started;
  // A phase that ends in synchronous work is recorded once the loop turns again.
  await new Promise((r) => setTimeout(r, 20));
  const toUs = Number(process.hrtime.bigint() / 1000n);
  h.disable();
  clearInterval(tick);
  const r = (ns: number) => Math.round(ns / 1e5) / 10;
  return { fromUs, toUs, long, ms: Math.round(ms), p50: r(h.percentile(50)), p99: r(h.percentile(99)), max: r(h.max) };
}

/** One run in this (bundled) process: prints `RESULT {import, report}`. */
async function child(input: string) {
  const sql = await new SqlJsLoader().load();
  const prices = new BundledPriceTable();
  const dir = path.join(out, 'import-host-db');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // As the extension opens it (src/extension/services.ts): journaled, the default snapshot policy.
  const store = await Store.open({ path: path.join(dir, 'prodlens.sqlite'), sql, timeZone: 'UTC' });
  // The same process doing nothing for a few seconds: what the machine's load alone does to the loop.
  const idle = await phase(() => new Promise((r) => setTimeout(r, 3000)));
  let inserted = 0;
  const imp = await phase(async () => {
    const controller = new AbortController();
    const summary = await importPaths(store, [input], { prices, signal: controller.signal, onProgress: () => {}, yieldMs: 10 });
    inserted = summary.inserted;
  });
  if (inserted !== N) throw new Error(`expected ${N} inserted, got ${inserted}`);
  const report = await phase(async () => {
    store.setTimeZone('UTC');
    await buildReportAsync(store, {}, { prices, nowMs: Date.UTC(2026, 11, 1), analysis: { lags: [0, 1, 2, 3], minPairs: 6 }, developer: null });
  });
  await store.close();
  process.stdout.write(`RESULT ${JSON.stringify({ idle, import: imp, report })}\n`);
}

async function main() {
  if (values.child) return child(values.child);
  const input = path.join(out, 'inputs', `otlp-${N}.ndjson`);
  if (!existsSync(input)) {
    mkdirSync(path.dirname(input), { recursive: true });
    // Not bundled into the measured process (its own main would run there).
    const gen = './gen-inputs';
    const { generate } = (await import(gen)) as typeof import('./gen-inputs');
    await generate('otlp', N, input);
  }
  const { build } = await import('esbuild');
  const bundle = path.join(out, 'import-host.js');
  await build({
    entryPoints: [__filename],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    outfile: bundle,
    logLevel: 'warning',
  });
  const idles: Phase[] = [];
  const imports: Phase[] = [];
  const reports: Phase[] = [];
  const profDir = path.join(out, 'import-host-prof');
  for (let i = 0; i < RUNS; i++) {
    rmSync(profDir, { recursive: true, force: true });
    const prof = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
    const r = spawnSync(process.execPath, [...prof, bundle, '--events', String(N), '--child', input], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    const line = /RESULT (.*)/.exec(r.stdout);
    if (r.status !== 0 || !line) throw new Error(`run ${i + 1} failed (${r.status}): ${r.stderr}`);
    const res = JSON.parse(line[1]!) as { idle: Phase; import: Phase; report: Phase };
    idles.push(res.idle);
    imports.push(res.import);
    reports.push(res.report);
    const show = ({ fromUs: _f, toUs: _t, long, ...p }: Phase) =>
      JSON.stringify({ ...p, longTasks: long.length, longestMs: Math.round(Math.max(0, ...long.map((l) => l.toUs - l.fromUs)) / 1000) });
    process.stderr.write(`run ${i + 1}: idle ${show(res.idle)} import ${show(res.import)} report ${show(res.report)}\n`);
    if (values['cpu-prof']) traceLongTasks(profDir, { import: res.import, 'open report': res.report });
  }
  const summary = (ps: Phase[]) => ({
    ms: median(ps.map((p) => p.ms)),
    loopP50Ms: median(ps.map((p) => p.p50)),
    loopP99Ms: median(ps.map((p) => p.p99)),
    loopMaxMs: median(ps.map((p) => p.max)),
    longTasks: median(ps.map((p) => p.long.length)),
  });
  const result = { events: N, runs: RUNS, goalP99Ms: 50, import: summary(imports), openReport: summary(reports), idle: summary(idles) };
  writeResult('import-host', {
    node: process.version,
    load: (await import('node:os')).loadavg(),
    result,
    idles,
    imports,
    reports,
  });
  console.table([
    { phase: 'import', ...result.import },
    { phase: 'open report', ...result.openReport },
    { phase: 'idle (machine load alone)', ...result.idle },
  ]);
}

/** Prints what ran in each phase's longest tasks (--tasks, default 3) (over LONG_TASK_MS), from the run's CPU profile. */
function traceLongTasks(profDir: string, phases: Record<string, Phase>) {
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile in ${profDir}`);
  const profile = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile;
  for (const [name, p] of Object.entries(phases)) {
    const longest = [...p.long].sort((a, b) => b.toUs - b.fromUs - (a.toUs - a.fromUs)).slice(0, Number(values.tasks));
    const all = p.long.map((l) => Math.round((l.toUs - l.fromUs) / 1000)).sort((a, b) => b - a);
    process.stderr.write(`  ${name}: ${p.long.length} long task(s) over ${LONG_TASK_MS} ms: ${all.join(' ')}\n`);
    for (const t of whatRan(profile, longest)) {
      process.stderr.write(`    ${t.ms} ms at +${Math.round((t.startUs - p.fromUs) / 1000)} ms\n`);
      process.stderr.write(`      inclusive: ${t.inclusive.map((f) => `${f.fn} ${f.ms}`).join(' | ')}\n`);
      process.stderr.write(`      self: ${t.self.map((f) => `${f.fn} ${f.ms}`).join(' | ')}\n`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
