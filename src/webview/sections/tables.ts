import type { BreakdownRow, ModelRow, ReportModel } from '../../core/report/model';
import { h } from '../dom';
import { formatCount, formatValue } from '../shared/format';
import { dataTable, section, type Column } from './section';

/** What a click on a row's first cell does (absent where the report cannot filter, e.g. a standalone file). */
export interface RowFilters {
  model: (model: string | null) => void;
  repo: (repo: string | null) => void;
  developer: (developer: string | null) => void;
  /** An inclusive range of UTC days (a day, a week, a month). */
  period: (since: string, until: string) => void;
}

/** The first column made a filter button (the key `null` filters to records without one: `''`). */
function filtering<R>(col: Column<R>, what: string, key: (r: R) => string | null, run: ((k: string | null) => void) | undefined): Column<R> {
  if (!run) return col;
  return { ...col, action: (r) => ({ label: `Filter the report to this ${what}`, run: () => run(key(r)), focusKey: `filter-${what}-${key(r) ?? ''}` }) };
}

const MODEL_COLUMNS: Column<ModelRow>[] = [
  { key: 'model', label: 'Model', cell: (r) => (r.editorUnknown ? 'editor (model unknown)' : (r.model ?? '(unknown model)')) },
  { key: 'requests', label: 'Requests', numeric: true, cell: (r) => formatCount(r.requests) },
  { key: 'errors', label: 'Errors', numeric: true, cell: (r) => formatCount(r.errors) },
  { key: 'totalTokens', label: 'Tokens (in + out)', numeric: true, cell: (r) => formatCount(r.totalTokens) },
  { key: 'cacheTokens', label: 'Cache tokens', numeric: true, cell: (r) => formatCount(r.cacheTokens) },
  { key: 'costUsd', label: 'Cost', numeric: true, cell: (r) => formatValue(r.costUsd, 'usd') },
  { key: 'unpricedRequests', label: 'Unpriced requests', numeric: true, cell: (r) => formatCount(r.unpricedRequests) },
  { key: 'acceptanceRate', label: 'Acceptance rate', numeric: true, cell: (r) => formatValue(r.acceptanceRate, 'ratio') },
  { key: 'acceptedLines', label: 'Accepted AI lines', numeric: true, cell: (r) => formatCount(r.acceptedLines) },
];

/** Per-model requests, tokens, cost and acceptance; a model's name filters the report to it. */
export function modelsSection(model: ReportModel, filters?: RowFilters): HTMLElement {
  const columns = [filtering(MODEL_COLUMNS[0]!, 'model', (r) => r.model, filters && ((m) => filters.model(m))), ...MODEL_COLUMNS.slice(1)];
  const unpriced = model.models.reduce((a, m) => a + m.unpricedRequests, 0);
  return section(
    'models',
    'Models',
    model.models.length
      ? dataTable('Requests, tokens, cost and acceptance per model', columns, model.models, (r) =>
          r.editorUnknown ? 'editor (model unknown)' : (r.model ?? ''),
        )
      : h('p', { class: 'muted' }, 'No model activity in this period.'),
    unpriced
      ? h(
          'p',
          { class: 'muted', id: 'unpriced-note' },
          `${formatCount(unpriced)} requests went to models the price table (${model.priceTable}) does not know; they are counted but not priced.`,
        )
      : null,
  );
}

function breakdownColumns(first: string, what: 'repository' | 'developer', run?: (k: string | null) => void): Column<BreakdownRow>[] {
  return [
    filtering({ key: 'key', label: first, cell: (r) => r.key ?? '(none)' }, what, (r) => r.key, run),
    { key: 'requests', label: 'Requests', numeric: true, cell: (r) => formatCount(r.requests) },
    { key: 'totalTokens', label: 'Tokens', numeric: true, cell: (r) => formatCount(r.totalTokens) },
    { key: 'costUsd', label: 'Cost', numeric: true, cell: (r) => formatValue(r.costUsd, 'usd') },
    { key: 'insertions', label: 'AI insertions', numeric: true, cell: (r) => formatCount(r.insertions) },
    { key: 'acceptedLines', label: 'Accepted AI lines', numeric: true, cell: (r) => formatCount(r.acceptedLines) },
    { key: 'commits', label: 'Commits', numeric: true, cell: (r) => formatValue(r.commits, 'count') },
  ];
}

/** Totals per repository and per developer; a name filters the report to it. */
export function breakdownSection(model: ReportModel, filters?: RowFilters): HTMLElement {
  const table = (id: string, title: string, first: string, rows: BreakdownRow[]) =>
    h(
      'div',
      { class: 'breakdown', id },
      h('h3', null, title),
      rows.length
        ? dataTable(
            `${title} in this period`,
            breakdownColumns(first, id === 'by-repo' ? 'repository' : 'developer', filters && (id === 'by-repo' ? filters.repo : filters.developer)),
            rows,
            (r) => r.key ?? '',
          )
        : h('p', { class: 'muted' }, 'Nothing in this period.'),
    );
  return section(
    'breakdown',
    'Repositories and developers',
    h(
      'div',
      { class: 'two-col' },
      table('by-repo', 'By repository', 'Repository', model.byRepo),
      table('by-developer', 'By developer', 'Developer', model.byDeveloper),
    ),
  );
}
