import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { sqlLoader, tempDir } from '../../unit/helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/** Runs the child until it acknowledges, then SIGKILLs it. */
function ingestThenKill(dbPath: string, n: number, prefix = 'k'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'crash-child.ts'), dbPath, String(n), prefix], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes(`acked ${n}`)) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('Store crash safety', function () {
  this.timeout(60_000);
  it('loses none of an acknowledged ingest when the process is SIGKILLed', async () => {
    const tmp = tempDir();
    try {
      const dbPath = path.join(tmp.dir, 'prodlens.sqlite');
      await ingestThenKill(dbPath, 1000);
      const store = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
      assert.equal(rawDatabaseForTests(store).exec('SELECT count(*) FROM sessions')[0]!.values[0]![0], 1000);
      assert.equal(store.openReport.loadedFrom, 'empty', 'no snapshot had been written');
      // A second crash after the replay loses nothing either.
      await store.close();
      await ingestThenKill(dbPath, 300, 'second-');
      const again = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
      assert.equal(again.openReport.loadedFrom, 'snapshot');
      assert.equal(rawDatabaseForTests(again).exec('SELECT count(*) FROM sessions')[0]!.values[0]![0], 1300);
      await again.close();
    } finally {
      tmp.cleanup();
    }
  });
});
