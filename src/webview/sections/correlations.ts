import type { EffectRow, ReportModel } from '../../core/report/model';
import { correlationRows, type TableRow } from '../shared/correlation-rows';
import { h } from '../dom';
import { formatCount, formatP, formatSigned, MISSING } from '../shared/format';
import type { CorrelationSortKey, ViewState } from '../shared/protocol';
import { section } from './section';

const interval = (lo: number | null, hi: number | null) => (lo === null || hi === null ? MISSING : `[${formatSigned(lo)}, ${formatSigned(hi)}]`);

/** "+1.20 [+0.30, +2.10]": the high − low difference per working day with its interval. */
function effectCell(e: EffectRow | null): string {
  if (!e || e.difference === null) return MISSING;
  const sign = (v: number) => (v > 0 ? '+' : '') + formatSigned(v);
  const ci = e.differenceLow === null || e.differenceHigh === null ? '' : ` [${sign(e.differenceLow)}, ${sign(e.differenceHigh)}]`;
  return `${sign(e.difference)}${ci}`;
}

const COLUMNS: Array<{ key: CorrelationSortKey; label: string; numeric?: boolean; cell: (r: TableRow) => string }> = [
  { key: 'pair', label: 'Pair (AI → outcome)', cell: (r) => r.pair },
  { key: 'lag', label: 'Lag (working days)', numeric: true, cell: (r) => String(r.lag) },
  { key: 'r', label: 'Spearman ρ', numeric: true, cell: (r) => formatSigned(r.r) },
  { key: 'ci', label: '95% CI', numeric: true, cell: (r) => interval(r.ciLow, r.ciHigh) },
  { key: 'p', label: 'p', numeric: true, cell: (r) => formatP(r.p) },
  { key: 'pAdjusted', label: 'Adjusted p', numeric: true, cell: (r) => formatP(r.pAdjusted) },
  {
    key: 'n',
    label: 'Working days (effective)',
    numeric: true,
    cell: (r) => `${formatCount(r.n)} (${r.nEffective === null ? MISSING : formatCount(Math.round(r.nEffective))})`,
  },
  { key: 'check', label: 'Pearson r (check)', numeric: true, cell: (r) => formatSigned(r.check?.r ?? null) },
  { key: 'effect', label: 'High − low AI days (95% CI)', numeric: true, cell: (r) => effectCell(r.effect) },
  { key: 'reading', label: 'Reading', cell: (r) => r.reading },
];

export interface CorrelationHandlers {
  onSort(key: CorrelationSortKey): void;
}

/**
 * The lagged correlation table on working days, sortable by any column (header buttons; Enter or Space
 * sorts). One row per tested pair and lag; the Pearson check sits in its own column, so there is no method
 * to pick. Untested rows collapse into one line per reason.
 */
export function correlationsSection(model: ReportModel, table: ViewState['table'], on: CorrelationHandlers): HTMLElement {
  const c = model.correlations;
  const rows = correlationRows(model, table);
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
      { 'data-row-index': r.index, class: r.pAdjusted !== null && r.pAdjusted < c.method.alpha ? 'significant' : null },
      COLUMNS.map((col, i) =>
        h(
          i === 0 ? 'th' : 'td',
          {
            scope: i === 0 ? 'row' : null,
            class: col.numeric ? 'num' : null,
            'data-col': col.key,
            title: col.key === 'effect' ? (r.effect?.reading ?? null) : null,
          },
          col.cell(r),
        ),
      ),
    ),
  );
  const untested = c.untested.map((u) =>
    h('li', { 'data-untested': u.count }, `${formatCount(u.count)} pair${u.count === 1 ? '' : 's'} × lags not tested: ${u.reason}`),
  );
  return section(
    'correlations',
    'Correlations',
    h('p', { class: 'corr-summary', id: 'corr-summary' }, `${c.summary}.`),
    presenceLine(model.activeMinutes),
    h(
      'p',
      { class: 'muted' },
      `Lags ${c.lags.join(', ')}: the outcome k working days after the AI activity. A row is significant when its adjusted p is below ${c.method.alpha}. `,
      'Correlation is not causation: a busy week can raise AI use and commits together.',
    ),
    untested.length > 0 ? h('ul', { class: 'corr-untested muted', id: 'corr-untested' }, untested) : null,
    rows.length === 0
      ? h('p', { class: 'muted', id: 'corr-none' }, 'No pair had enough working days to test.')
      : h(
          'div',
          { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Correlation table' },
          h(
            'table',
            { class: 'data', id: 'correlation-table' },
            h('caption', { class: 'sr-only' }, 'Lagged correlations between AI activity and delivery outcomes on working days'),
            h('thead', null, h('tr', null, header)),
            h('tbody', null, body),
          ),
        ),
  );
}

/** "Editor presence: 41.5 h active on 52 of 60 measured days" (counts only), or nothing before tracking. */
function presenceLine(active: ReadonlyArray<number | null> | undefined): ReturnType<typeof h> | null {
  const measured = (active ?? []).filter((v): v is number => v !== null);
  if (!measured.length) return null;
  const total = measured.reduce((a, b) => a + b, 0);
  return h(
    'p',
    { class: 'muted', id: 'corr-presence' },
    `Editor presence: ${(total / 60).toFixed(1)} h active on ${formatCount(measured.filter((v) => v > 0).length)} of ${formatCount(measured.length)} measured days.`,
  );
}
