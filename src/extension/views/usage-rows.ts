import * as vscode from 'vscode';
import type { BudgetStatus } from '../../core/budget';
import type { LocaleFormat } from '../../core/locale-format';
import { budgetName, budgetUse } from '../budget';
import type { Overview, PeriodUsage } from '../../core/overview/overview';
import { SHOW_PERIOD_COMMAND } from '../report-panel';
import { row, type Node } from './tree';

/**
 * "Usage": today and this week, each a summary row whose children are the numbers one by one, then the
 * budgets, if any are set.
 */
export function usageRows(o: Overview, fmt: LocaleFormat, budgets: BudgetStatus[] = []): Node[] {
  const rows = [
    period('today', vscode.l10n.t('Today'), vscode.l10n.t('{0}', fmt.day(o.today.since)), o.today, fmt, vscode.TreeItemCollapsibleState.Expanded),
    period('week', vscode.l10n.t('This week'), vscode.l10n.t('since {0}', fmt.day(o.week.since)), o.week, fmt, vscode.TreeItemCollapsibleState.Collapsed),
  ];
  for (const b of budgets) rows.push(budgetRow(b, fmt, o.today.until));
  return rows;
}

function budgetRow(b: BudgetStatus, fmt: LocaleFormat, today: string): Node {
  const name = budgetName(b.period);
  const use = budgetUse(b, fmt);
  const icon =
    b.reached === null
      ? new vscode.ThemeIcon('dashboard')
      : new vscode.ThemeIcon(b.reached >= 1 ? 'error' : 'warning', new vscode.ThemeColor(b.reached >= 1 ? 'list.errorForeground' : 'list.warningForeground'));
  const node = row(name, use, vscode.l10n.t('{0}: {1} used. Press Enter to open the report for the period.', name, use), {
    icon,
    id: `budget.${b.period}.${b.unit}`,
  });
  node.item.command = {
    command: SHOW_PERIOD_COMMAND,
    title: vscode.l10n.t('Show Report'),
    arguments: [{ since: b.since, until: b.until < today ? b.until : today }],
  };
  return node;
}

function period(id: string, label: string, when: string, p: PeriodUsage, fmt: LocaleFormat, state: vscode.TreeItemCollapsibleState): Node {
  const t = p.totals;
  const item = new vscode.TreeItem(label, state);
  item.id = `usage.${id}`;
  item.description = vscode.l10n.t('{0} · {1} req · {2} tok · {3}', when, fmt.compact(t.requests), fmt.compact(t.totalTokens), fmt.usd(t.costUsd));
  item.iconPath = new vscode.ThemeIcon(id === 'today' ? 'calendar' : 'history');
  item.tooltip = vscode.l10n.t('{0} ({1}): click to open the report for these days.', label, when);
  item.command = { command: SHOW_PERIOD_COMMAND, title: vscode.l10n.t('Show Report'), arguments: [{ since: p.since, until: p.until }] };
  item.accessibilityInformation = {
    label: vscode.l10n.t(
      '{0}, {1}: {2} model requests, {3} tokens, {4}, {5} accepted AI lines',
      label,
      when,
      fmt.integer(t.requests),
      fmt.integer(t.totalTokens),
      fmt.usd(t.costUsd),
      fmt.integer(t.acceptedLines),
    ),
    role: 'treeitem',
  };
  const errors = t.errors ? vscode.l10n.t('{0} failed', fmt.integer(t.errors)) : '';
  const unpriced = t.unpricedRequests ? vscode.l10n.t('{0} requests to models without a price are not counted', fmt.integer(t.unpricedRequests)) : '';
  const children = [
    row(
      vscode.l10n.t('Model requests'),
      [fmt.integer(t.requests), errors].filter(Boolean).join(' · '),
      vscode.l10n.t('{0} model requests{1}', fmt.integer(t.requests), errors ? `, ${errors}` : ''),
      { icon: new vscode.ThemeIcon('pulse'), id: `usage.${id}.requests` },
    ),
    row(
      vscode.l10n.t('Tokens'),
      vscode.l10n.t('{0} in + out · {1} cache', fmt.integer(t.totalTokens), fmt.compact(t.cacheTokens)),
      vscode.l10n.t('{0} input and output tokens, {1} cache tokens', fmt.integer(t.totalTokens), fmt.integer(t.cacheTokens)),
      { icon: new vscode.ThemeIcon('symbol-number'), id: `usage.${id}.tokens` },
    ),
    row(
      vscode.l10n.t('Cost'),
      [fmt.usd(t.costUsd), unpriced].filter(Boolean).join(' · '),
      vscode.l10n.t('Cost {0}{1}', fmt.usdPrecise(t.costUsd), unpriced ? `; ${unpriced}` : ''),
      {
        icon: new vscode.ThemeIcon(t.unpricedRequests ? 'warning' : 'credit-card'),
        id: `usage.${id}.cost`,
      },
    ),
    row(
      vscode.l10n.t('Accepted AI lines'),
      vscode.l10n.t('{0} · {1} of {2} insertions kept', fmt.integer(t.acceptedLines), fmt.integer(t.acceptedInsertions), fmt.integer(t.insertions)),
      vscode.l10n.t(
        '{0} accepted AI lines; {1} of {2} AI insertions kept',
        fmt.integer(t.acceptedLines),
        fmt.integer(t.acceptedInsertions),
        fmt.integer(t.insertions),
      ),
      { icon: new vscode.ThemeIcon('pass'), id: `usage.${id}.lines` },
    ),
  ];
  return { item, children };
}
