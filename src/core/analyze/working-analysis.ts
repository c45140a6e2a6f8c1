/**
 * The report's correlation analysis on the developer's working calendar: every AI series × outcome × lag,
 * one family. Spearman is the test (rank-based: robust to the heavy tails of lines changed and to the many
 * zero days of counts); its p-values allow for autocorrelation (effective sample size, autocorrelation.ts)
 * and Benjamini–Hochberg adjusts all of them together. Pearson is computed on the same pairs as a check:
 * shown, never tested, so it can never make a row significant and no one can pick the method that looks
 * better. The calibration test (test/unit/calibration/) runs this very function on simulated developers.
 */
import { benjaminiHochberg } from './adjust';
import { serialCorrelation } from './autocorrelation';
import { workingCalendar, workingPairs, type WorkingCalendar } from './calendar';
import { correlation, DEFAULT_MIN_PAIRS, MIN_PAIRS_FLOOR, type ConfidenceInterval, type CorrelationMethod } from './correlation';
import { workingEffect, type WorkingEffect } from './effect-interval';
import { DEFAULT_LAGS } from './lag';
import { DEFAULT_ALPHA, readCorrelation, strengthOf } from './reading';

/** The method whose adjusted p decides "significant". */
export const TEST_METHOD: CorrelationMethod = 'spearman';
/** Shown beside it for comparison only. */
export const CHECK_METHOD: CorrelationMethod = 'pearson';

export interface NamedSeries {
  key: string;
  values: readonly (number | null)[];
}

export interface WorkingAnalysisInput {
  days: readonly string[];
  ai: readonly NamedSeries[];
  outcomes: readonly NamedSeries[];
  /** Editor active minutes per day; null or absent when there is no presence data. */
  presence?: readonly (number | null)[] | null;
  /** AI-use series whose positive values show a working day (requests, insertions, …). */
  aiEvidence: ReadonlyArray<readonly (number | null)[]>;
  /** Outcome series whose positive values show a working day (the developer's commits). */
  outcomeEvidence: ReadonlyArray<readonly (number | null)[]>;
}

export interface WorkingAnalysisOptions {
  /** Lags in working days; default 0–3. */
  lags?: readonly number[];
  /** Fewest working days with both values; default 6. */
  minPairs?: number;
  alpha?: number;
}

export interface WorkingRow {
  ai: string;
  outcome: string;
  lag: number;
  method: CorrelationMethod;
  /** 'test': in the BH family, its reading may say significant. 'check': never tested. */
  role: 'test' | 'check';
  status: 'ok' | 'not-enough-data' | 'undefined';
  /** Working-day pairs with both values. */
  n: number;
  /** Effective number of independent pairs behind p and the interval; null without a coefficient. */
  nEffective: number | null;
  r: number | null;
  ci: ConfidenceInterval | null;
  /** Autocorrelation-aware two-sided p; null for check rows and rows without a coefficient. */
  p: number | null;
  /** BH-adjusted over every test row with a p; null for check rows and untested rows. */
  pAdjusted: number | null;
  reason: string | null;
  reading: string;
}

export type WorkingEffectRow = WorkingEffect & { ai: string; outcome: string; lag: number };

export interface Untested {
  count: number;
  reason: string;
}

export interface WorkingAnalysis {
  calendar: Omit<WorkingCalendar, 'days'> & { days: number; workingDays: number };
  rows: WorkingRow[];
  effects: WorkingEffectRow[];
  /** Test rows with a p-value: the size of the one BH family. */
  familySize: number;
  /** Test rows without a p, grouped by reason ("fewer than 6 working days with both values"). */
  untested: Untested[];
  lags: number[];
  minPairs: number;
  alpha: number;
}

export function analyzeWorkingDays(input: WorkingAnalysisInput, options: WorkingAnalysisOptions = {}): WorkingAnalysis {
  const lags = [...(options.lags ?? DEFAULT_LAGS)];
  const minPairs = options.minPairs ?? DEFAULT_MIN_PAIRS;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!Number.isInteger(minPairs) || minPairs < MIN_PAIRS_FLOOR) throw new RangeError(`minPairs must be an integer ≥ ${MIN_PAIRS_FLOOR}`);
  const cal = workingCalendar({ days: input.days, presence: input.presence ?? null, aiActivity: input.aiEvidence, outcomeActivity: input.outcomeEvidence });
  const rows: WorkingRow[] = [];
  const effects: WorkingEffectRow[] = [];
  for (const ai of input.ai) {
    for (const outcome of input.outcomes) {
      const pairs = lags.map((lag) => workingPairs(cal, ai.values, outcome.values, lag));
      for (const role of ['test', 'check'] as const) {
        const method = role === 'test' ? TEST_METHOD : CHECK_METHOD;
        for (const p of pairs) rows.push(analyzeRow(ai.key, outcome.key, p.lag, p.x, p.y, method, role, minPairs));
      }
      for (const p of pairs) effects.push({ ...workingEffect(p.x, p.y, minPairs), ai: ai.key, outcome: outcome.key, lag: p.lag });
    }
  }
  const tests = rows.flatMap((r, i) => (r.role === 'test' && r.p !== null ? [i] : []));
  const adjusted = benjaminiHochberg(tests.map((i) => (rows[i] as WorkingRow).p));
  tests.forEach((i, k) => {
    const row = rows[i] as WorkingRow;
    row.pAdjusted = adjusted[k] ?? null;
    if (row.status === 'ok')
      row.reading = readCorrelation(
        { ...row, status: 'ok', r: row.r as number, p: row.p as number, ci: null, ciReason: null, reason: null },
        row.pAdjusted,
        alpha,
      );
  });
  return {
    calendar: {
      working: cal.working,
      sameDay: cal.sameDay,
      basis: cal.basis,
      presenceDays: cal.presenceDays,
      days: cal.days.length,
      workingDays: cal.working.length,
    },
    rows,
    effects,
    familySize: tests.length,
    untested: untestedSummary(rows, minPairs),
    lags,
    minPairs,
    alpha,
  };
}

function analyzeRow(
  ai: string,
  outcome: string,
  lag: number,
  x: number[],
  y: number[],
  method: CorrelationMethod,
  role: WorkingRow['role'],
  minPairs: number,
): WorkingRow {
  const base = { ai, outcome, lag, method, role, pAdjusted: null };
  const stat = correlation(x, y, method, { minPairs });
  if (stat.status !== 'ok') {
    const reading = stat.status === 'undefined' ? `undefined: ${stat.reason}` : stat.reason;
    return { ...base, status: stat.status, n: stat.n, nEffective: null, r: null, ci: null, p: null, reason: stat.reason, reading };
  }
  const s = serialCorrelation(x, y, method, stat.r);
  if (role === 'check') {
    return { ...base, status: 'ok', n: s.n, nEffective: s.nEffective, r: stat.r, ci: s.ci, p: null, reason: null, reading: readCheck(stat.r) };
  }
  // The reading is final once the family is adjusted (analyzeWorkingDays); until then it reads unadjusted.
  return { ...base, status: 'ok', n: s.n, nEffective: s.nEffective, r: stat.r, ci: s.ci, p: s.p, reason: null, reading: '' };
}

/** "weak positive (Pearson check, not tested)": a check row never says significant. */
export function readCheck(r: number): string {
  const strength = strengthOf(r);
  const direction = strength === 'negligible' || r === 0 ? '' : r > 0 ? ' positive' : ' negative';
  return `${strength}${direction} (${CHECK_METHOD === 'pearson' ? 'Pearson' : 'Spearman'} check, not tested)`;
}

function untestedSummary(rows: readonly WorkingRow[], minPairs: number): Untested[] {
  const counts = new Map<string, number>();
  for (const r of rows) {
    if (r.role !== 'test' || r.status === 'ok') continue;
    const reason = r.status === 'not-enough-data' ? `fewer than ${minPairs} working days with both values` : 'a series is constant on the working days';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, count]) => ({ count, reason }));
}
