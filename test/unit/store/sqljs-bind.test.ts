import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';
import fc from 'fast-check';
import { sqlLoader } from '../helpers/events';

/**
 * The patched string binding (SQLJS_PATCHES, "strings bind in one pass") stores exactly the bytes the
 * unpatched sql.js stores: ASCII strings are copied by their own loop, every other string takes sql.js's path.
 */
describe('sql.js string binding (patched)', () => {
  it('stores every string as the unpatched sql.js does, byte for byte, in statements, runs and batches', async () => {
    const patched = new (await sqlLoader.load()).Database();
    const upstream = new (await initSqlJs()).Database();
    const bytes = (db: typeof patched, values: string[]) => {
      db.run('DROP TABLE IF EXISTS t; CREATE TABLE t (i INTEGER, v TEXT)');
      const st = db.prepare(`INSERT INTO t VALUES ${values.map(() => '(?, ?)').join(', ')}`);
      st.run(values.flatMap((v, i) => [i, v]));
      st.free();
      return db.exec('SELECT i, hex(v), length(v), v FROM t ORDER BY i')[0]?.values;
    };
    const fixed = [
      '',
      'a',
      'claude-code-transcript',
      '2026-01-05',
      'x'.repeat(10_000),
      'nul\u0000inside',
      'café',
      'ünïcödé',
      '日本語',
      '\u{1F600} emoji',
      'a\ud800b',
      '\u007f\u0080',
    ];
    assert.deepEqual(bytes(patched, fixed), bytes(upstream, fixed));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'grapheme-ascii' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), {
          minLength: 1,
          maxLength: 20,
        }),
        (values) => {
          assert.deepEqual(bytes(patched, values), bytes(upstream, values));
        },
      ),
      { numRuns: 300 },
    );
    patched.close();
    upstream.close();
  });
});
