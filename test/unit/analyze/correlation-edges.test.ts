import assert from 'node:assert/strict';
import { correlation, correlationPValue, fisherInterval } from '../../../src/core/analyze';

describe('analyze/correlation: edge cases', () => {
  it('a constant series gives a typed "undefined: constant series", never NaN', () => {
    for (const method of ['pearson', 'spearman'] as const) {
      const res = correlation([1, 2, 3, 4, 5, 6, 7], [3, 3, 3, 3, 3, 3, 3], method);
      assert.deepEqual(res, {
        status: 'undefined',
        n: 7,
        constant: 'y',
        r: null,
        p: null,
        ci: null,
        ciReason: null,
        reason: 'constant series',
      });
    }
    assert.equal(correlation([2, 2, 2, 2, 2, 2], [1, 2, 3, 4, 5, 6], 'pearson').status, 'undefined');
    const both = correlation([2, 2, 2, 2, 2, 2], [0, 0, 0, 0, 0, 0], 'spearman');
    assert.equal(both.status === 'undefined' && both.constant, 'both');
  });

  it('constancy is judged over the complete pairs only', () => {
    // x varies overall, but on the days where y was measured it is always 4.
    const x = [4, 9, 4, 1, 4, 4, 4, 7, 4];
    const y = [1, null, 2, null, 3, 4, 5, null, 6];
    const res = correlation(x, y, 'pearson');
    assert.equal(res.status, 'undefined');
    assert.equal(res.n, 6);
  });

  it('|r| = 1 gives p = 0 and an interval collapsed to [r, r]', () => {
    const x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    for (const [y, r] of [
      [x.map((v) => 3.3 * v - 7), 1],
      [x.map((v) => -0.7 * v + 2), -1],
    ] as const) {
      for (const method of ['pearson', 'spearman'] as const) {
        const res = correlation(x, y, method);
        assert.equal(res.status, 'ok');
        assert.equal(res.r, r, `${method} r snapped to exactly ${r}`);
        assert.equal(res.p, 0);
        assert.deepEqual(res.ci, { lower: r, upper: r, level: 0.95 });
      }
    }
  });

  it('a monotone but non-linear relation is perfect for Spearman only', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const y = x.map((v) => Math.exp(v));
    const s = correlation(x, y, 'spearman');
    const p = correlation(x, y, 'pearson');
    assert.equal(s.r, 1);
    assert.ok(p.status === 'ok' && p.r < 0.95 && p.p > 0);
  });

  it('below the minimum number of pairs it says "not enough data" and reports n', () => {
    const x = [1, 2, null, 4, 5, 6, null];
    const y = [2, 1, 3, null, 5, 4, 8];
    const res = correlation(x, y, 'pearson');
    assert.equal(res.status, 'not-enough-data');
    assert.equal(res.n, 4);
    assert.equal(res.status === 'not-enough-data' && res.minPairs, 6);
    assert.equal(res.reason, 'not enough data (n=4, need 6)');
    assert.equal(res.r, null);
  });

  it('the minimum is a parameter, floored at 3 pairs', () => {
    const x = [1, 2, 3, 4];
    const y = [1, 3, 2, 4];
    assert.equal(correlation(x, y, 'pearson', { minPairs: 4 }).status, 'ok');
    assert.equal(correlation(x, y, 'pearson', { minPairs: 5 }).status, 'not-enough-data');
    assert.throws(() => correlation(x, y, 'pearson', { minPairs: 2 }), /minPairs must be an integer ≥ 3/);
    assert.throws(() => correlation(x, y, 'pearson', { minPairs: 4.5 }), /minPairs/);
  });

  it('n ≤ 3 gives a coefficient and p but no interval, with the reason', () => {
    const res = correlation([1, 2, 3], [1, 3, 2], 'spearman', { minPairs: 3 });
    assert.equal(res.status, 'ok');
    assert.equal(res.ci, null);
    assert.equal(res.ciReason, 'n=3: a Fisher-z interval needs n > 3');
    assert.equal(fisherInterval(0.5, 3, 'pearson').ci, null);
    assert.notEqual(fisherInterval(0.5, 4, 'pearson').ci, null);
  });

  it('Spearman intervals are wider than Pearson ones for the same r and n (variance 1.06 vs 1)', () => {
    const p = fisherInterval(0.4, 30, 'pearson').ci;
    const s = fisherInterval(0.4, 30, 'spearman').ci;
    assert.ok(p && s && s.lower < p.lower && s.upper > p.upper);
  });

  it('r = 0 gives p = 1; the p-value needs n ≥ 3', () => {
    assert.equal(correlationPValue(0, 10), 1);
    assert.throws(() => correlationPValue(0.5, 2), /n ≥ 3/);
  });

  it('programming errors throw: different lengths, NaN or Infinity instead of null', () => {
    assert.throws(() => correlation([1, 2], [1], 'pearson'), /differ in length/);
    assert.throws(() => correlation([1, 2, NaN, 4, 5, 6], [1, 2, 3, 4, 5, 6], 'pearson'), /use null/);
    assert.throws(() => correlation([1, 2, 3, 4, 5, 6], [1, 2, Infinity, 4, 5, 6], 'spearman'), /non-finite/);
  });
});
