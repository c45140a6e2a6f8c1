import assert from 'node:assert/strict';
import { correlation, effectBandOf, readCorrelation, readEffect, strengthOf, type CorrelationOk } from '../../../src/core/analyze';

function ok(r: number, p: number): CorrelationOk {
  return { status: 'ok', n: 30, r, p, ci: null, ciReason: null, reason: null };
}

describe('analyze/reading: plain language for a lead', () => {
  it('strength bands by |r| at 0.1, 0.3 and 0.5', () => {
    assert.deepEqual([0, 0.0999, 0.1, 0.2999, 0.3, -0.4999, -0.5, 0.99, 1, -1].map(strengthOf), [
      'negligible',
      'negligible',
      'weak',
      'weak',
      'moderate',
      'moderate',
      'strong',
      'strong',
      'perfect',
      'perfect',
    ]);
  });

  it('effect bands by |d| at 0.2, 0.5 and 0.8', () => {
    assert.deepEqual([0.19, -0.2, 0.5, -0.79, 0.8].map(effectBandOf), ['negligible', 'small', 'medium', 'medium', 'large']);
  });

  it('says direction and significance, preferring the adjusted p-value', () => {
    assert.equal(readCorrelation(ok(0.42, 0.001), 0.01), 'moderate positive, significant after adjustment');
    assert.equal(readCorrelation(ok(-0.2, 0.3), 0.6), 'weak negative, not significant');
    assert.equal(readCorrelation(ok(0.35, 0.02), 0.08), 'moderate positive, not significant after adjustment');
    assert.equal(readCorrelation(ok(0.6, 0.02)), 'strong positive, significant before adjustment for multiple tests');
    assert.equal(readCorrelation(ok(0.05, 0.8), 0.9), 'negligible, not significant');
    assert.equal(readCorrelation(ok(0.35, 0.02), 0.08, 0.1), 'moderate positive, significant after adjustment');
  });

  it('reads missing results from their reasons', () => {
    assert.equal(readCorrelation(correlation([1, 2, 3, 4], [4, 3, 2, 1], 'pearson')), 'not enough data (n=4, need 6)');
    assert.equal(readCorrelation(correlation([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1], 'spearman')), 'undefined: constant series');
  });

  it('reads effects as a percentage with the d band', () => {
    const base = { status: 'ok', n: 30, median: 2, pooledSd: 2, dReason: null, g: null, gReason: null, percentReason: null, reason: null } as const;
    assert.equal(
      readEffect({ ...base, high: { n: 15, mean: 5.6 }, low: { n: 15, mean: 5 }, d: 0.31, percentChange: 12 }, 'commits'),
      '+12% commits on high-AI days (small effect, d = 0.31)',
    );
    assert.equal(
      readEffect({ ...base, high: { n: 15, mean: 4 }, low: { n: 15, mean: 5 }, d: -0.9, percentChange: -20 }, 'merged PRs'),
      '-20% merged PRs on high-AI days (large effect, d = -0.90)',
    );
    assert.equal(
      readEffect(
        {
          ...base,
          high: { n: 15, mean: 1.5 },
          low: { n: 15, mean: 0 },
          d: 0.6,
          percentChange: null,
          percentReason: 'zero low-group mean: a percentage change is undefined',
        },
        'reopened PRs',
      ),
      '+1.50 reopened PRs per day on high-AI days (medium effect, d = 0.60; zero low-group mean: a percentage change is undefined)',
    );
  });
});
