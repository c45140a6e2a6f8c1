// Child process for the crash test: ingests batches through the journal, reports each acknowledgement on
// stdout, then waits to be killed with SIGKILL (no close, no snapshot).
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader } from '../../unit/helpers/events';

async function main() {
  const [dbPath, countArg, prefix = 'k'] = process.argv.slice(2);
  const store = await Store.open({ path: dbPath!, sql: await sqlLoader.load(), snapshotDelayMs: 60_000 });
  const n = Number(countArg);
  for (let i = 0; i < n; i += 100) {
    const events = Array.from({ length: Math.min(100, n - i) }, (_, j) => event({ id: `${prefix}${i + j}`, time: 1767607200000 + (i + j) * 1000 }));
    await store.ingest(batchOf(events));
  }
  process.stdout.write(`acked ${n}\n`);
  setInterval(() => {}, 1000);
}
main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(3);
});
