import assert from 'node:assert/strict';
import path from 'node:path';
import { generate } from '../../../bench/gen-inputs';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { Store } from '../../../src/core/store/store';
import { importPaths } from '../../../src/sources/import-paths';
import { prices, sqlLoader, tempDir } from '../helpers/events';

describe('importPaths on the reading thread', function () {
  this.timeout(120_000);

  it('stores the same rows and day tables as reading on the writing thread, and says it used the thread', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'big.ndjson');
      await generate('otlp', 4000, file);
      const results = [];
      for (const readOnWorker of [true, false]) {
        const store = await Store.open({ path: null, sql: await sqlLoader.load() });
        const said: string[] = [];
        const logger = { debug: () => undefined, info: (m: string) => said.push(m), warn: (m: string) => said.push(m), error: (m: string) => said.push(m) };
        const summary = await importPaths(store, [file], { prices, logger, readOnWorker });
        const db = rawDatabaseForTests(store);
        const rows = (t: string, cols: string) => db.exec(`SELECT ${cols} FROM ${t} ORDER BY ${cols}`)[0]?.values ?? [];
        results.push({
          said: said.some((m) => m.includes('on a worker thread')),
          summary,
          sessions: rows('sessions', 'trace_hash, ts_ms, developer_id, model, tokens_in, tokens_out, cost_usd'),
          days: db.exec('SELECT * FROM daily_session_metrics ORDER BY 1, 2, 3')[0]?.values ?? [],
        });
        await store.close();
      }
      const [worker, here] = results;
      assert.equal(worker!.said, true, 'read on the reading thread');
      assert.equal(here!.said, false);
      assert.equal(worker!.sessions.length, 4000);
      assert.deepEqual(worker!.summary, here!.summary);
      assert.deepEqual(worker!.sessions, here!.sessions);
      assert.deepEqual(worker!.days, here!.days);
    } finally {
      tmp.cleanup();
    }
  });
});
