import assert from 'node:assert/strict';
import { chunkRows } from '../../../src/core/store/chunk-rows';

describe('chunkRows (rows per multi-row INSERT)', () => {
  it('covers every row count exactly, in chunks of at most `most`, with at most log2(most) + 1 sizes over all counts', () => {
    for (const most of [64, 128]) {
      const sizes = new Set<number>();
      for (let total = 0; total <= 5 * most + 3; total++) {
        let left = total;
        while (left > 0) {
          const n = chunkRows(left, most);
          assert.ok(n >= 1 && n <= most && n <= left, `${n} rows of ${left} left (most ${most})`);
          assert.equal(n & (n - 1), 0, `${n} is a power of two`);
          sizes.add(n);
          left -= n;
        }
      }
      assert.equal(sizes.size, Math.log2(most) + 1);
    }
  });
});
