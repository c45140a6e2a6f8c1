import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

describe('Snapshot policy', function () {
  this.timeout(30_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('does not rewrite the database for a trickle of journaled events, but soon after a change the journal does not hold', async () => {
    const dbPath = path.join(tmp.dir, 'p.sqlite');
    const store = await Store.open({ path: dbPath, sql: await sqlLoader.load(), snapshotDelayMs: 20, snapshotMaxDelayMs: 100, snapshotIntervalMs: 60_000 });
    await store.flush();
    const first = statSync(dbPath).ino;
    for (let i = 0; i < 12; i++) {
      await store.ingest(batchOf([event({ id: `t${i}`, time: 1767607200000 + i * 1000 })]));
      store.refreshDailyMetrics();
      await sleep(50);
    }
    assert.equal(statSync(dbPath).ino, first, 'no snapshot during 600 ms of trickle (the journal holds every event)');
    store.setCheckpoint('git:x', 'abc'); // in memory only: must reach a snapshot soon
    await sleep(400);
    assert.notEqual(statSync(dbPath).ino, first, 'snapshot written after an unjournaled change');
    await store.ingest(batchOf([event({ id: 'last' })]));
    await store.close();
    const again = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
    assert.equal(again.openReport.replayedBatches, 0, 'close wrote the snapshot');
    assert.equal(rawDatabaseForTests(again).exec('SELECT count(*) FROM sessions')[0]!.values[0]![0], 13);
    await again.close();
  });

  it('snapshots by journal size', async () => {
    const dbPath = path.join(tmp.dir, 'p.sqlite');
    const store = await Store.open({ path: dbPath, sql: await sqlLoader.load(), snapshotIntervalMs: 60_000, snapshotJournalBytes: 20_000 });
    await store.flush();
    const first = statSync(dbPath).ino;
    for (let i = 0; i < 40; i++) await store.ingest(batchOf([event({ id: `j${i}`, time: 1767607200000 + i * 1000 })]));
    await sleep(300);
    assert.notEqual(statSync(dbPath).ino, first, 'a snapshot once the journal passed the threshold');
    await store.close();
  });

  it('never snapshots in the middle of a sliced ingest (a collector request): the snapshot due by journal size waits for its end', async () => {
    const dbPath = path.join(tmp.dir, 'p.sqlite');
    const store = await Store.open({ path: dbPath, sql: await sqlLoader.load(), snapshotIntervalMs: 60_000, snapshotJournalBytes: 4_000 });
    await store.flush();
    const before = store.snapshotStats.started;
    const evs = Array.from({ length: 400 }, (_, i) => event({ id: `s${i}`, time: 1767607200000 + i * 1000 }));
    let done = false;
    const ingest = store.ingestSliced(batchOf(evs), 10).finally(() => (done = true));
    const startedDuring: number[] = [];
    while (!done) {
      startedDuring.push(store.snapshotStats.started - before);
      await sleep(1);
    }
    assert.equal((await ingest).inserted, 400);
    assert.ok(startedDuring.length > 3, 'the ingest yielded to the event loop between slices');
    assert.deepEqual(new Set(startedDuring), new Set([0]), 'no snapshot started while the request was being ingested');
    await sleep(300);
    assert.ok(store.snapshotStats.started > before, 'the snapshot due by journal size was written after it');
    await store.close();
  });

  it('does not chain snapshots: events journaled while one is written do not make the next one due at once', async () => {
    const dbPath = path.join(tmp.dir, 'p.sqlite');
    let now = 1_000_000;
    const hour = 3_600_000;
    const store = await Store.open({ path: dbPath, sql: await sqlLoader.load(), clock: { now: () => now }, snapshotIntervalMs: hour });
    await store.flush();
    const before = store.snapshotStats.started;
    const written = store.snapshotStats.count;
    now += hour + 1;
    await store.ingest(batchOf([event({ id: 'c1', time: 1767607200000 })]));
    // The hourly snapshot starts; its file is being written (asynchronously) when the next events arrive.
    while (store.snapshotStats.started === before) await new Promise((r) => setImmediate(r));
    assert.equal(store.snapshotStats.count, written, 'still being written');
    // Writing it takes a while (minutes of the clock here): events keep arriving meanwhile.
    now += 120_000;
    await store.ingest(batchOf([event({ id: 'c2', time: 1767607201000 })]));
    await store.ingest(batchOf([event({ id: 'c3', time: 1767607202000 })]));
    await sleep(400);
    assert.equal(store.snapshotStats.started, before + 1, 'no second snapshot until an interval after the first started');
    await store.close();
  });
});
