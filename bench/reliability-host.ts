/**
 * The collector as the extension host runs it: Store and CollectorServer in one Node process, measuring its
 * own event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution). Prints `listening <port>`;
 * on SIGTERM closes (writing the snapshot) and prints one JSON line of statistics.
 * Usage: tsx bench/reliability-host.ts DB [--interval-ms N] [--max-delay-ms N] [--slice RECORDS]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CollectorServer } from '../src/collector/server';
import { defaultNormalizers } from '../src/collector/normalizers';
import { BundledPriceTable } from '../src/core/pricing';
import { SqlJsLoader } from '../src/core/store/node-sqljs';
import { Store } from '../src/core/store/store';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'interval-ms': { type: 'string' }, 'max-delay-ms': { type: 'string' }, slice: { type: 'string' } },
});

async function main() {
  const store = await Store.open({
    path: positionals[0]!,
    sql: await new SqlJsLoader().load(),
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
  process.stdout.write(`listening ${port}\n`);
  process.once('SIGTERM', async () => {
    h.disable();
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const stats = {
      loopDelayP50Ms: ms(h.percentile(50)),
      loopDelayP99Ms: ms(h.percentile(99)),
      loopDelayMaxMs: ms(h.max),
      snapshots: { ...store.snapshotStats },
    };
    await server.stop();
    await store.close();
    process.stdout.write(`stats ${JSON.stringify(stats)}\n`);
    process.exit(0);
  });
  // Start of the measured window: event-loop and snapshot statistics from here on.
  process.on('SIGUSR2', () => {
    h.reset();
    Object.assign(store.snapshotStats, { started: 0, count: 0, bytes: 0, maxExportMs: 0 });
  });
}
main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(3);
});
