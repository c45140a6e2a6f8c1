/**
 * Rows of the correlation table: each tested (pair, lag) with a coefficient, joined with the Pearson check
 * and the effect size of the same pair and lag, then sorted. Rows without a coefficient are not rows here:
 * the model's `untested` lines summarize them. Pure (no DOM), so the order is testable on its own.
 */
import type { CorrelationRow, EffectRow, ReportModel } from '../../core/report/model';
import type { CorrelationSortKey, ViewState } from './protocol';

export interface TableRow extends CorrelationRow {
  /** "Requests → commits". */
  pair: string;
  /** The Pearson row of the same pair and lag (shown, never tested). */
  check: CorrelationRow | null;
  effect: EffectRow | null;
  /** Position in the model, the default order. */
  index: number;
}

export function correlationRows(model: ReportModel, table: ViewState['table']): TableRow[] {
  const label = new Map(model.seriesInfo.map((s) => [s.key, s.label] as const));
  const key = (r: { ai: string; outcome: string; lag: number }) => `${r.ai}|${r.outcome}|${r.lag}`;
  const effects = new Map(model.effects.map((e) => [key(e), e] as const));
  const checks = new Map(model.correlations.rows.filter((r) => r.role === 'check').map((r) => [key(r), r] as const));
  const rows = model.correlations.rows
    .map((r, index): TableRow => ({
      ...r,
      index,
      pair: `${label.get(r.ai) ?? r.ai} → ${(label.get(r.outcome) ?? r.outcome).toLowerCase()}`,
      check: checks.get(key(r)) ?? null,
      effect: effects.get(key(r)) ?? null,
    }))
    .filter((r) => r.role === 'test' && r.status === 'ok');
  if (!table.sortKey) return rows;
  const value = sortValue[table.sortKey];
  const dir = table.sortDir === 'asc' ? 1 : -1;
  return rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    // Unknown values sort last in either direction: a missing interval is never the narrowest.
    if (va === null || vb === null) return va === vb ? a.index - b.index : va === null ? 1 : -1;
    const c = typeof va === 'string' ? va.localeCompare(vb as string) : va - (vb as number);
    return c !== 0 ? c * dir : a.index - b.index;
  });
}

const sortValue: Record<CorrelationSortKey, (r: TableRow) => number | string | null> = {
  pair: (r) => r.pair,
  lag: (r) => r.lag,
  r: (r) => r.r,
  ci: (r) => (r.ciLow === null || r.ciHigh === null ? null : r.ciHigh - r.ciLow),
  p: (r) => r.p,
  pAdjusted: (r) => r.pAdjusted,
  n: (r) => r.n,
  check: (r) => r.check?.r ?? null,
  effect: (r) => r.effect?.difference ?? null,
  reading: (r) => r.reading,
};
