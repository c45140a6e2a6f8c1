import assert from 'node:assert/strict';
import { centredWorkingSeries, developerCorrelation, workingCalendar } from '../../../src/core/analyze';
import { analyzeReportSeries, AI_EVIDENCE, OUTCOME_EVIDENCE } from '../../../src/core/report/correlations';
import { BUSY_SPELLS, randomDeveloper, type SimulatedDeveloper } from '../../support/sim';

const evidence = (d: SimulatedDeveloper) => {
  const s = d.series as unknown as Record<string, Array<number | null> | undefined>;
  const pick = (keys: readonly string[]) => keys.flatMap((k) => (s[k] ? [s[k]!] : []));
  return { days: d.days, presence: d.series.active_minutes, aiActivity: pick(AI_EVIDENCE), outcomeActivity: pick(OUTCOME_EVIDENCE) };
};

describe('analyze/pooled: primitives for the team report', () => {
  it("centres a developer's working-day series on their own mean, keeping not-measured days null", () => {
    const d = randomDeveloper(3, { aiMeasuredFrom: 20, presence: true });
    const cal = workingCalendar(evidence(d));
    const c = centredWorkingSeries(cal, d.series.requests);
    assert.equal(c.days.length, cal.working.length);
    const measured = c.values.filter((v): v is number => v !== null);
    assert.ok(Math.abs(measured.reduce((a, b) => a + b, 0)) < 1e-9 * measured.length, 'mean 0 over measured working days');
    const notMeasured = cal.working.map((i) => d.series.requests[i] === null);
    assert.ok(notMeasured.filter(Boolean).length >= 15, 'the first working days had no AI measurement');
    assert.deepEqual(
      c.values.map((v) => v === null),
      notMeasured,
      'not measured stays null, never 0',
    );
    const raw = cal.working.map((i) => d.series.requests[i]).filter((v): v is number => v !== null);
    assert.ok(Math.abs(c.mean! - raw.reduce((a, b) => a + b, 0) / raw.length) < 1e-9);
  });

  it("equals the report's row for the same developer, pair and lag", () => {
    const d = randomDeveloper(5);
    const row = analyzeReportSeries(d.days, d.series).correlations.rows.find(
      (r) => r.role === 'test' && r.ai === 'requests' && r.outcome === 'commits' && r.lag === 2,
    )!;
    const dc = developerCorrelation({ ...evidence(d), ai: d.series.requests, outcome: d.series.commits }, { lag: 2 });
    assert.deepEqual([dc.n, dc.r, dc.nEffective], [row.n, row.r, row.nEffective]);
    assert.equal(dc.z, Math.atanh(dc.r!));
    assert.equal(dc.zVariance, 1.06 / (dc.nEffective! - 3));
  });

  it('its z variance is honest: z / sd(z) of independent developers in busy spells has variance ≈ 1 (the independent-days variance is too small)', function () {
    this.timeout(60_000);
    const standardized: number[] = [];
    const naive: number[] = [];
    for (let seed = 501; seed <= 800; seed++) {
      const d = randomDeveloper(seed, BUSY_SPELLS);
      const dc = developerCorrelation({ ...evidence(d), ai: d.series.requests, outcome: d.series.commits }, { lag: 1 });
      if (dc.z === null || dc.zVariance === null) continue;
      standardized.push(dc.z / Math.sqrt(dc.zVariance));
      naive.push(dc.z / Math.sqrt(1.06 / (dc.n - 3)));
    }
    const variance = (v: number[]) => v.reduce((a, b) => a + b * b, 0) / v.length;
    assert.ok(standardized.length >= 290);
    // With 300 developers the sample variance of a N(0, 1) has SD ≈ 0.08.
    assert.ok(variance(standardized) > 0.75 && variance(standardized) < 1.25, `variance ${variance(standardized).toFixed(2)}`);
    assert.ok(variance(naive) > 1.4, `independent-days variance ratio ${variance(naive).toFixed(2)}: the test would not show the difference`);
  });

  it('says why a number is missing', () => {
    const days = ['2026-01-05', '2026-01-06', '2026-01-07'];
    const dc = developerCorrelation({ days, presence: [60, 60, 60], aiActivity: [], outcomeActivity: [], ai: [1, 2, 3], outcome: [1, 0, 2] }, { lag: 0 });
    assert.equal(dc.status, 'not-enough-data');
    assert.deepEqual([dc.r, dc.z, dc.zVariance], [null, null, null]);
    assert.match(dc.reason!, /not enough data/);
  });
});
