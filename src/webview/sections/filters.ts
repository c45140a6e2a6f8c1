import type { ReportModel } from '../../core/report/model';
import { h } from '../dom';
import { formatRange } from '../shared/format';
import type { ViewFilter } from '../shared/protocol';
import type { Capabilities } from '../transport';

const PERIOD_LABEL: Record<string, string> = { '7': '7 days', '30': '30 days', '90': '90 days', all: 'All' };

/** Option values encode null (all) and '' (records without one) unambiguously. */
const encode = (v: string | null) => JSON.stringify(v);
const decode = (s: string) => JSON.parse(s) as string | null;

/** The filter bar: period buttons and a custom range, repository, developer, source and model. */
export function filterBar(model: ReportModel, filter: ViewFilter, caps: Capabilities, onChange: (f: ViewFilter) => void): HTMLElement {
  const periodButtons = caps.presets.map((p) =>
    h(
      'button',
      {
        type: 'button',
        class: 'seg',
        'aria-pressed': String(filter.period === p),
        'data-period': p,
        'data-focus-key': `period-${p}`,
        on: { click: () => onChange({ ...filter, period: p }) },
      },
      p === 'all' && !caps.customPeriod ? 'Exported range' : PERIOD_LABEL[p]!,
    ),
  );
  const custom = caps.customPeriod ? customRange(model, filter, onChange) : null;
  const select = (id: 'repo' | 'developer' | 'source' | 'model', label: string, all: string, options: Array<string | null>) => {
    const value = filter[id];
    const values = [...options];
    if (value !== null && !values.some((o) => (o ?? '') === value)) values.push(value === '' ? null : value);
    return h(
      'label',
      { class: 'field' },
      h('span', null, label),
      h(
        'select',
        {
          id: `filter-${id}`,
          'data-focus-key': `filter-${id}`,
          disabled: !caps.dimensions,
          'aria-describedby': caps.note ? 'filter-note' : null,
          on: { change: (e) => onChange({ ...filter, [id]: decode((e.target as HTMLSelectElement).value) }) },
        },
        h('option', { value: encode(null), selected: value === null }, all),
        values.map((o) => h('option', { value: encode(o ?? ''), selected: value !== null && value === (o ?? '') }, o ?? `(no ${label.toLowerCase()})`)),
      ),
    );
  };
  return h(
    'div',
    { class: 'filters', role: 'group', 'aria-label': 'Report filters' },
    h(
      'div',
      { class: 'field period', role: 'group', 'aria-labelledby': 'period-label' },
      h('span', { id: 'period-label' }, 'Period'),
      h('div', { class: 'segmented' }, periodButtons),
      custom,
    ),
    select('repo', 'Repository', 'All repositories', model.options.repos),
    select('developer', 'Developer', 'All developers', model.options.developers),
    h(
      'label',
      { class: 'field check', title: 'Off: your own commits and pull requests (the personal report). On: every author’s.' },
      h('input', {
        type: 'checkbox',
        id: 'filter-all-developers',
        'data-focus-key': 'filter-all-developers',
        checked: !!filter.allDevelopers,
        disabled: !caps.dimensions,
        on: { change: (e) => onChange({ ...filter, allDevelopers: (e.target as HTMLInputElement).checked || undefined }) },
      }),
      h('span', null, 'Team outcomes (all developers’ commits and PRs)'),
    ),
    select('source', 'Source', 'All sources', model.options.sources),
    model.options.models ? select('model', 'Model', 'All models', model.options.models) : null,
    caps.note ? h('p', { class: 'muted note', id: 'filter-note' }, caps.note) : null,
  );
}

function customRange(model: ReportModel, filter: ViewFilter, onChange: (f: ViewFilter) => void): HTMLElement {
  const isCustom = filter.period === 'custom';
  const since = h('input', { type: 'date', id: 'custom-since', 'data-focus-key': 'custom-since', value: filter.since ?? model.filter.since, required: true });
  const until = h('input', { type: 'date', id: 'custom-until', 'data-focus-key': 'custom-until', value: filter.until ?? model.filter.until, required: true });
  const error = h('span', { class: 'error', role: 'alert' });
  const apply = () => {
    if (!since.value || !until.value) return void (error.textContent = 'Choose both days.');
    if (since.value > until.value) return void (error.textContent = 'The first day is after the last day.');
    onChange({ ...filter, period: 'custom', since: since.value, until: until.value });
  };
  return h(
    'div',
    { class: 'custom-range' },
    h(
      'button',
      {
        type: 'button',
        class: 'seg',
        'aria-pressed': String(isCustom),
        'aria-expanded': String(isCustom),
        'aria-controls': 'custom-fields',
        'data-period': 'custom',
        'data-focus-key': 'period-custom',
        on: { click: () => onChange({ ...filter, period: 'custom', since: filter.since ?? model.filter.since, until: filter.until ?? model.filter.until }) },
      },
      'Custom',
    ),
    h(
      'span',
      { id: 'custom-fields', class: isCustom ? 'custom-fields' : 'custom-fields hidden' },
      h('label', { for: 'custom-since' }, 'From '),
      since,
      h('label', { for: 'custom-until' }, ' to '),
      until,
      h('button', { type: 'button', class: 'secondary', 'data-focus-key': 'custom-apply', on: { click: apply } }, 'Apply'),
      error,
      h('span', { class: 'sr-only' }, `Currently ${formatRange(model.filter.since, model.filter.until)}`),
    ),
  );
}
