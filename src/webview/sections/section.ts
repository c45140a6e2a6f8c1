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
  /**
   * Makes the cell a button that filters the report (a model, repository, developer or day): its label
   * says what a click does. Absent, or returning null, for plain text.
   */
  action?: (row: R) => { label: string; run: () => void; focusKey: string } | null;
}

/** A plain data table (not sortable); numbers right-aligned. */
export function dataTable<R>(caption: string, columns: Column<R>[], rows: R[], rowKey: (r: R) => string): HTMLTableElement {
  return h(
    'table',
    { class: 'data' },
    h('caption', { class: 'sr-only' }, caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          { 'data-row': rowKey(r) },
          columns.map((c, i) =>
            h(i === 0 ? 'th' : 'td', { class: c.numeric ? 'num' : null, 'data-col': c.key, scope: i === 0 ? 'row' : null }, cellContent(c, r)),
          ),
        ),
      ),
    ),
  );
}

function cellContent<R>(c: Column<R>, r: R): Child {
  const text = c.cell(r);
  const a = c.action?.(r);
  if (!a) return text;
  return h(
    'button',
    { type: 'button', class: 'link', title: a.label, 'aria-label': `${text}: ${a.label}`, 'data-focus-key': a.focusKey, on: { click: a.run } },
    text,
  );
}
