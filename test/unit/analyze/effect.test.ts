import assert from 'node:assert/strict';
import { effectSize, highLowEffect } from '../../../src/core/analyze';

describe('analyze/effect: high- vs low-AI days', () => {
  it('days at the median go to the low group', () => {
    // median of AI = 0: the four zero days are low, the two active days high.
    const res = highLowEffect([0, 0, 3, 0, 0, 5], [1, 2, 6, 1, 2, 8]);
    assert.equal(res.status, 'ok');
    assert.equal(res.median, 0);
    assert.deepEqual(res.status === 'ok' && [res.high, res.low], [
      { n: 2, mean: 7 },
      { n: 4, mean: 1.5 },
    ]);
    // pooled SD = sqrt((2 + 1) / 4); d = 5.5 / sqrt(0.75)
    assert.ok(res.status === 'ok' && Math.abs((res.d as number) - 5.5 / Math.sqrt(0.75)) < 1e-12);
    assert.ok(res.status === 'ok' && Math.abs((res.percentChange as number) - (100 * 5.5) / 1.5) < 1e-9);
  });

  it('does not depend on the order of days', () => {
    const ai = [4, 1, 4, 0, 7, 4, 2, 9];
    const out = [3, 1, 5, 2, 8, 4, 2, 7];
    const order = [5, 2, 7, 0, 3, 6, 1, 4];
    assert.deepEqual(
      highLowEffect(
        order.map((i) => ai[i] as number),
        order.map((i) => out[i] as number),
      ),
      highLowEffect(ai, out),
    );
  });

  it('types the undefined cases: empty group, zero pooled SD, zero low-group mean, too few pairs', () => {
    const empty = highLowEffect([3, 3, 3, 3, 3, 3], [1, 2, 3, 4, 5, 6]);
    assert.equal(empty.status, 'undefined');
    assert.equal(empty.reason, 'empty group: no day has AI activity above the median');
    assert.equal(empty.d, null);

    const flat = highLowEffect([1, 2, 3, 4, 5, 6], [5, 5, 5, 8, 8, 8]);
    assert.ok(flat.status === 'ok');
    assert.equal(flat.d, null);
    assert.match(flat.dReason ?? '', /zero pooled SD/);
    assert.equal(flat.percentChange, 60);

    const zeroLow = highLowEffect([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 2, 3]);
    assert.ok(zeroLow.status === 'ok');
    assert.equal(zeroLow.percentChange, null);
    assert.match(zeroLow.percentReason ?? '', /zero low-group mean/);
    assert.equal(typeof zeroLow.d, 'number');

    const short = highLowEffect([1, 2, null, 4, 5, 6], [1, 2, 3, null, 5, 6]);
    assert.equal(short.status, 'not-enough-data');
    assert.equal(short.reason, 'not enough data (n=4, need 6)');
  });

  it("Hedges' g only when asked", () => {
    const ai = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = [2, 1, 3, 2, 5, 4, 6, 5];
    const plain = highLowEffect(ai, out);
    assert.ok(plain.status === 'ok' && plain.g === null && plain.gReason === 'not requested');
    const corrected = highLowEffect(ai, out, { hedges: true });
    assert.ok(corrected.status === 'ok' && corrected.d !== null && corrected.g !== null);
    assert.ok(Math.abs(corrected.g - corrected.d * (1 - 3 / (4 * 8 - 9))) < 1e-15);
    assert.ok(Math.abs(corrected.g) < Math.abs(corrected.d));
  });

  it('effectSize applies the lag and gives a reading with the outcome name', () => {
    const days = Array.from({ length: 8 }, (_, i) => `2025-04-0${i + 1}`);
    const ai = { days, values: [0, 0, 5, 0, 6, 0, 7, 0] };
    // commits follow AI by one day: high-AI days are followed by 4 commits, others by 1.
    const commits = { days, values: [1, 1, 1, 4, 1, 4, 1, 4] };
    const res = effectSize(ai, commits, { lag: 1, label: 'commits', minPairs: 6 });
    assert.ok(res.ok);
    assert.equal(res.value.n, 7);
    assert.equal(res.value.status === 'ok' && res.value.percentChange, 300);
    assert.equal(res.value.reading, '+300% commits on high-AI days (zero pooled SD: the outcome does not vary within either group)');
    assert.equal(effectSize(ai, commits, { lag: -1 }).ok, false);
  });
});
