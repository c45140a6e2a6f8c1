import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
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

describe('importPaths in slices (the extension host)', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('stores the same rows and day tables with yieldMs as without, letting timers run while it imports', async () => {
    // 1,300 events in one file: more than one 500-record slice, with a bad line among them.
    const lines: string[] = [];
    for (let i = 0; i < 1300; i++) {
      const t = new Date(Date.UTC(2026, 0, 1 + (i % 9), 10, 0, i % 60)).toISOString();
      lines.push(
        JSON.stringify({
          event_id: `e${i}`,
          timestamp: t,
          session_id: `s${i % 13}`,
          developer_id: 'dev@example.com',
          model: 'claude-sonnet-4-5',
          kind: 'request',
          tokens_in: i,
          tokens_out: 2,
        }),
      );
      if (i === 700) lines.push('{not json');
    }
    const file = path.join(tmp.dir, 'events.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const results = [];
    for (const yieldMs of [undefined, 0]) {
      const store = await Store.open({ path: path.join(tmp.dir, `p${yieldMs ?? 'x'}.sqlite`), sql: await sqlLoader.load(), timeZone: 'UTC' });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      try {
        const summary = await importPaths(store, [file], { prices, yieldMs });
        results.push({
          summary: { inserted: summary.inserted, duplicates: summary.duplicates, deadLettered: summary.deadLettered },
          days: rawDatabaseForTests(store).exec('SELECT * FROM daily_session_metrics ORDER BY event_date')[0]!.values,
          ticks,
        });
      } finally {
        clearInterval(timer);
        await store.close();
      }
    }
    assert.deepEqual(results[0]!.summary, { inserted: 1300, duplicates: 0, deadLettered: 1 });
    assert.deepEqual(results[1]!.summary, results[0]!.summary);
    assert.deepEqual(results[1]!.days, results[0]!.days);
    assert.ok(results[1]!.ticks > 2, `timers ran ${results[1]!.ticks} times during the sliced import`);
  });
});
