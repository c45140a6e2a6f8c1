import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'sql.js';
import { patchSqlJs, SQLJS_PATCHES, type PatchedSqlJs } from '../../../src/core/store/node-sqljs';
import { checkSnapshot, CopyOnWrite } from '../../../src/core/store/snapshot';
import { Store } from '../../../src/core/store/store';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';

const CHUNK = 64 * 1024;

/** A database of ~`rows` rows of 1 KB, spread over many pages. */
function filled(SQL: PatchedSqlJs, rows: number): Database {
  const db = new SQL.Database();
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA locking_mode = EXCLUSIVE; CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, pad BLOB)');
  db.run('BEGIN');
  const st = db.prepare('INSERT INTO t (id, v, pad) VALUES (?, ?, zeroblob(1000))');
  for (let i = 1; i <= rows; i++) st.run([i, i]);
  st.free();
  db.run('COMMIT');
  return db;
}

function summary(db: Database): { n: number; sum: number } {
  const [n, sum] = db.exec('SELECT count(*), coalesce(sum(v), 0) FROM t')[0]!.values[0]! as number[];
  return { n: n!, sum: sum! };
}

/** Reads every chunk of a copy, calling `between(i)` before each (the live database changing meanwhile). */
function drain(copy: CopyOnWrite, between: (i: number) => void): Uint8Array {
  const out = new Uint8Array(copy.size);
  for (let i = 0; i < copy.chunkCount; i++) {
    between(i);
    out.set(copy.take(i), i * CHUNK);
  }
  copy.end();
  return out;
}

describe('Copy-on-write snapshots', function () {
  this.timeout(60_000);

  it('loads sql.js with every patch applied (a sql.js upgrade that moves them fails here, not in a user’s snapshot)', async () => {
    const SQL = await sqlLoader.load();
    assert.ok(SQL.prodlensMemfs, 'MEMFS access patched in');
    const db = new SQL.Database();
    db.exec('CREATE TABLE x (a)');
    const node = SQL.prodlensMemfs.node(db);
    assert.equal(SQL.prodlensMemfs.used(node) % 4096, 0);
    assert.equal(typeof SQL.prodlensMemfs.streamOps(node).write, 'function');
    db.close();
  });

  it('refuses a sql.js whose code no longer has what a patch edits, naming the patch', () => {
    const text = readFileSync(require.resolve('sql.js/dist/sql-wasm.js'), 'utf8');
    for (const p of SQLJS_PATCHES) {
      assert.throws(() => patchSqlJs(text.replace(p.from, 'CHANGED'), 'x.js'), new RegExp(`sql.js patch "${p.why}"`));
      const witness = p.witness;
      if (witness) assert.throws(() => patchSqlJs(text.split(witness).join('CHANGED'), 'x.js'), /update SQLJS_PATCHES/);
    }
  });

  it('reads the database as it was when the copy began while updates, deletes and inserts (growing the file) go on', async () => {
    const SQL = await sqlLoader.load();
    const db = filled(SQL, 3000);
    const memfs = SQL.prodlensMemfs!;
    const node = memfs.node(db);
    const buffer = memfs.contents(node)!.buffer as ArrayBuffer & { resizable: boolean };
    assert.ok(buffer.resizable, 'the file lives in a resizable buffer once it has grown');
    const capacity = buffer.byteLength;
    const before = summary(db);
    const copy = CopyOnWrite.begin(memfs, db, CHUNK)!;
    assert.ok(copy.chunkCount > 20, `${copy.chunkCount} chunks`);
    const bytes = drain(copy, (i) => {
      // Pages both before and after the chunk being read change, inside and outside transactions.
      db.run('UPDATE t SET v = v + 1000000 WHERE id % 97 = ?', [i % 97]);
      if (i % 5 === 0) db.run('DELETE FROM t WHERE id = ?', [3000 - i]);
      if (i % 3 === 0) {
        db.run('BEGIN');
        for (let k = 0; k < 200; k++) db.run('INSERT INTO t (v, pad) VALUES (1, zeroblob(1000))');
        db.run('COMMIT');
      }
    });
    assert.ok(copy.keptChunks > 0, 'some chunks were overwritten before being read and kept aside');
    assert.equal(memfs.contents(node)!.buffer, buffer, 'the file grew in place (same buffer, no copy)');
    assert.ok(buffer.byteLength > capacity, `it grew past its capacity (${capacity} → ${buffer.byteLength} bytes) while the copy was read`);
    assert.notDeepEqual(summary(db), before, 'the live database changed meanwhile');
    assert.equal(checkSnapshot(bytes), null);
    const again = new SQL.Database(bytes);
    assert.equal(again.exec('PRAGMA integrity_check')[0]!.values[0]![0], 'ok');
    assert.deepEqual(summary(again), before, 'the copy holds exactly the state at its start');
    again.close();
    db.close();
  });

  it('reads the state at its start also when writes fill the file in place (room left in its array)', async () => {
    const SQL = await sqlLoader.load();
    const db = filled(SQL, 2000);
    // Grow then shrink by deletes: the file's array has spare capacity, so writes land in the same array.
    db.run('DELETE FROM t WHERE id > 1500');
    const before = summary(db);
    const node = SQL.prodlensMemfs!.node(db);
    const array = SQL.prodlensMemfs!.contents(node);
    const copy = CopyOnWrite.begin(SQL.prodlensMemfs, db, CHUNK)!;
    const bytes = drain(copy, () => db.run('INSERT INTO t (v, pad) VALUES (5, zeroblob(1000))'));
    assert.equal(SQL.prodlensMemfs!.contents(node), array, 'the live file stayed in the same array: every write went through the copy');
    const again = new SQL.Database(bytes);
    assert.equal(again.exec('PRAGMA integrity_check')[0]!.values[0]![0], 'ok');
    assert.deepEqual(summary(again), before);
    again.close();
    db.close();
  });

  it('a store writes its snapshot by copy-on-write while ingests continue, and nothing is lost on reopen', async () => {
    const tmp = tempDir();
    try {
      const dbPath = path.join(tmp.dir, 'p.sqlite');
      const store = await Store.open({ path: dbPath, sql: await sqlLoader.load(), snapshotIntervalMs: 3_600_000, snapshotChunkBytes: CHUNK });
      const t0 = 1767607200000;
      for (let b = 0; b < 10; b++) {
        await store.ingest(
          batchOf(Array.from({ length: 200 }, (_, i) => event({ id: `a${b}-${i}`, time: new Date(t0 + (b * 200 + i) * 1000).toISOString() }))),
        );
      }
      store.setCheckpoint('test:x', 'unjournaled'); // makes the store dirty beyond the journal
      const flushing = store.flush();
      // Ingests while the chunks are written: they land in the live database and the journal, not the file.
      for (let b = 0; b < 10; b++) await store.ingest(batchOf([event({ id: `during-${b}`, time: new Date(t0 + 10_000_000 + b).toISOString() })]));
      await flushing;
      assert.equal(store.snapshotStats.copyOnWrite, 1, 'written by copy-on-write, not db.export()');
      const file = readFileSync(dbPath);
      assert.equal(checkSnapshot(file), null);
      const SQL = await sqlLoader.load();
      const onDisk = new SQL.Database(file);
      assert.equal(onDisk.exec('PRAGMA integrity_check')[0]!.values[0]![0], 'ok');
      assert.equal(onDisk.exec('SELECT count(*) FROM sessions')[0]!.values[0]![0], 2000, 'the snapshot holds the events before it began, none after');
      onDisk.close();
      await store.close();
      const again = await Store.open({ path: dbPath, sql: SQL });
      assert.equal(rawDatabaseForTests(again).exec('SELECT count(*) FROM sessions')[0]!.values[0]![0], 2010, 'snapshot + journal hold every event');
      assert.equal(again.getLastCheckpoint('test:x'), 'unjournaled');
      await again.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('removes the temp file of a snapshot whose process was killed while writing it, and only that', async () => {
    const tmp = tempDir();
    try {
      const dbPath = path.join(tmp.dir, 'p.sqlite');
      writeFileSync(`${dbPath}.tmp-424242`, Buffer.alloc(8192, 7));
      writeFileSync(path.join(tmp.dir, 'other.sqlite.tmp-424242'), 'x');
      writeFileSync(`${dbPath}.tmp-notes`, 'x');
      const store = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
      assert.equal(existsSync(`${dbPath}.tmp-424242`), false, 'the unfinished snapshot is gone');
      assert.ok(existsSync(path.join(tmp.dir, 'other.sqlite.tmp-424242')), "another database's file stays");
      assert.ok(existsSync(`${dbPath}.tmp-notes`), 'a file not named by a pid stays');
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });
});
