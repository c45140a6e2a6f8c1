/**
 * Rows of the correlation table: each tested (pair, method, lag) joined with the same pair's effect size,
 * filtered by method and sorted. Pure (no DOM), so the order is testable on its own.
 */
import type { CorrelationRow, EffectRow, ReportModel } from '../core/report/model';
import type { CorrelationSortKey, ViewState } from './protocol';

export interface TableRow extends CorrelationRow {
  /** "Requests → commits". */
  pair: string;
  effect: EffectRow | null;
  /** Position in the model, the default order. */
  index: number;
}

export function correlationRows(model: ReportModel, table: ViewState['table']): TableRow[] {
  const label = new Map(model.seriesInfo.map((s) => [s.key, s.label] as const));
  const effects = new Map(model.effects.map((e) => [`${e.ai}|${e.outcome}`, e] as const));
  const rows = model.correlations.rows
    .map((r, index): TableRow => ({
      ...r,
      index,
      pair: `${label.get(r.ai) ?? r.ai} → ${(label.get(r.outcome) ?? r.outcome).toLowerCase()}`,
      effect: effects.get(`${r.ai}|${r.outcome}`) ?? null,
    }))
    .filter((r) => table.method === 'both' || r.method === table.method);
  if (!table.sortKey) return rows;
  const key = sortValue[table.sortKey];
  const dir = table.sortDir === 'asc' ? 1 : -1;
  return rows.sort((a, b) => {
    const va = key(a);
    const vb = key(b);
    // Unknown values sort last in either direction: "not enough data" is never the strongest result.
    if (va === null || vb === null) return va === vb ? a.index - b.index : va === null ? 1 : -1;
    const c = typeof va === 'string' ? va.localeCompare(vb as string) : va - (vb as number);
    return c !== 0 ? c * dir : a.index - b.index;
  });
}

const sortValue: Record<CorrelationSortKey, (r: TableRow) => number | string | null> = {
  pair: (r) => r.pair,
  method: (r) => r.method,
  lag: (r) => r.lag,
  r: (r) => r.r,
  ci: (r) => (r.ciLow === null || r.ciHigh === null ? null : r.ciHigh - r.ciLow),
  p: (r) => r.p,
  pAdjusted: (r) => r.pAdjusted,
  n: (r) => r.n,
  effect: (r) => r.effect?.cohensD ?? null,
  reading: (r) => r.reading,
};
