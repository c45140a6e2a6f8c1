import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProdLensApi } from '../../src/extension/extension';
import { prodlens, scalar, waitFor } from './support/prodlens-api';

/** The sql.js module as the test loads it, independently of the extension's bundled copy. */
type SqlJs = { Database: new (bytes?: Uint8Array) => { exec(sql: string): Array<{ values: unknown[][] }>; close(): void } };

async function loadSqlJs(): Promise<SqlJs> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const init = require('sql.js') as (config: { wasmBinary: ArrayBuffer }) => Promise<SqlJs>;
  const wasm = readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'));
  return init({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
}

describe('store', () => {
  let api: ProdLensApi;

  before(async () => {
    api = await prodlens();
  });

  it('keeps the database in the workspace storage folder, on disk after first use', async () => {
    const { services } = api;
    const storage = services.context.storageUri;
    assert.ok(storage, 'a folder is open, so VS Code gives the extension a workspace storage folder');
    assert.equal(path.dirname(services.dbPath), storage.fsPath, 'the database belongs to this workspace, not to global storage');
    const store = await services.store();
    await store.flush();
    assert.ok(existsSync(services.dbPath), `no database file at ${services.dbPath} after first use and a flush`);
    assert.equal(readFileSync(services.dbPath).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
  });

  it('writes what it holds to the file on a flush: a fresh reader of the file sees the same rows', async () => {
    const { services } = api;
    const store = await services.store();
    // The fixture transcripts arrive by themselves after activation (see transcripts.test.ts).
    await waitFor('events in the store', () => Number(scalar(store, 'SELECT COUNT(*) FROM sessions')) > 0 || undefined, 30_000);
    const tables = ['sessions', 'commits', 'transcript_files', 'dead_letter'];
    const counts = () => tables.map((t) => Number(scalar(store, `SELECT COUNT(*) FROM ${t}`)));
    // Background work (the git sync, a watcher) may write during the flush; take a flush that nothing
    // interrupted, so the file must hold exactly what the store held.
    const inMemory = await waitFor('a flush with no write during it', async () => {
      const before = counts();
      await store.flush();
      const after = counts();
      return before.join() === after.join() ? after : undefined;
    });
    const version = Number(scalar(store, 'PRAGMA user_version'));
    const SQL = await loadSqlJs();
    const onDisk = new SQL.Database(readFileSync(services.dbPath));
    try {
      assert.deepEqual(
        tables.map((t) => Number(onDisk.exec(`SELECT COUNT(*) FROM ${t}`)[0]!.values[0]![0])),
        inMemory,
        `row counts of ${tables.join(', ')} in the file vs in the running store`,
      );
      assert.equal(Number(onDisk.exec('PRAGMA user_version')[0]!.values[0]![0]), version, 'schema version in the file');
    } finally {
      onDisk.close();
    }
  });
});
