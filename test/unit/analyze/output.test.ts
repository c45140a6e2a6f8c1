import assert from 'node:assert/strict';
import {
  adjustFamily,
  benjaminiHochberg,
  correlate,
  correlateMany,
  effectSize,
  type DailySeries,
  type PairCorrelation,
  type SeriesPair,
} from '../../../src/core/analyze';
import { assertJsonSafe } from './reference-fixture';

function series(start: string, values: (number | null)[]): DailySeries {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return { days: values.map((_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10)), values };
}

const n = 40;
const ramp = Array.from({ length: n }, (_, i) => i);
const noisy = ramp.map((i) => Math.round(20 + 10 * Math.sin(i * 2.3) + i * 0.4));
const awkward: Record<string, DailySeries> = {
  ramp: series('2025-05-01', ramp),
  noisy: series('2025-05-01', noisy),
  constant: series(
    '2025-05-01',
    ramp.map(() => 7),
  ),
  allNull: series(
    '2025-05-01',
    ramp.map(() => null),
  ),
  sparse: series(
    '2025-05-01',
    ramp.map((i) => (i % 9 === 0 ? i : null)),
  ),
  tiny: series('2025-05-01', [1, 2, 3]),
  empty: { days: [], values: [] },
  zeros: series(
    '2025-05-01',
    ramp.map((i) => (i < 38 ? 0 : 5)),
  ),
};

describe('analyze/index: JSON-safe results and the BH family', () => {
  it('never puts NaN, Infinity or undefined in correlate() or effectSize() output', () => {
    let checked = 0;
    for (const [aiName, ai] of Object.entries(awkward)) {
      for (const [outName, out] of Object.entries(awkward)) {
        for (const zeroIsTrue of [{}, { ai: true, outcome: true }]) {
          const res = correlate(ai, out, { zeroIsTrue });
          assert.ok(res.ok, `${aiName} × ${outName}`);
          assertJsonSafe(res.value, `${aiName} × ${outName}`);
          assert.deepEqual(JSON.parse(JSON.stringify(res.value)), res.value, 'survives a JSON round trip');
          const eff = effectSize(ai, out, { hedges: true, zeroIsTrue });
          assert.ok(eff.ok);
          assertJsonSafe(eff.value, `${aiName} × ${outName} effect`);
          assert.deepEqual(JSON.parse(JSON.stringify(eff.value)), eff.value);
          checked += res.value.length;
        }
      }
    }
    assert.equal(checked, 8 * 8 * 2 * 8);
  });

  it('every result says why a number is missing', () => {
    const res = correlate(awkward.constant as DailySeries, awkward.noisy as DailySeries, { lags: [0] });
    assert.ok(res.ok);
    for (const r of res.value) {
      assert.equal(r.status, 'undefined');
      assert.equal(r.reading, 'undefined: constant series');
      assert.equal(r.pAdjusted, null);
      assert.equal(r.pAdjustedReason, 'excluded from adjustment: no p-value (constant series)');
      assert.equal(r.familySize, null);
    }
    const short = correlate(awkward.sparse as DailySeries, awkward.noisy as DailySeries, { lags: [0], methods: ['spearman'] });
    assert.ok(short.ok);
    assert.equal(short.value[0]?.reading, 'not enough data (n=5, need 6)');
  });

  it('correlateMany adjusts across all pairs and lags, one family per method, leaving out results with no p', () => {
    const pairs: SeriesPair[] = [
      { ai: 'tokens', outcome: 'commits', aiSeries: awkward.ramp as DailySeries, outcomeSeries: awkward.noisy as DailySeries },
      { ai: 'tokens', outcome: 'flat', aiSeries: awkward.ramp as DailySeries, outcomeSeries: awkward.constant as DailySeries },
      { ai: 'sessions', outcome: 'commits', aiSeries: awkward.noisy as DailySeries, outcomeSeries: awkward.ramp as DailySeries },
    ];
    const res = correlateMany(pairs);
    assert.ok(res.ok);
    assert.equal(res.value.length, 3 * 2 * 4);
    for (const method of ['pearson', 'spearman'] as const) {
      const fam: PairCorrelation[] = res.value.filter((r) => r.method === method);
      const expected = benjaminiHochberg(fam.map((r) => r.p));
      assert.deepEqual(
        fam.map((r) => r.pAdjusted),
        expected,
      );
      for (const r of fam) assert.equal(r.familySize, r.p === null ? null : 8, `${r.ai}×${r.outcome} lag ${r.lag}`);
    }
    assert.deepEqual(
      res.value.slice(0, 8).map((r) => `${r.ai}×${r.outcome}:${r.method}:${r.lag}`),
      ['pearson', 'spearman'].flatMap((m) => [0, 1, 2, 3].map((k) => `tokens×commits:${m}:${k}`)),
    );
    // A pair's own correlate() call adjusts over its 4 lags only, so its adjusted p-values are smaller or equal.
    const single = correlate(awkward.ramp as DailySeries, awkward.noisy as DailySeries);
    assert.ok(single.ok);
    single.value.forEach((r, i) => assert.ok((r.pAdjusted as number) <= (res.value[i]?.pAdjusted as number) + 1e-15));
    assert.equal(single.value[0]?.familySize, 4);
  });

  it('adjustFamily re-adjusts results gathered from several correlate() calls and refreshes the reading', () => {
    const a = correlate(awkward.ramp as DailySeries, awkward.noisy as DailySeries, { methods: ['pearson'] });
    const b = correlate(awkward.noisy as DailySeries, awkward.zeros as DailySeries, { methods: ['pearson'] });
    assert.ok(a.ok && b.ok);
    const all = adjustFamily([...a.value, ...b.value]);
    assert.deepEqual(
      all.map((r) => r.pAdjusted),
      benjaminiHochberg([...a.value, ...b.value].map((r) => r.p)),
    );
    assert.ok(all.every((r) => r.familySize === 8));
    assert.ok(all.every((r, i) => r.reading.length > 0 && r.p === [...a.value, ...b.value][i]?.p));
  });

  it('fails with a named pair when one series is invalid', () => {
    const res = correlateMany([
      { ai: 'tokens', outcome: 'commits', aiSeries: awkward.ramp as DailySeries, outcomeSeries: { days: ['2025-01-01'], values: [NaN] } },
    ]);
    assert.equal(res.ok, false);
    assert.match((res as { reason: string }).reason, /^tokens × commits: outcome series: value on 2025-01-01 is NaN/);
  });
});
