import type { ReportModel } from '../../core/report/model';
import { correlationRows, type TableRow } from '../correlation-rows';
import { h } from '../dom';
import { formatChange, formatCount, formatP, formatSigned, MISSING } from '../format';
import type { CorrelationSortKey, ViewState } from '../protocol';
import { section } from './section';

const COLUMNS: Array<{ key: CorrelationSortKey; label: string; numeric?: boolean; cell: (r: TableRow) => string }> = [
  { key: 'pair', label: 'Pair (AI → outcome)', cell: (r) => r.pair },
  { key: 'method', label: 'Method', cell: (r) => (r.method === 'pearson' ? 'Pearson' : 'Spearman') },
  { key: 'lag', label: 'Lag (days)', numeric: true, cell: (r) => String(r.lag) },
  { key: 'r', label: 'r', numeric: true, cell: (r) => formatSigned(r.r) },
  { key: 'ci', label: '95% CI', numeric: true, cell: (r) => (r.ciLow === null || r.ciHigh === null ? MISSING : `[${formatSigned(r.ciLow)}, ${formatSigned(r.ciHigh)}]`) },
  { key: 'p', label: 'p', numeric: true, cell: (r) => formatP(r.p) },
  { key: 'pAdjusted', label: 'Adjusted p', numeric: true, cell: (r) => formatP(r.pAdjusted) },
  { key: 'n', label: 'n (days)', numeric: true, cell: (r) => formatCount(r.n) },
  {
    key: 'effect',
    label: "Effect (Cohen's d)",
    numeric: true,
    cell: (r) => (r.effect?.cohensD === null || !r.effect ? MISSING : `${formatSigned(r.effect.cohensD)} (${formatChange(r.effect.changePct)})`),
  },
  { key: 'reading', label: 'Reading', cell: (r) => r.reading },
];

export interface CorrelationHandlers {
  onSort(key: CorrelationSortKey): void;
  onMethod(method: ViewState['table']['method']): void;
}

/** The lagged correlation table, sortable by any column (header buttons; Enter or Space sorts). */
export function correlationsSection(model: ReportModel, table: ViewState['table'], on: CorrelationHandlers): HTMLElement {
  const c = model.correlations;
  const rows = correlationRows(model, table);
  const method = h(
    'select',
    { id: 'corr-method', 'data-focus-key': 'corr-method', on: { change: (e) => on.onMethod((e.target as HTMLSelectElement).value as ViewState['table']['method']) } },
    (['pearson', 'spearman', 'both'] as const).map((m) => h('option', { value: m, selected: table.method === m }, m === 'both' ? 'Pearson and Spearman' : m[0]!.toUpperCase() + m.slice(1))),
  );
  const header = COLUMNS.map((col) => {
    const sorted = table.sortKey === col.key;
    const dir = sorted ? (table.sortDir === 'asc' ? 'ascending' : 'descending') : 'none';
    return h(
      'th',
      { scope: 'col', 'aria-sort': dir, class: col.numeric ? 'num' : null },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          'data-sort': col.key,
          'data-focus-key': `sort-${col.key}`,
          'aria-label': `${col.label}, sort ${sorted && table.sortDir === 'asc' ? 'descending' : 'ascending'}`,
          on: { click: () => on.onSort(col.key) },
        },
        col.label,
        h('span', { class: 'sort-indicator', 'aria-hidden': 'true' }, sorted ? (table.sortDir === 'asc' ? ' ▲' : ' ▼') : ''),
      ),
    );
  });
  const body = rows.map((r) =>
    h(
      'tr',
      { 'data-row-index': r.index, class: r.status === 'ok' ? null : 'insufficient' },
      COLUMNS.map((col, i) => h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, class: col.numeric ? 'num' : null, 'data-col': col.key, title: col.key === 'effect' ? (r.effect?.reading ?? null) : null }, col.cell(r))),
    ),
  );
  return section(
    'correlations',
    'Correlations',
    h(
      'p',
      { class: 'muted' },
      `${formatCount(c.tested)} tests with a p-value; lags ${c.lags.join(', ')} days (outcome k days after AI activity); at least ${c.minPairs} days with both values. `,
      'p-values are adjusted with Benjamini–Hochberg. Correlation is not causation.',
    ),
    h('div', { class: 'controls' }, h('label', { for: 'corr-method' }, 'Method '), method),
    h(
      'div',
      { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Correlation table' },
      h('table', { class: 'data', id: 'correlation-table' }, h('caption', { class: 'sr-only' }, 'Lagged correlations between AI activity and delivery outcomes'), h('thead', null, h('tr', null, header)), h('tbody', null, body)),
    ),
  );
}
