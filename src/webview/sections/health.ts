import type { ReportModel, SourceHealth } from '../../core/report/model';
import { whoLine } from '../../core/report/who';
import { h } from '../dom';
import { formatCount, formatInstant, formatRange } from '../shared/format';
import { dataTable, section, type Column } from './section';

/** Data health: per source when data last arrived and how much today, dead letters with their reasons. */
export function healthSection(model: ReportModel): HTMLElement {
  const now = model.generatedAt;
  const columns: Column<SourceHealth>[] = [
    { key: 'source', label: 'Source', cell: (s) => s.source },
    { key: 'lastEventAt', label: 'Newest record', cell: (s) => formatInstant(s.lastEventAt, now) },
    { key: 'lastReceivedAt', label: 'Last received', cell: (s) => formatInstant(s.lastReceivedAt, now) },
    { key: 'eventsToday', label: 'Events today', numeric: true, cell: (s) => formatCount(s.eventsToday) },
    { key: 'recordsReceived', label: 'Records received', numeric: true, cell: (s) => formatCount(s.recordsReceived) },
    { key: 'deadLetters', label: 'Dead letters', numeric: true, cell: (s) => formatCount(s.deadLetters) },
  ];
  const cov = model.coverage;
  const span = (label: string, s: { first: string; last: string } | null) => h('li', null, `${label}: `, s ? formatRange(s.first, s.last) : 'never measured');
  const dl = model.health.deadLetters;
  return section(
    'health',
    'Data health',
    h(
      'p',
      { id: 'health-summary' },
      `${formatCount(model.health.eventsToday)} events today (UTC), ${formatCount(model.health.totalEvents)} records received in total. Costs are estimated with the price table `,
      h('strong', { id: 'price-table' }, model.health.priceTable),
      ' where a source does not report them.',
    ),
    h('ul', { class: 'coverage' }, span('AI activity measured', cov.ai), span('Commits synced', cov.commits), span('Pull requests synced', cov.pullRequests)),
    model.attribution
      ? h(
          'div',
          { id: 'attribution' },
          h('p', null, whoLine(model.attribution)),
          model.attribution.notes.length
            ? h(
                'ul',
                { class: 'attribution-notes' },
                model.attribution.notes.map((n) => h('li', null, n)),
              )
            : null,
        )
      : null,
    model.health.sources.length
      ? dataTable('When each source last sent data', columns, model.health.sources, (s) => s.source)
      : h('p', { class: 'muted' }, 'No source has sent anything yet.'),
    dl.total === 0
      ? h('p', { id: 'dead-letters', class: 'muted' }, 'No dead letters: every record received could be read.')
      : h(
          'details',
          { id: 'dead-letters', class: 'dead-letters' },
          h('summary', { 'data-focus-key': 'dead-letters' }, `${formatCount(dl.total)} dead letters — records that could not be read. Show reasons`),
          h('h3', null, 'Reasons'),
          dataTable(
            'Dead letters by reason',
            [
              { key: 'reason', label: 'Reason', cell: (r: { reason: string; count: number }) => r.reason },
              { key: 'count', label: 'Count', numeric: true, cell: (r) => formatCount(r.count) },
            ],
            dl.byReason,
            (r) => r.reason,
          ),
          h('h3', null, `Most recent (${dl.recent.length})`),
          h(
            'ol',
            { class: 'letters' },
            dl.recent.map((d) =>
              h(
                'li',
                { class: 'letter' },
                h('div', null, h('strong', null, d.reason)),
                h('div', { class: 'muted' }, `${d.source} · received ${formatInstant(d.receivedAt, now)}`),
                h('div', { class: 'letter-detail muted' }, d.detail),
              ),
            ),
          ),
        ),
  );
}

/** Plain-language definitions of the numbers and of every daily series. */
export function definitionsSection(model: ReportModel): HTMLElement {
  const title = (k: string) => k.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
  return section(
    'definitions',
    'Definitions',
    h(
      'details',
      { id: 'definitions-details' },
      h('summary', { 'data-focus-key': 'definitions' }, 'How the numbers are defined'),
      h(
        'dl',
        null,
        Object.entries(model.definitions).map(([k, v]) => [h('dt', null, title(k)), h('dd', null, v)]),
      ),
      h('h3', null, 'Daily series'),
      h(
        'dl',
        null,
        model.seriesInfo.map((s) => [h('dt', null, s.label), h('dd', null, s.description)]),
      ),
    ),
  );
}
