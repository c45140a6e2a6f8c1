import { gunzipSync } from 'node:zlib';
import type { Database, SqlJsStatic } from 'sql.js';

/**
 * A new database with every migration already applied: the bundles carry the image of an empty, migrated
 * database (gzip, base64), made at build time by esbuild.mjs with `freshImage` (store.ts) from the same
 * migrations, so a new database is loaded rather than built by running the 13+ migrations' DDL in
 * WebAssembly (~0.15 s of every cold `prodlens` command on a new file). `Store.open` still runs `migrate`
 * after it, so an image older than the code is brought forward. Unbundled (tests, tsx) there is no image
 * and the database starts empty.
 */
declare const PRODLENS_FRESH_DB: string | undefined;

export function freshDatabase(sql: SqlJsStatic): Database {
  const image = typeof PRODLENS_FRESH_DB === 'string' ? PRODLENS_FRESH_DB : '';
  if (!image) return new sql.Database();
  return new sql.Database(new Uint8Array(gunzipSync(Buffer.from(image, 'base64'))));
}
