import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Batch } from '../../../src/core/model';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { listSegments, readSegment } from '../../../src/core/store/journal';

const count = (store: Store) => rawDatabaseForTests(store).exec('SELECT count(*), count(DISTINCT trace_hash) FROM sessions')[0]!.values[0];
const evs = (from: number, n: number) => Array.from({ length: n }, (_, i) => event({ id: `e${from + i}`, time: 1767607200000 + (from + i) * 1000 }));

describe('Store.ingestStream (a request stored part by part)', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('stores every part in slices, with the rejects, and everything is in the journal when it resolves', async () => {
    const dbPath = path.join(tmp.dir, 'p.sqlite');
    const store = await Store.open({ path: dbPath, sql: await sqlLoader.load(), snapshotIntervalMs: 3_600_000 });
    async function* parts(): AsyncGenerator<Batch> {
      for (let p = 0; p < 5; p++) {
        await sleep(1);
        yield batchOf(evs(p * 37, 37));
      }
      yield {
        events: [],
        metrics: [],
        rejects: [{ received_at: '2026-01-05T10:00:00.000Z', source: 'claude-code-otel', reason: 'no timestamp', excerpt: '', count: 3 }],
      };
    }
    const r = await store.ingestStream(parts(), 10);
    assert.equal(r.inserted, 185);
    assert.deepEqual(count(store), [185, 185]);
    // On disk when it resolves: the journal segments hold every event and the rejects.
    const journaled = listSegments(dbPath).flatMap((seg) => readSegment(seg.path).batches);
    assert.equal(new Set(journaled.flatMap((b) => b.events.map((e) => e.trace_hash))).size, 185);
    assert.equal(
      journaled.flatMap((b) => b.rejects).reduce((n, d) => n + (d.count ?? 1), 0),
      3,
    );
    await store.close();
  });

  it('keeps what was stored when the parts fail half way, rejects with their error, and lets the snapshot held back run', async () => {
    const dbPath = path.join(tmp.dir, 'p.sqlite');
    const store = await Store.open({ path: dbPath, sql: await sqlLoader.load(), snapshotIntervalMs: 60_000, snapshotJournalBytes: 4_000 });
    await store.flush();
    const before = store.snapshotStats.started;
    async function* parts(): AsyncGenerator<Batch> {
      yield batchOf(evs(0, 60));
      yield batchOf(evs(60, 60));
      throw new Error('the worker stopped');
    }
    await assert.rejects(store.ingestStream(parts(), 10), /the worker stopped/);
    assert.deepEqual(count(store), [120, 120]);
    await sleep(300);
    assert.ok(store.snapshotStats.started > before, 'the snapshot due by journal size ran after the failed request');
    // A retry of the whole request stores the rest, nothing twice.
    await store.ingestSliced(batchOf(evs(0, 200)), 10);
    assert.deepEqual(count(store), [200, 200]);
    await store.close();
  });
});
