/**
 * The collector as the extension host runs it: Store and CollectorServer in one Node process, measuring its
 * own event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution). Prints `listening <port>`;
 * on SIGTERM closes (writing the snapshot) and prints one JSON line of statistics.
 * Usage: tsx bench/reliability-host.ts DB [--interval-ms N] [--max-delay-ms N] [--slice RECORDS] [--export-snapshots]
 * (`--export-snapshots`: snapshots by `db.export()`, as before copy-on-write, for the reference run).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CollectorServer } from '../src/collector/server';
import { defaultNormalizers } from '../src/collector/normalizers';
import { BundledPriceTable } from '../src/core/pricing';
import { SqlJsLoader } from '../src/core/store/node-sqljs';
import { Store } from '../src/core/store/store';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'interval-ms': { type: 'string' }, 'max-delay-ms': { type: 'string' }, slice: { type: 'string' }, 'export-snapshots': { type: 'boolean' } },
});

async function main() {
  const store = await Store.open({
    path: positionals[0]!,
    sql: values['export-snapshots'] ? { ...(await new SqlJsLoader().load()), prodlensMemfs: undefined } : await new SqlJsLoader().load(),
    snapshotIntervalMs: values['interval-ms'] ? Number(values['interval-ms']) : undefined,
    snapshotMaxDelayMs: values['max-delay-ms'] ? Number(values['max-delay-ms']) : undefined,
  });
  const prices = new BundledPriceTable();
  const server = new CollectorServer({
    token: 'bench-token-0123456789abcdef',
    port: 0,
    store: async () => store,
    normalizers: defaultNormalizers(),
    prices: () => prices,
    version: 'bench',
    limits: values.slice ? { ingestSliceRecords: Number(values.slice) } : undefined,
  });
  const port = await server.start();
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const blocks = traceBlocks(Number(process.env.HOST_BLOCK_MS ?? 0));
  process.stdout.write(`listening ${port}\n`);
  process.once('SIGTERM', async () => {
    h.disable();
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const stats = {
      loopDelayP50Ms: ms(h.percentile(50)),
      loopDelayP99Ms: ms(h.percentile(99)),
      loopDelayMaxMs: ms(h.max),
      snapshots: { ...store.snapshotStats },
      ...(blocks ? { blocks: blocks.take() } : {}),
    };
    await server.stop();
    await store.close();
    process.stdout.write(`stats ${JSON.stringify(stats)}\n`);
    process.exit(0);
  });
  // The bench's phases (over IPC): the event-loop figures since the last mark (and the blocks traced), then
  // a fresh window.
  process.on('message', (m) => {
    if (m !== 'mark') return;
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    process.send!({ loopDelayP99Ms: ms(h.percentile(99)), loopDelayMaxMs: ms(h.max), ...(blocks ? { blocks: blocks.take() } : {}) });
    h.reset();
  });
  // Start of the measured window: event-loop and snapshot statistics from here on.
  process.on('SIGUSR2', () => {
    h.reset();
    Object.assign(store.snapshotStats, { started: 0, count: 0, bytes: 0, maxExportMs: 0, copyOnWrite: 0, keptChunks: 0 });
  });
}
/**
 * Diagnostics (HOST_BLOCK_MS=20): a 2-ms interval timer notes every gap longer than the threshold (the event
 * loop was blocked), with its start on the monotonic clock (µs, as in a --cpu-prof profile) and the GC
 * pauses and the process's CPU time (all threads) inside it, so a profile can tell what ran and a block
 * much longer than its CPU time shows the process was waiting for a core.
 */
function traceBlocks(minMs: number): { take(): unknown[] } | undefined {
  if (!minMs) return undefined;
  const found: Array<{ startUs: number; ms: number; gcMs: number; gcKinds: string; cpuMs: number }> = [];
  const gcs: Array<{ at: number; ms: number; kind: number }> = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ at: e.startTime, ms: e.duration, kind: (e as { detail?: { kind?: number } }).detail?.kind ?? 0 });
  }).observe({ entryTypes: ['gc'] });
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const cpuMs = Math.round((cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000);
    lastCpu = cpu;
    if (now - last > minMs) {
      const inside = gcs.filter((g) => g.at >= last && g.at < now);
      const gcMs = inside.reduce((n, g) => n + g.ms, 0);
      // perf_hooks kinds: 1 minor (scavenge), 4 major (mark-compact), 8 incremental marking, 16 weak callbacks
      const gcKinds = [...new Set(inside.filter((g) => g.ms >= 5).map((g) => g.kind))].join(',');
      const startUs = Math.round(Number(process.hrtime.bigint() / 1000n) - (now - last) * 1000);
      found.push({ startUs, ms: Math.round(now - last), gcMs: Math.round(gcMs), gcKinds, cpuMs });
    }
    last = now;
  }, 2).unref();
  return { take: () => found.splice(0) };
}

main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(3);
});
