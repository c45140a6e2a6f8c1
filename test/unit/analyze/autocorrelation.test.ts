import assert from 'node:assert/strict';
import {
  autocorrelations,
  averageRanks,
  correlation,
  correlationPValue,
  effectiveSampleSize,
  serialCorrelation,
  tTestP,
  workingEffect,
} from '../../../src/core/analyze';
import { Rng } from '../../support/sim';

function ar1(rng: Rng, n: number, phi: number): number[] {
  const out: number[] = [];
  let x = rng.normal(0, 1);
  for (let t = 0; t < n; t++) {
    x = phi * x + rng.normal(0, Math.sqrt(1 - phi * phi));
    out.push(x);
  }
  return out;
}

/** Overdispersed, zero-heavy counts driven by an AR(1) intensity (like commits in a busy spell). */
const counts = (rng: Rng, n: number, phi: number) => ar1(rng, n, phi).map((v) => rng.negBinomial(3 * Math.exp(v), 2));

describe('analyze/autocorrelation', () => {
  it('autocorrelations: the biased estimator (1, 2, 3, 4, 5 → 0.4, −0.1, −0.4, −0.4); a constant series gives 0', () => {
    const got = autocorrelations([1, 2, 3, 4, 5], 4);
    [0.4, -0.1, -0.4, -0.4].forEach((want, i) => assert.ok(Math.abs(got[i]! - want) < 1e-12, `lag ${i + 1}: ${got[i]}`));
    assert.deepEqual(autocorrelations([3, 3, 3], 2), [0, 0]);
  });

  it('average ranks for ties, as scipy.stats.rankdata', () => {
    assert.deepEqual(averageRanks([10, 20, 10, 30, 20, 0]), [2.5, 4.5, 2.5, 6, 4.5, 1]);
  });

  it('the t test with a fractional n agrees with the SciPy-checked p at integer n', () => {
    for (const [r, n] of [
      [0.3, 20],
      [-0.12, 250],
      [0.9, 7],
    ] as const)
      assert.ok(Math.abs(tTestP(r, n) - correlationPValue(r, n)) < 1e-15);
    assert.ok(tTestP(0.3, 20.5) < tTestP(0.3, 20) && tTestP(0.3, 19.5) > tTestP(0.3, 20));
  });

  it('effective sample size: about n for white noise, about n(1 − φ²)/(1 + φ²) for two AR(1) series (Bartlett)', () => {
    const rng = new Rng(7);
    const n = 400;
    const white = effectiveSampleSize(ar1(rng, n, 0), ar1(rng, n, 0)).nEffective;
    assert.ok(white > 0.8 * n && white <= n, `white noise: n* = ${white}`);
    const phi = 0.8;
    const expected = (n * (1 - phi * phi)) / (1 + phi * phi);
    const got: number[] = [];
    for (let k = 0; k < 40; k++) got.push(effectiveSampleSize(ar1(rng, n, phi), ar1(rng, n, phi)).nEffective);
    const mean = got.reduce((a, b) => a + b, 0) / got.length;
    assert.ok(Math.abs(mean - expected) / expected < 0.25, `AR(1) φ=0.8: mean n* = ${mean.toFixed(1)}, Bartlett ${expected.toFixed(1)}`);
    assert.ok(got.every((v) => v >= 3 && v <= n));
  });

  it('p-values of independent autocorrelated counts are calibrated at 5% and 1%; the independent-days p is not', function () {
    this.timeout(30_000);
    const rng = new Rng(11);
    const reps = 1500;
    let below5 = 0;
    let below1 = 0;
    let naive5 = 0;
    for (let k = 0; k < reps; k++) {
      const x = counts(rng, 150, 0.85);
      const y = counts(rng, 150, 0.85);
      const stat = correlation(x, y, 'spearman');
      if (stat.status !== 'ok') continue;
      const p = serialCorrelation(x, y, 'spearman', stat.r).p;
      if (p < 0.05) below5++;
      if (p < 0.01) below1++;
      if (stat.p < 0.05) naive5++;
    }
    // The effective-n test is approximate (4.6–6.4% at 5% over φ 0.5–0.85 and n 60–250 in our runs), so the
    // bounds allow a little more than binomial noise; the report-level calibration is the strict check.
    assert.ok(below5 / reps <= 0.07 && below5 / reps >= 0.03, `p < 0.05 in ${below5}/${reps}`);
    assert.ok(below1 / reps <= 0.02, `p < 0.01 in ${below1}/${reps}`);
    assert.ok(naive5 / reps > 0.12, `independent-days p < 0.05 in only ${naive5}/${reps}: the test would not show the problem`);
  });

  it('the effect interval covers the true high − low difference in ~95% of autocorrelated samples', function () {
    this.timeout(30_000);
    const rng = new Rng(13);
    const reps = 600;
    const shift = 1;
    let covered = 0;
    let nullCovered = 0;
    for (let k = 0; k < reps; k++) {
      const x = ar1(rng, 120, 0.7);
      const noise = ar1(rng, 120, 0.7);
      const median = [...x].sort((a, b) => a - b)[59]!;
      const y = x.map((v, i) => noise[i]! + (v > median ? shift : 0));
      const e = workingEffect(x, y, 6);
      if (e.differenceCi && e.differenceCi.lower <= shift && shift <= e.differenceCi.upper) covered++;
      const e0 = workingEffect(x, noise, 6);
      if (e0.differenceCi && e0.differenceCi.lower <= 0 && 0 <= e0.differenceCi.upper) nullCovered++;
    }
    assert.ok(covered / reps > 0.92, `coverage ${covered}/${reps}`);
    assert.ok(nullCovered / reps > 0.92, `coverage of 0 under no effect ${nullCovered}/${reps}`);
  });

  it("an interval around 0 when the high and low days have the same mean (Cohen's d is 0, not missing)", () => {
    // High days (x above its median 4.5) and low days both average 5, with spread within each group.
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const y = [4, 6, 3, 7, 6, 4, 7, 3];
    const e = workingEffect(x, y, 6);
    assert.equal(e.difference, 0);
    assert.equal(e.d, 0);
    assert.ok(e.differenceCi && Number.isFinite(e.differenceCi.lower) && Number.isFinite(e.differenceCi.upper), JSON.stringify(e.differenceCi));
    assert.ok(e.differenceCi.lower < 0 && e.differenceCi.upper > 0);
    assert.ok(Math.abs(e.differenceCi.lower + e.differenceCi.upper) < 1e-12, 'symmetric around the difference');
    assert.ok(e.dCi && Number.isFinite(e.dCi.lower) && e.dCi.lower < 0 && e.dCi.upper > 0);
    assert.ok(e.percentCi && Number.isFinite(e.percentCi.lower));
  });
});
