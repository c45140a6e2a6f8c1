import assert from 'node:assert/strict';
import { correlate, denseSeries, laggedPairs, validateSeries, type DailySeries } from '../../../src/core/analyze';

function days(start: string, n: number): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
}

/** A deterministic, irregular series (no library randomness, so failures reproduce). */
function wiggle(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(50 + 40 * Math.sin(seed * (i + 1) * 1.7) + 15 * Math.cos(i * i * 0.37)));
}

describe('analyze/lag: alignment of AI day t with outcome day t + k', () => {
  it('an outcome that is the AI series shifted by 2 days correlates perfectly at lag 2 only', () => {
    const n = 60;
    const ai = wiggle(n, 3);
    // outcome on day t + 2 = 3 × AI on day t + 1; the first two outcome days are unrelated.
    const outcome = [17, 4, ...ai.slice(0, n - 2).map((v) => 3 * v + 1)];
    const d = days('2025-03-01', n);
    const res = correlate({ days: d, values: ai }, { days: d, values: outcome });
    assert.ok(res.ok);
    for (const r of res.value) {
      if (r.lag === 2) {
        assert.equal(r.r, 1, `${r.method} at lag 2`);
        assert.equal(r.p, 0);
        assert.equal(r.n, n - 2, 'pairs beyond the outcome range are dropped');
      } else {
        assert.ok(r.status === 'ok' && Math.abs(r.r) < 0.9, `${r.method} lag ${r.lag}: r = ${r.r}`);
      }
    }
    assert.deepEqual(
      res.value.map((r) => `${r.method}:${r.lag}`),
      ['pearson:0', 'pearson:1', 'pearson:2', 'pearson:3', 'spearman:0', 'spearman:1', 'spearman:2', 'spearman:3'],
    );
  });

  it('aligns by calendar day when the two series cover different ranges', () => {
    const ai: DailySeries = { days: days('2025-01-10', 3), values: [1, 2, 3] };
    const outcome: DailySeries = { days: days('2025-01-09', 4), values: [10, 20, 30, 40] };
    // Lag 1: AI Jan 10 ↔ outcome Jan 11 (30), Jan 11 ↔ Jan 12 (40), Jan 12 ↔ Jan 13 (outside → missing).
    assert.deepEqual(laggedPairs(ai, outcome, 1), {
      lag: 1,
      days: ['2025-01-10', '2025-01-11', '2025-01-12'],
      ai: [1, 2, 3],
      outcome: [30, 40, null],
    });
    assert.deepEqual(laggedPairs(ai, outcome, 0).outcome, [20, 30, 40]);
  });

  it('missing days stay missing, not zero', () => {
    const ai: DailySeries = { days: days('2025-01-01', 4), values: [5, null, 7, 8] };
    const outcome: DailySeries = { days: days('2025-01-01', 4), values: [1, 2, null, 4] };
    const pairs = laggedPairs(ai, outcome, 0);
    assert.deepEqual(pairs.ai, [5, null, 7, 8]);
    assert.deepEqual(pairs.outcome, [1, 2, null, 4]);
  });

  it('nulls become 0 only for the series the caller says zero is true for, and never outside its range', () => {
    const ai: DailySeries = { days: days('2025-01-01', 4), values: [5, null, 7, 8] };
    const outcome: DailySeries = { days: days('2025-01-01', 4), values: [1, 2, null, 4] };
    const both = laggedPairs(ai, outcome, 1, { ai: true, outcome: true });
    assert.deepEqual(both.ai, [5, 0, 7, 8]);
    assert.deepEqual(both.outcome, [2, 0, 4, null], 'the day after the range is not measured');
    const outOnly = laggedPairs(ai, outcome, 0, { outcome: true });
    assert.deepEqual(outOnly.ai, [5, null, 7, 8]);
    assert.deepEqual(outOnly.outcome, [1, 2, 0, 4]);
  });

  it('zero-is-true changes the number of pairs a correlation uses', () => {
    const d = days('2025-02-01', 10);
    const ai: DailySeries = { days: d, values: [1, 5, 2, 8, 3, 9, 4, 7, 6, 2] };
    const commits: DailySeries = { days: d, values: [0, 3, null, 5, null, 6, 2, null, 4, 1] };
    const asMissing = correlate(ai, commits, { lags: [0], methods: ['pearson'] });
    const asZero = correlate(ai, commits, { lags: [0], methods: ['pearson'], zeroIsTrue: { outcome: true } });
    assert.ok(asMissing.ok && asZero.ok);
    assert.equal(asMissing.value[0]?.n, 7);
    assert.equal(asZero.value[0]?.n, 10);
  });

  it('denseSeries fills the gaps as missing or as zero, over an inclusive range', () => {
    const points = new Map([
      ['2025-01-02', 4],
      ['2025-01-04', 6],
      ['2024-12-31', 99],
    ]);
    const missing = denseSeries(points, '2025-01-01', '2025-01-05');
    assert.deepEqual(missing, {
      ok: true,
      value: { days: days('2025-01-01', 5), values: [null, 4, null, 6, null] },
    });
    const zero = denseSeries({ '2025-01-02': 4 }, '2025-01-01', '2025-01-03', 'zero');
    assert.ok(zero.ok);
    assert.deepEqual(zero.value.values, [0, 4, 0]);
    assert.equal(denseSeries({}, '2025-01-03', '2025-01-01').ok, false);
    assert.equal(denseSeries({ '2025-02-30': 1 }, '2025-01-01', '2025-03-01').ok, false);
  });

  it('rejects series that are not dense, have bad days or NaN, with a clear reason', () => {
    const gap = validateSeries({ days: ['2025-01-01', '2025-01-03'], values: [1, 2] }, 'AI series');
    assert.deepEqual(gap, { ok: false, reason: 'AI series: days must be consecutive; 2025-01-01 is followed by 2025-01-03' });
    assert.match((validateSeries({ days: ['2025-01-01'], values: [NaN] }, 'x') as { reason: string }).reason, /use null for "not measured"/);
    assert.equal(validateSeries({ days: ['2025-13-01'], values: [1] }, 'x').ok, false);
    assert.equal(validateSeries({ days: ['2025-01-01', '2025-01-02'], values: [1] }, 'x').ok, false);
    const res = correlate({ days: ['2025-01-02', '2025-01-01'], values: [1, 2] }, { days: [], values: [] });
    assert.equal(res.ok, false);
  });

  it('accepts consecutive days across month ends, leap days and year ends, and rejects calendar gaps', () => {
    for (const [start, n] of [
      ['2023-12-20', 500],
      ['2099-12-01', 120],
      ['1999-12-25', 80],
    ] as const) {
      const d = days(start, n);
      assert.equal(validateSeries({ days: d, values: d.map(() => null) }, 'x').ok, true, `${start} + ${n} days`);
    }
    assert.equal(validateSeries({ days: ['2024-02-28', '2024-03-01'], values: [1, 2] }, 'x').ok, false, '2024 has Feb 29');
    assert.equal(validateSeries({ days: ['2025-02-28', '2025-02-29'], values: [1, 2] }, 'x').ok, false, '2025 does not');
    assert.equal(validateSeries({ days: ['2100-02-28', '2100-02-29'], values: [1, 2] }, 'x').ok, false, '2100 does not');
    assert.equal(validateSeries({ days: ['2025-04-30', '2025-04-31'], values: [1, 2] }, 'x').ok, false);
  });

  it('rejects invalid options instead of throwing', () => {
    const s: DailySeries = { days: days('2025-01-01', 8), values: [1, 2, 3, 4, 5, 6, 7, 8] };
    for (const opts of [
      { lags: [-1] },
      { lags: [1.5] },
      { lags: [] },
      { lags: [1, 1] },
      { minPairs: 2 },
      { methods: [] },
      { methods: ['kendall' as 'pearson'] },
      { alpha: 0 },
    ]) {
      const res = correlate(s, s, opts);
      assert.equal(res.ok, false, JSON.stringify(opts));
    }
  });
});
