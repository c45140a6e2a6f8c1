import assert from 'node:assert/strict';
import { BUSY_SPELLS, randomDeveloper, type DeveloperOptions } from '../../support/sim';
import { ALPHA, binomialUpper, independentDaysSignificant, oldMethodSignificant, report, significantRows } from './harness';

/**
 * Calibration of the report's correlations (STYLE.md item 20: validity lives in tests). Simulated developers
 * whose AI use and outcomes are independent — Mon–Fri, public holidays, one or two vacation weeks, odd days
 * off, AR(1) and busy/quiet-regime intensity, overdispersed zero-inflated counts, activity levels drawn per
 * developer, half of them without editor presence data — must get a report with any significant row in
 * about 5% of cases (BH controls the family at 5% under the global null); a planted lagged effect must be
 * found, at its lag, in most. Figures and how to rerun: docs/report.md, "How the correlations hold up".
 */
describe('calibration: the report on simulated developers', () => {
  const NULL_N = 400;

  it(`independent AI use and outcomes: share of reports with any significant row ≈ ${ALPHA} (${NULL_N} developers, a year each)`, function () {
    this.timeout(180_000);
    let any = 0;
    const byBasis = { presence: { n: 0, any: 0 }, activity: { n: 0, any: 0 } };
    for (let seed = 1; seed <= NULL_N; seed++) {
      const c = report(randomDeveloper(seed));
      const hit = significantRows(c).length > 0;
      const b = byBasis[c.calendar.basis];
      b.n++;
      if (hit) {
        any++;
        b.any++;
      }
      assert.equal(c.tested, c.rows.filter((r) => r.role === 'test' && r.p !== null).length, 'the family is every test row with a p');
    }
    const rate = any / NULL_N;
    assert.ok(rate <= binomialUpper(ALPHA, NULL_N), `false-positive rate ${rate} above ${binomialUpper(ALPHA, NULL_N).toFixed(3)}`);
    assert.ok(rate >= 0.01, `false-positive rate ${rate}: the pipeline never finds anything, which is not calibration either`);
    for (const [basis, b] of Object.entries(byBasis)) {
      assert.ok(b.n >= 150, `${basis}: ${b.n} developers`);
      assert.ok(b.any / b.n <= binomialUpper(ALPHA, b.n), `${basis} calendar: false-positive rate ${b.any}/${b.n}`);
    }
  });

  it('the analysis it replaced fails the same calibration (calendar days, independent-days p, BH per method)', function () {
    this.timeout(60_000);
    let any = 0;
    const n = 60;
    for (let seed = 1; seed <= n; seed++) if (oldMethodSignificant(randomDeveloper(seed))) any++;
    assert.ok(any / n >= 0.5, `old method: ${any}/${n} null reports significant — the calibration would not catch it`);
  });

  it('long busy spells: the autocorrelation correction keeps ≈ 5%; working days with independent-days p-values do not', function () {
    this.timeout(120_000);
    const n = 200;
    let corrected = 0;
    let independent = 0;
    for (let seed = 20_001; seed <= 20_000 + n; seed++) {
      const c = report(randomDeveloper(seed, BUSY_SPELLS));
      if (significantRows(c).length > 0) corrected++;
      if (independentDaysSignificant(c)) independent++;
    }
    assert.ok(corrected / n <= binomialUpper(ALPHA, n), `corrected: ${corrected}/${n}`);
    assert.ok(independent / n >= 0.1, `independent-days p on working days: only ${independent}/${n} — busy spells would not test the correction`);
  });

  /** A developer of typical activity; the calendar, autocorrelation and presence still vary by seed. */
  const typical = (seed: number, effect: DeveloperOptions['effect']) =>
    randomDeveloper(seed, { commitLevel: 4, commitZeroProb: 0.1, dispersion: 2, aiLevel: 20, aiZeroProb: 0.15, effect });
  const POWER_N = 150;

  it(`a planted lag-1 effect (+65% commits per SD of AI use) is found at lag 1 in ≥ 80% of ${POWER_N} developers`, function () {
    this.timeout(120_000);
    let found = 0;
    for (let seed = 10_001; seed <= 10_000 + POWER_N; seed++) {
      const c = report(typical(seed, { lag: 1, size: 0.5 }));
      const commits = significantRows(c).filter((r) => r.outcome === 'commits');
      const best = commits.sort((a, b) => (a.p as number) - (b.p as number))[0];
      if (best?.lag === 1) found++;
    }
    assert.ok(found / POWER_N >= 0.8, `power ${found}/${POWER_N}`);
  });
});
