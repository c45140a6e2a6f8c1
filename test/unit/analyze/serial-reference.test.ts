import assert from 'node:assert/strict';
import { correlation, CORRELATION_METHODS, serialCorrelation, workingEffect } from '../../../src/core/analyze';
import { loadReference, near, nearRel } from './reference-fixture';

/**
 * The autocorrelation-aware p-values, intervals and effect intervals against an independent Python
 * implementation (statsmodels' acf, SciPy's rankdata and t distribution; scripts/stats-reference.py).
 */
describe('analyze: autocorrelation-aware inference against statsmodels/SciPy', () => {
  const ref = loadReference();

  it('the fixture covers white noise, strong autocorrelation, ties and a short series', () => {
    assert.ok(ref.serial.length >= 6);
    assert.ok(
      ref.serial.some((c) => c.spearman.nEffective < 0.6 * c.x.length),
      'a case where n* is well below n',
    );
    assert.ok(ref.serial.some((c) => c.x.length < 20));
  });

  for (const c of ref.serial) {
    for (const method of CORRELATION_METHODS) {
      it(`${method}: ${c.name}`, () => {
        const stat = correlation(c.x, c.y, method);
        assert.equal(stat.status, 'ok');
        if (stat.status !== 'ok') return;
        const want = c[method];
        near(stat.r, want.r, 1e-9, 'r');
        const got = serialCorrelation(c.x, c.y, method, stat.r);
        nearRel(got.nEffective, want.nEffective, 1e-9, 'n*');
        nearRel(got.p, want.p, 1e-6, 'p');
        if (want.ci === null) assert.equal(got.ci, null);
        else {
          near(got.ci?.lower, want.ci[0], 1e-9, 'ci lower');
          near(got.ci?.upper, want.ci[1], 1e-9, 'ci upper');
        }
      });
    }
    it(`effect interval: ${c.name}`, () => {
      const e = workingEffect(c.x, c.y, 6);
      near(e.difference ?? undefined, c.effect.difference, 1e-9, 'difference');
      nearRel(e.nEffective ?? undefined, c.effect.nEffective, 1e-9, 'n*');
      near(e.differenceCi?.lower, c.effect.ci[0], 1e-7, 'ci lower');
      near(e.differenceCi?.upper, c.effect.ci[1], 1e-7, 'ci upper');
    });
  }
});
