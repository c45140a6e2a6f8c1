import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { exportParquet } from '../../../src/core/export/exporter';
import { ParquetWasmLoader } from '../../../src/core/export/node-parquet';
import { Pseudonymizer } from '../../../src/core/export/pseudonymize';
import { tempDir } from '../helpers/events';
import { duck, HIVE, populatedStore } from './fixtures';

const parquet = new ParquetWasmLoader();
const SECRET = 'team-secret-0123456789';

describe('Parquet export --pseudonymize', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Awaited<ReturnType<typeof duck>>;
  beforeEach(async () => {
    tmp = tempDir('prodlens-pseudo-');
    db = await duck();
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('replaces identities by the same keyed pseudonym on every machine, and leaves no email in the files', async () => {
    const ana1 = await populatedStore({ developer: 'Ana@Example.com', idPrefix: 'a' });
    const ana2 = await populatedStore({ developer: 'ana@example.com', idPrefix: 'b' });
    const other = await populatedStore({ developer: 'ana@example.com', idPrefix: 'c' });
    const export1 = path.join(tmp.dir, 'one');
    const export2 = path.join(tmp.dir, 'two');
    const export3 = path.join(tmp.dir, 'three');
    const pseudo = new Pseudonymizer(SECRET);
    await exportParquet(ana1, { outDir: export1, exporterVersion: 't', parquet, pseudonymizer: pseudo });
    await exportParquet(ana2, { outDir: export2, exporterVersion: 't', parquet, pseudonymizer: new Pseudonymizer(SECRET) });
    await exportParquet(other, { outDir: export3, exporterVersion: 't', parquet, pseudonymizer: new Pseudonymizer('another-secret-0123456789') });

    const expected = createHmac('sha256', SECRET).update('ana@example.com').digest('hex').slice(0, 32);
    const devs = async (dir: string) =>
      (await db.all(`SELECT DISTINCT developer_id FROM read_parquet('${dir}/sessions/**/*.parquet', ${HIVE}) ORDER BY 1`)).map((r) => r[0]);
    const one = await devs(export1);
    assert.ok(one.includes(expected), `${one} has the HMAC of the lower-cased email`);
    assert.deepEqual(await devs(export2), one, 'same secret, same pseudonyms on another machine');
    assert.ok(!(await devs(export3)).includes(expected), 'another secret gives other pseudonyms');

    // Commit authors get the same pseudonym as the same email in developer_id, so the team can join them.
    const authors = await db.all(`SELECT author, author_email, author_name FROM read_parquet('${export1}/commits/**/*.parquet', ${HIVE}) ORDER BY timestamp`);
    assert.equal(authors[0]![0], expected);
    assert.equal(authors[0]![1], expected);
    assert.match(String(authors[0]![2]), /^[0-9a-f]{32}$/);
    // Nothing that looks like an email survives in any string column of any dataset (attrs included).
    for (const ds of ['sessions', 'metric_points', 'commits', 'pull_requests']) {
      const cols = (
        await db.all(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${export1}/${ds}/**/*.parquet', ${HIVE})) WHERE column_type = 'VARCHAR'`)
      ).map((r) => r[0]);
      const hits = await db.one(
        `SELECT count(*) FROM read_parquet('${export1}/${ds}/**/*.parquet', ${HIVE}) WHERE ${cols.map((c) => `contains(coalesce("${c}", ''), '@')`).join(' OR ')}`,
      );
      assert.equal(Number(hits), 0, ds);
    }
    const manifest = JSON.parse(require('node:fs').readFileSync(path.join(export1, '_manifest.json'), 'utf8'));
    assert.deepEqual(manifest.pseudonymization, { method: 'hmac-sha256', keyId: pseudo.keyId });
    assert.ok(!JSON.stringify(manifest).includes(SECRET));

    // Switching pseudonymization on or off rewrites every file (the fingerprints include the key).
    const plain = await exportParquet(ana1, { outDir: export1, exporterVersion: 't', parquet });
    assert.equal(plain.filesUnchanged, 0);
    for (const s of [ana1, ana2, other]) await s.close();
  });

  it('refuses a short team secret', () => {
    assert.throws(() => new Pseudonymizer('short'), /at least 16 characters/);
  });
});
