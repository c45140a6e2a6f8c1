import assert from 'node:assert/strict';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { importPaths } from '../../../src/sources/import-paths';
import { FIXTURES } from '../helpers/cli';
import { prices, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/** Fails instead of hanging when a promise never settles (a deadlock would otherwise end the process quietly). */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('importPaths with agent transcripts', function () {
  this.timeout(20_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  for (const journal of [false, true]) {
    it(`imports a Claude Code config folder alongside other files and makes it durable (journal: ${journal})`, async () => {
      const db = path.join(tmp.dir, 'p.sqlite');
      const store = await Store.open({ path: db, sql: await sqlLoader.load() });
      let summary;
      try {
        summary = await within(
          10_000,
          'the import',
          importPaths(store, [path.join(FIXTURES, 'transcripts', 'claude'), path.join(FIXTURES, 'litellm', 'payloads.ndjson')], { prices, journal }),
        );
        assert.ok(summary.transcriptFiles > 0);
      } finally {
        await store.close();
      }
      const reopened = await Store.open({ path: db, sql: await sqlLoader.load(), journal: false });
      try {
        const bySource = Object.fromEntries(rawDatabaseForTests(reopened).exec('SELECT source, COUNT(*) FROM sessions GROUP BY source')[0]!.values);
        assert.ok(Number(bySource['claude-code-transcript']) > 0, `stored: ${JSON.stringify(bySource)}`);
        assert.ok(Number(bySource.litellm) > 0, `stored: ${JSON.stringify(bySource)}`);
        assert.equal(Number(bySource['claude-code-transcript']) + Number(bySource.litellm), summary.inserted);
      } finally {
        await reopened.close();
      }
    });
  }
});
