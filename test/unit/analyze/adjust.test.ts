import assert from 'node:assert/strict';
import fc from 'fast-check';
import { benjaminiHochberg } from '../../../src/core/analyze';

describe('analyze/adjust: Benjamini–Hochberg', () => {
  it('scales by m / rank, keeps input order and excludes nulls from m', () => {
    // m = 3 (the null does not count): sorted 0.01, 0.02, 0.04 → 0.03, 0.03, 0.04.
    assert.deepEqual(benjaminiHochberg([0.04, null, 0.01, 0.02]), [0.04, null, 0.03, 0.03]);
    assert.deepEqual(benjaminiHochberg([]), []);
    assert.deepEqual(benjaminiHochberg([null, null]), [null, null]);
  });

  it('caps at 1', () => {
    // Unadjusted running minimum from the top: 0.9·3/1 = 2.7 → capped; 0.95·3/2 = 1.425 → capped; 1.
    assert.deepEqual(benjaminiHochberg([0.9, 0.95, 1]), [1, 1, 1]);
    // 0.6·2/1 = 1.2 is capped by the running minimum from above (0.7).
    assert.deepEqual(benjaminiHochberg([0.6, 0.7]), [0.7, 0.7]);
  });

  it('is monotone in the raw p-values, never below them, at most 1 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), { maxLength: 40 }), (ps) => {
        const adj = benjaminiHochberg(ps);
        assert.equal(adj.length, ps.length);
        ps.forEach((p, i) => {
          const a = adj[i];
          if (p === null) return assert.equal(a, null);
          // ≥ p up to one rounding of p · m / m.
          assert.ok(a !== null && a !== undefined && a >= p * (1 - 1e-15) && a <= 1, `p ${p} → ${a}`);
          ps.forEach((q, j) => {
            const b = adj[j];
            if (q !== null && p < q) assert.ok((a as number) <= (b as number), 'monotone');
          });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('a p-value outside [0, 1] is a bug and throws', () => {
    assert.throws(() => benjaminiHochberg([0.1, 1.2]), /outside \[0, 1\]/);
    assert.throws(() => benjaminiHochberg([NaN]), /outside/);
  });
});
