import assert from 'node:assert/strict';
import { benjaminiHochberg, correlate, correlation, CORRELATION_METHODS, highLowEffect, type CorrelationStat } from '../../../src/core/analyze';
import { loadReference, near, nearRel, type RefStat } from './reference-fixture';

const ref = loadReference();
const R_TOL = 1e-9;
const P_REL = 1e-6;
const CI_TOL = 1e-9;
const BH_REL = 1e-6;
const D_TOL = 1e-9;

function checkStat(actual: CorrelationStat, expected: RefStat, what: string): void {
  assert.equal(actual.n, expected.n, `${what}: n`);
  assert.equal(actual.status, expected.status, `${what}: status (${actual.reason ?? ''})`);
  if (expected.status !== 'ok') {
    assert.equal(actual.r, null);
    assert.equal(actual.p, null);
    return;
  }
  near(actual.r, expected.r as number, R_TOL, `${what}: r`);
  nearRel(actual.p, expected.p as number, P_REL, `${what}: p`);
  if (expected.ci === null || expected.ci === undefined) {
    assert.equal(actual.ci, null, `${what}: ci`);
    assert.match(actual.ciReason ?? '', /needs n > 3/);
  } else {
    near(actual.ci?.lower, expected.ci[0], CI_TOL, `${what}: ci lower`);
    near(actual.ci?.upper, expected.ci[1], CI_TOL, `${what}: ci upper`);
    assert.equal(actual.ci?.level, 0.95);
  }
}

describe('analyze: agreement with SciPy reference values', () => {
  it(`the fixture covers the required cases (SciPy ${ref.meta.scipy})`, () => {
    assert.ok(ref.correlations.length >= 20, 'at least 20 series pairs');
    const ns = new Set(ref.correlations.map((c) => c.pearson.n));
    for (const n of [6, 7, 30, 365]) assert.ok(ns.has(n), `a case with n = ${n}`);
    assert.ok(
      ref.correlations.some((c) => c.pearson.status === 'undefined'),
      'a constant series',
    );
    assert.ok(
      ref.correlations.some((c) => Math.abs(c.pearson.r ?? 0) === 1),
      'a perfect correlation',
    );
    assert.ok(
      ref.correlations.some((c) => c.x.includes(null)),
      'missing values',
    );
    assert.ok(ref.correlations.some((c) => (c.pearson.r ?? 0) < -0.2) && ref.correlations.some((c) => (c.pearson.r ?? 0) > 0.2));
  });

  for (const c of ref.correlations) {
    for (const method of CORRELATION_METHODS) {
      it(`${method}: ${c.name}`, () => {
        checkStat(correlation(c.x, c.y, method, { minPairs: c.minPairs }), c[method], `${c.name} ${method}`);
      });
    }
  }

  it('a case below the default minimum of 6 pairs is "not enough data", with n reported', () => {
    const c = ref.correlations.find((x) => x.name.startsWith('missing leaves n=5'));
    assert.ok(c);
    const res = correlation(c.x, c.y, 'pearson');
    assert.equal(res.status, 'not-enough-data');
    assert.equal(res.n, 5);
    assert.equal(res.reason, 'not enough data (n=5, need 6)');
  });

  for (const c of ref.lagged) {
    it(`lagged: ${c.name}`, () => {
      const res = correlate(c.ai, c.outcome, { lags: c.lags.map((l) => l.lag), minPairs: 3 });
      assert.ok(res.ok, res.ok ? '' : res.reason);
      for (const l of c.lags) {
        for (const method of CORRELATION_METHODS) {
          const got = res.value.find((r) => r.lag === l.lag && r.method === method);
          assert.ok(got, `result for ${method} lag ${l.lag}`);
          checkStat(got, l[method], `${c.name} ${method} lag ${l.lag}`);
        }
      }
    });
  }

  for (const fam of ref.bh) {
    it(`Benjamini–Hochberg: ${fam.name}`, () => {
      const got = benjaminiHochberg(fam.p);
      assert.equal(got.length, fam.adjusted.length);
      fam.adjusted.forEach((want, i) => {
        if (want === null) assert.equal(got[i], null, `index ${i} excluded`);
        else nearRel(got[i], want, BH_REL, `${fam.name}[${i}]`);
      });
    });
  }

  for (const e of ref.effects) {
    it(`effect size: ${e.name}`, () => {
      const got = highLowEffect(e.ai, e.outcome, { minPairs: e.minPairs, hedges: true });
      const want = e.expected;
      assert.equal(got.n, want.n);
      assert.equal(got.status, want.status, got.reason ?? '');
      if (want.median !== undefined) near(got.median, want.median, 1e-12, 'median');
      if (want.status !== 'ok' || got.status !== 'ok') return;
      assert.deepEqual([got.high.n, got.low.n], [want.high?.n, want.low?.n], 'group sizes');
      near(got.high.mean, want.high?.mean as number, 1e-9, 'high mean');
      near(got.low.mean, want.low?.mean as number, 1e-9, 'low mean');
      if (want.d === null) assert.equal(got.d, null);
      else near(got.d, want.d as number, D_TOL, 'd');
      if (want.g === null) assert.equal(got.g, null);
      else near(got.g, want.g as number, D_TOL, 'g');
      if (want.percentChange === null) assert.equal(got.percentChange, null);
      else near(got.percentChange, want.percentChange as number, 1e-9, 'percent change');
    });
  }
});
