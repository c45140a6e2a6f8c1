/**
 * Budgets: a limit per local day, ISO week (from Monday) or calendar month, in US dollars or tokens
 * (input + output; cache tokens are not counted, as in the seed's total_tokens). Pure: the caller gives
 * the usage of a period, the extension and the CLI decide how to show the result. A warning is due once
 * per period and threshold; the caller remembers which were shown by their keys.
 */
import { monthStart, shiftDay, weekStart, type DayKey } from './day';
import type { UsageTotals } from './store/usage-reader';

export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export type BudgetUnit = 'usd' | 'tokens';

/** Shares of a budget at which ProdLens warns. */
export const BUDGET_THRESHOLDS = [0.8, 1] as const;

export interface Budget {
  period: BudgetPeriod;
  unit: BudgetUnit;
  /** Positive. */
  limit: number;
}

export interface BudgetStatus extends Budget {
  /** First and last local day of the current period (the last may be in the future). */
  since: DayKey;
  until: DayKey;
  used: number;
  /** used ÷ limit. */
  share: number;
  /** The highest threshold reached (0.8 or 1), null below the first. */
  reached: (typeof BUDGET_THRESHOLDS)[number] | null;
  /** Requests not priced (unknown model): a USD budget does not see them. */
  unpricedRequests: number;
}

/** The current period of a budget on `today` (local day). */
export function budgetPeriod(period: BudgetPeriod, today: DayKey): { since: DayKey; until: DayKey } {
  if (period === 'daily') return { since: today, until: today };
  if (period === 'weekly') {
    const since = weekStart(today);
    return { since, until: shiftDay(since, 6) };
  }
  const since = monthStart(today);
  const next = monthStart(shiftDay(since, 31));
  return { since, until: shiftDay(next, -1) };
}

/** Where each budget stands today; `usageSince(day)` gives the usage from that local day through today. */
export function evaluateBudgets(budgets: Budget[], today: DayKey, usageSince: (since: DayKey) => UsageTotals): BudgetStatus[] {
  const cache = new Map<string, UsageTotals>();
  return budgets.map((b) => {
    const { since, until } = budgetPeriod(b.period, today);
    let usage = cache.get(since);
    if (!usage) {
      usage = usageSince(since);
      cache.set(since, usage);
    }
    const used = b.unit === 'usd' ? usage.costUsd : usage.totalTokens;
    const share = used / b.limit;
    const reached = [...BUDGET_THRESHOLDS].reverse().find((t) => share >= t) ?? null;
    return { ...b, since, until, used, share, reached, unpricedRequests: b.unit === 'usd' ? usage.unpricedRequests : 0 };
  });
}

/** The key a warning is remembered by: one per budget period, threshold and unit. */
export function warningKey(s: Pick<BudgetStatus, 'period' | 'since' | 'unit'>, threshold: number): string {
  return `${s.period}:${s.since}:${s.unit}:${Math.round(threshold * 100)}`;
}

/**
 * Warnings due: for each budget past a threshold whose warning was not shown this period, the highest such
 * threshold (crossing 80 % and 100 % at once warns once, at 100 %), with the keys to remember — the lower
 * thresholds' too, so 80 % is not announced after 100 %.
 */
export function dueWarnings(statuses: BudgetStatus[], shown: ReadonlySet<string>): Array<{ status: BudgetStatus; threshold: number; keys: string[] }> {
  const due: Array<{ status: BudgetStatus; threshold: number; keys: string[] }> = [];
  for (const s of statuses) {
    if (s.reached === null) continue;
    const passed = BUDGET_THRESHOLDS.filter((t) => t <= s.reached!);
    const keys = passed.map((t) => warningKey(s, t));
    if (shown.has(warningKey(s, s.reached))) continue;
    due.push({ status: s, threshold: s.reached, keys });
  }
  return due;
}

/** The status with the largest share (what the status bar shows), or null without budgets. */
export function tightest(statuses: BudgetStatus[]): BudgetStatus | null {
  return statuses.reduce<BudgetStatus | null>((a, s) => (a === null || s.share > a.share ? s : a), null);
}

/** Budgets from limits per period (0, negative or missing means none). */
export function budgetsOf(unit: BudgetUnit, limits: Partial<Record<BudgetPeriod, unknown>>): Budget[] {
  return BUDGET_PERIODS.flatMap((period) => {
    const limit = Number(limits[period]);
    return Number.isFinite(limit) && limit > 0 ? [{ period, unit, limit }] : [];
  });
}

/**
 * A budget from the command line: `PERIOD=AMOUNT[UNIT]`, PERIOD daily|weekly|monthly (or day|week|month),
 * AMOUNT a number with an optional k/M suffix, UNIT usd (default, `$` allowed in front) or tokens/tok.
 * Examples: `daily=5`, `weekly=$20`, `monthly=2Mtokens`, `day=150k tok`.
 */
export function parseBudget(text: string): { ok: true; value: Budget } | { ok: false; reason: string } {
  const m = /^\s*(daily|weekly|monthly|day|week|month)\s*=\s*\$?\s*(\d+(?:\.\d+)?)\s*([kKmM])?\s*(usd|\$|tokens?|tok)?\s*$/i.exec(text);
  if (!m) return { ok: false, reason: `expected PERIOD=AMOUNT[usd|tokens] such as daily=5 or weekly=2Mtokens, got ${JSON.stringify(text)}` };
  const period =
    ({ day: 'daily', week: 'weekly', month: 'monthly' } as Record<string, BudgetPeriod>)[m[1]!.toLowerCase()] ?? (m[1]!.toLowerCase() as BudgetPeriod);
  const scale = m[3] ? (m[3].toLowerCase() === 'k' ? 1e3 : 1e6) : 1;
  const unit: BudgetUnit = m[4] && /^tok/i.test(m[4]) ? 'tokens' : 'usd';
  const limit = Number(m[2]) * scale;
  if (!(limit > 0)) return { ok: false, reason: `a budget must be more than 0, got ${JSON.stringify(text)}` };
  return { ok: true, value: { period, unit, limit } };
}
