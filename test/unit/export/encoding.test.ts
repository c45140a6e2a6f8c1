import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { BatchEncoder } from '../../../src/core/export/batch-encoder';
import type { DatasetSpec } from '../../../src/core/export/datasets';
import { ParquetWasmLoader } from '../../../src/core/export/node-parquet';
import { tempDir } from '../helpers/events';
import { duck } from './fixtures';

/** Every column type, as rows come out of SQLite: [day, repo, …columns]. */
const spec: DatasetSpec = {
  name: 'sessions',
  dir: 'x',
  table: 'x',
  dayExpr: 'd',
  repoExpr: null,
  read: 'all',
  orderBy: 'x',
  perRepository: true,
  description: 'test',
  columns: [
    { name: 's', type: 'utf8', nullable: true, description: '' },
    { name: 'k', type: 'dict', nullable: true, known: ['request', 'error'], description: '' },
    { name: 'i', type: 'int64', nullable: true, description: '' },
    { name: 't', type: 'timestamp_ms', nullable: true, description: '' },
    { name: 'n', type: 'int32', nullable: true, description: '' },
    { name: 'f', type: 'float64', nullable: true, description: '' },
    { name: 'b', type: 'bool', nullable: true, description: '' },
    { name: 'day', type: 'date32', nullable: true, fill: 'day', description: '' },
    { name: 'dev', type: 'dict', nullable: false, sql: 'NULLIF(dev, $device)', fill: 'device', description: '' },
    { name: 'who', type: 'dict', nullable: true, identity: true, description: '' },
  ],
};

const strings = ['plain', 'naïve café', '日本語', '🙂 emoji', '', 'quote " and \\ back', 'x'.repeat(300)];

function rows(n: number): unknown[][] {
  return Array.from({ length: n }, (_, r) => [
    null,
    null,
    r % 9 === 0 ? null : strings[r % strings.length],
    r % 5 === 0 ? null : r % 3 === 0 ? 'tool' : r % 2, // known index, or a string SQLite returned as is
    r % 7 === 0 ? null : r % 2 ? 2 ** 52 + r : -(2 ** 40) - r,
    r % 11 === 0 ? null : 1767225600123 + r * 1000,
    r % 13 === 0 ? null : r - 500,
    r % 4 === 0 ? null : r / 3,
    r % 6 === 0 ? null : r % 2,
    r % 10 === 0 ? 'other-device' : null,
    r % 3 === 0 ? null : `dev${r % 4}@example.com`,
  ]);
}

function expected(r: unknown[], day: string) {
  const k = r[3];
  return {
    s: r[2],
    k: typeof k === 'number' ? ['request', 'error'][k] : k,
    i: r[4] === null ? null : BigInt(r[4] as number),
    t: r[5],
    n: r[6],
    f: r[7],
    b: r[8] === null ? null : r[8] === 1,
    day: Date.parse(`${day}T00:00:00Z`),
    dev: r[9] ?? 'this-device',
    who: r[10] === null ? null : `P(${r[10]})`,
  };
}

describe('Arrow IPC encoding of partitions', () => {
  it('round-trips every column type, null pattern and non-ASCII string through apache-arrow and parquet-wasm', async () => {
    const enc = new BatchEncoder(spec, 'this-device', { pseudonym: (v: string) => `P(${v})`, scrubText: (v: string) => v, keyId: 'k' } as never, [
      null,
      ['request', 'error'],
    ]);
    const tmp = tempDir('prodlens-ipc-');
    const db = await duck();
    try {
      // 3,000 rows from a capacity hint of 16: every buffer grows several times.
      const input = rows(3000);
      const p = enc.newPartition('2026-01-05', 16);
      for (const r of input) p.add(r);
      const ipc = enc.encode(p);
      const table = tableFromIPC(ipc);
      assert.equal(table.numRows, input.length);
      const got = table.toArray().map((r) => r.toJSON());
      input.forEach((r, i) => assert.deepEqual({ ...got[i] }, expected(r, '2026-01-05'), `row ${i}`));
      assert.equal(String(table.schema.fields.find((f) => f.name === 't')!.type), 'Timestamp<MILLISECOND, UTC>');

      const parquet = (await new ParquetWasmLoader().load()).encode(ipc, { ...enc.encodings, metadata: { k: 'v' } });
      const file = path.join(tmp.dir, 'x.parquet');
      writeFileSync(file, parquet);
      const back = await db.all(`SELECT s, k, i, epoch_ms(t), n, f, b, strftime(day, '%Y-%m-%d'), dev, who FROM read_parquet('${file}')`);
      input.forEach((r, i) => {
        const e = expected(r, '2026-01-05');
        assert.deepEqual(back[i], [e.s, e.k, e.i, e.t === null ? null : BigInt(e.t as number), e.n, e.f, e.b, '2026-01-05', e.dev, e.who], `row ${i}`);
      });
      const meta = await db.all(`SELECT key::VARCHAR, value::VARCHAR FROM parquet_kv_metadata('${file}') WHERE key::VARCHAR = 'k'`);
      assert.deepEqual(meta, [['k', 'v']]);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });

  it('encodes an empty dictionary and all-null columns', async () => {
    const enc = new BatchEncoder(spec, 'd', undefined);
    const p = enc.newPartition(null);
    p.add([null, null, null, null, null, null, null, null, null, null, null]);
    const table = tableFromIPC(enc.encode(p));
    assert.deepEqual({ ...table.get(0)!.toJSON() }, { s: null, k: null, i: null, t: null, n: null, f: null, b: null, day: null, dev: 'd', who: null });
  });
});
