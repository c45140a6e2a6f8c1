import { h, type Child } from '../dom';

/** A report section: a landmark labelled by its heading. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { id, class: 'report-section', 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...children);
}

export interface Column<R> {
  key: string;
  label: string;
  numeric?: boolean;
  cell: (row: R) => string;
}

/** A plain data table (not sortable); numbers right-aligned. */
export function dataTable<R>(caption: string, columns: Column<R>[], rows: R[], rowKey: (r: R) => string): HTMLTableElement {
  return h(
    'table',
    { class: 'data' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)))),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          { 'data-row': rowKey(r) },
          columns.map((c, i) => h(i === 0 ? 'th' : 'td', { class: c.numeric ? 'num' : null, 'data-col': c.key, scope: i === 0 ? 'row' : null }, c.cell(r))),
        ),
      ),
    ),
  );
}
