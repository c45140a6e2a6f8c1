/**
 * What the calibration measures, on simulated developers: does a report (the full family of rows it tests,
 * built by the report's own code path) call anything significant? And the same question for the analysis
 * this branch replaced (calendar days, independent-days p-values, one BH family per method), so the test
 * shows it can fail.
 */
import { benjaminiHochberg, correlateMany, correlationPValue, type SeriesPair } from '../../../src/core/analyze';
import { analyzeReportSeries, CORRELATED_AI, CORRELATED_OUTCOMES } from '../../../src/core/report/correlations';
import type { ReportModel } from '../../../src/core/report/model';
import type { SimulatedDeveloper } from '../../support/sim';

export const ALPHA = 0.05;

export function report(dev: SimulatedDeveloper): ReportModel['correlations'] {
  return analyzeReportSeries(dev.days, dev.series).correlations;
}

/** Test rows the report reads as significant after adjustment. */
export function significantRows(c: ReportModel['correlations']): ReportModel['correlations']['rows'] {
  return c.rows.filter((r) => r.pAdjusted !== null && r.pAdjusted < ALPHA);
}

/** The previous analysis: both methods on calendar days (days off as measured zeros), BH per method. */
export function oldMethodSignificant(dev: SimulatedDeveloper): boolean {
  const series = dev.series as unknown as Record<string, Array<number | null>>;
  const pairs: SeriesPair[] = CORRELATED_AI.flatMap((ai) =>
    CORRELATED_OUTCOMES.map((outcome) => ({
      ai,
      outcome,
      aiSeries: { days: dev.days, values: series[ai]! },
      outcomeSeries: { days: dev.days, values: series[outcome]! },
    })),
  );
  const res = correlateMany(pairs, { lags: [0, 1, 2, 3], minPairs: 6 });
  if (!res.ok) throw new Error(res.reason);
  return res.value.some((r) => r.pAdjusted !== null && r.pAdjusted < ALPHA);
}

/**
 * The report's family on working days, but with p-values that assume independent days (t with n − 2 df):
 * what the working calendar alone, without the autocorrelation correction, would call significant.
 */
export function independentDaysSignificant(c: ReportModel['correlations']): boolean {
  const tested = c.rows.filter((r) => r.role === 'test' && r.r !== null);
  return benjaminiHochberg(tested.map((r) => correlationPValue(r.r as number, r.n))).some((p) => p !== null && p < ALPHA);
}

/** Upper end of a one-sided binomial tolerance: p + z·sqrt(p(1 − p)/n). */
export function binomialUpper(p: number, n: number, z = 3): number {
  return p + z * Math.sqrt((p * (1 - p)) / n);
}
