/**
 * The period's agent sessions: agent, model, start, duration, requests, tokens, cost, repository. The
 * start filters the report to that session's day, the repository to that repository.
 */
import type { ReportModel, SessionRow } from '../../core/report/model';
import { h } from '../dom';
import { formatCount, formatDuration, formatStart, formatValue } from '../shared/format';
import { dataTable, section, type Column } from './section';
import type { RowFilters } from './tables';

export function sessionsSection(model: ReportModel, filters?: RowFilters): HTMLElement | null {
  const rows = model.sessions;
  if (!rows) return null;
  const columns: Column<SessionRow>[] = [
    { key: 'agent', label: 'Agent', cell: (r) => r.agent ?? '(unknown agent)' },
    { key: 'model', label: 'Model', cell: (r) => (r.model ?? '(none)') + (r.modelCount > 1 ? ` +${r.modelCount - 1}` : '') },
    {
      key: 'start',
      label: 'Start (UTC)',
      cell: (r) => formatStart(r.start),
      action: filters
        ? (r) => ({ label: 'Filter the report to this day', run: () => filters.period(r.day, r.day), focusKey: `session-day-${r.sessionId}` })
        : undefined,
    },
    { key: 'duration', label: 'Duration', numeric: true, cell: (r) => formatDuration(r.durationMs) },
    { key: 'requests', label: 'Requests', numeric: true, cell: (r) => formatCount(r.requests) },
    { key: 'totalTokens', label: 'Tokens', numeric: true, cell: (r) => formatCount(r.totalTokens) },
    { key: 'costUsd', label: 'Cost', numeric: true, cell: (r) => formatValue(r.costUsd, 'usd') + (r.unpricedRequests ? ' *' : '') },
    {
      key: 'repo',
      label: 'Repository',
      cell: (r) => r.repo ?? '(none)',
      action: filters && ((r) => ({ label: 'Filter the report to this repository', run: () => filters.repo(r.repo), focusKey: `session-repo-${r.sessionId}` })),
    },
  ];
  const total = model.sessionsTotal ?? rows.length;
  const unpriced = rows.some((r) => r.unpricedRequests);
  return section(
    'sessions',
    'Sessions',
    rows.length
      ? h(
          'p',
          { class: 'muted', id: 'sessions-note' },
          total > rows.length
            ? `The newest ${formatCount(rows.length)} of ${formatCount(total)} agent sessions in this period.`
            : `${formatCount(total)} agent session${total === 1 ? '' : 's'} in this period, newest first.`,
          filters ? ' Select a start to see that day, a repository to see only it.' : null,
        )
      : null,
    rows.length
      ? h(
          'div',
          { class: 'table-scroll' },
          dataTable('Agent sessions in this period', columns, rows, (r) => r.sessionId),
        )
      : h('p', { class: 'muted' }, 'No agent sessions in this period.'),
    unpriced ? h('p', { class: 'muted' }, '* Some requests went to models the price table does not know; they are not in the cost.') : null,
  );
}
