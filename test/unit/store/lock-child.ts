// Child process for the lock race: for each round, waits at a file barrier for its rival, then opens the
// round's database (real Store.open, which takes the lock) and reports whether it became the owner. Keeps
// every store it owns open until killed, as a real owner would.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StoreBusyError } from '../../../src/core/store/lock';
import { Store } from '../../../src/core/store/store';
import { sqlLoader } from '../helpers/events';

async function main() {
  const [dir, me, rival, roundsArg] = process.argv.slice(2);
  const sql = await sqlLoader.load();
  const owned: Store[] = [];
  for (let r = 0; r < Number(roundsArg); r++) {
    writeFileSync(path.join(dir!, `ready-${r}-${me}`), '');
    while (!existsSync(path.join(dir!, `ready-${r}-${rival}`))) {
      // spin: the two openers start each round together
    }
    try {
      owned.push(await Store.open({ path: path.join(dir!, `db-${r}.sqlite`), sql, snapshotDelayMs: 600_000 }));
      process.stdout.write(`${r} owner\n`);
    } catch (err) {
      process.stdout.write(`${r} ${err instanceof StoreBusyError ? 'busy' : `error ${(err as Error).message}`}\n`);
    }
  }
  process.stdout.write('done\n');
  setInterval(() => {}, 1000);
}
main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(3);
});
