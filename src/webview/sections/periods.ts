/**
 * The group-by control (day, ISO week, month) and, for weeks and months, a table of the period totals.
 * A period's name filters the report to it.
 */
import type { GroupedSeries, Grouping } from '../../core/report/grouping';
import type { ReportModel } from '../../core/report/model';
import { h } from '../dom';
import { formatPeriod, formatValue } from '../shared/format';
import { dataTable, type Column } from './section';
import type { RowFilters } from './tables';

const LABEL: Record<Grouping, string> = { day: 'Day', week: 'Week', month: 'Month' };

export function groupControl(group: Grouping, onChange: (g: Grouping) => void): HTMLElement {
  return h(
    'div',
    { class: 'field group-by', role: 'group', 'aria-labelledby': 'group-label' },
    h('span', { id: 'group-label' }, 'Group by '),
    h(
      'div',
      { class: 'segmented' },
      (['day', 'week', 'month'] as const).map((g) =>
        h(
          'button',
          {
            type: 'button',
            class: 'seg',
            'aria-pressed': String(group === g),
            'data-group': g,
            'data-focus-key': `group-${g}`,
            on: { click: () => onChange(g) },
          },
          LABEL[g],
        ),
      ),
    ),
  );
}

interface PeriodRow {
  i: number;
}

/** Totals per week or month (newest first); null for days, which the charts already show one by one. */
export function periodTable(model: ReportModel, grouped: GroupedSeries, filters?: RowFilters): HTMLElement | null {
  if (grouped.group === 'day') return null;
  const s = grouped.series;
  const info = new Map(model.seriesInfo.map((x) => [x.key, x] as const));
  const col = (key: 'requests' | 'total_tokens' | 'cost_usd' | 'accepted_lines' | 'commits' | 'merged_prs'): Column<PeriodRow> => ({
    key,
    label: info.get(key)?.label ?? key,
    numeric: true,
    cell: (r) => formatValue(s[key][r.i] ?? null, info.get(key)?.unit ?? 'count'),
  });
  const columns: Column<PeriodRow>[] = [
    {
      key: 'period',
      label: LABEL[grouped.group],
      cell: (r) => formatPeriod(grouped.periods[r.i]!, grouped.group),
      action: filters
        ? (r) => ({
            label: `Filter the report to this ${grouped.group}`,
            run: () => filters.period(grouped.periods[r.i]!.since, grouped.periods[r.i]!.until),
            focusKey: `period-row-${grouped.periods[r.i]!.start}`,
          })
        : undefined,
    },
    col('requests'),
    col('total_tokens'),
    col('cost_usd'),
    col('accepted_lines'),
    col('commits'),
    col('merged_prs'),
  ];
  const rows = grouped.periods.map((_, i) => ({ i })).reverse();
  return h(
    'div',
    { id: 'periods', class: 'periods' },
    h('h3', null, grouped.group === 'week' ? 'By week (from Monday)' : 'By month'),
    dataTable(`Totals by ${grouped.group}`, columns, rows, (r) => grouped.periods[r.i]!.start),
    grouped.periods.some((p) => p.partial)
      ? h('p', { class: 'muted' }, 'A period marked “(part)” is cut by the report range: only its days inside the range count.')
      : null,
  );
}
