import * as vscode from 'vscode';
import type { LocaleFormat } from '../../core/locale-format';
import type { Overview, OverviewSession } from '../../core/overview/overview';
import { SHOW_PERIOD_COMMAND } from '../report-panel';
import type { Node } from './tree';

const AGENT_NAMES: Record<string, string> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  'copilot-cli': 'Copilot CLI',
  copilot: 'Copilot',
  cline: 'Cline',
  'roo-code': 'Roo Code',
  'kilo-code': 'Kilo Code',
  cursor: 'Cursor',
  litellm: 'LiteLLM',
};

/** An agent's name as its makers write it. */
export function agentName(agent: string | null): string {
  return agent ? (AGENT_NAMES[agent] ?? agent) : vscode.l10n.t('Unknown agent');
}

/** "Recent sessions": one row per agent session, newest first; selecting one opens the report on its day. */
export function sessionRows(o: Overview, fmt: LocaleFormat): Node[] {
  return o.sessions.map((s) => sessionRow(s, o.timeZone, fmt));
}

function sessionRow(s: OverviewSession, timeZone: string, fmt: LocaleFormat): Node {
  const agent = agentName(s.agent);
  const model = s.model ? (s.modelCount > 1 ? vscode.l10n.t('{0} +{1}', s.model, s.modelCount - 1) : s.model) : vscode.l10n.t('model unknown');
  // The sidebar is narrow: sessions are found by when they ran and with what, so the label is the start and
  // the agent; the model (without its release date), size and cost follow in the description, and the
  // tooltip and spoken label have everything in full.
  const start = fmt.weekdayTime(s.startMs, timeZone);
  const duration = fmt.duration(s.endMs - s.startMs);
  const item = new vscode.TreeItem(`${start} · ${agent}`, vscode.TreeItemCollapsibleState.None);
  item.id = `session.${s.sessionId}`;
  const parts = [
    shortModel(model),
    duration,
    vscode.l10n.t('{0} req', fmt.integer(s.requests)),
    vscode.l10n.t('{0} tok', fmt.compact(s.totalTokens)),
    fmt.usd(s.costUsd),
  ];
  if (s.repoSlug) parts.push(s.repoSlug);
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon('comment-discussion', s.errors ? new vscode.ThemeColor('list.warningForeground') : undefined);
  item.contextValue = 'prodlens.session';
  item.command = { command: SHOW_PERIOD_COMMAND, title: vscode.l10n.t('Show Report for This Day'), arguments: [{ since: s.day, until: s.day }] };
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(agent)}** · ${escape(model)}\n\n`);
  md.appendMarkdown(
    [
      [vscode.l10n.t('Started'), fmt.dateTime(s.startMs, timeZone)],
      [vscode.l10n.t('Duration'), duration],
      [vscode.l10n.t('Model requests'), s.errors ? vscode.l10n.t('{0} ({1} failed)', fmt.integer(s.requests), fmt.integer(s.errors)) : fmt.integer(s.requests)],
      [vscode.l10n.t('Tokens'), vscode.l10n.t('{0} in + out, {1} cache', fmt.integer(s.totalTokens), fmt.integer(s.cacheTokens))],
      [
        vscode.l10n.t('Cost'),
        s.unpricedRequests
          ? vscode.l10n.t('{0} ({1} requests without a price)', fmt.usdPrecise(s.costUsd), fmt.integer(s.unpricedRequests))
          : fmt.usdPrecise(s.costUsd),
      ],
      [vscode.l10n.t('Repository'), s.repoSlug ?? '—'],
      [vscode.l10n.t('Sources'), s.sources.join(', ')],
    ]
      .map(([k, v]) => `${escape(k!)}: ${escape(v!)}`)
      .join('  \n'),
  );
  md.appendMarkdown(`\n\n${escape(vscode.l10n.t('Select to open the report on {0}.', fmt.day(s.day)))}`);
  item.tooltip = md;
  item.accessibilityInformation = {
    label: vscode.l10n.t(
      '{0} session with {1}, started {2}, lasted {3}: {4} model requests, {5} tokens, {6}{7}. Press Enter to open the report for that day.',
      agent,
      model,
      fmt.dateTime(s.startMs, timeZone),
      duration,
      fmt.integer(s.requests),
      fmt.integer(s.totalTokens),
      fmt.usd(s.costUsd),
      s.repoSlug ? vscode.l10n.t(', in {0}', s.repoSlug) : '',
    ),
    role: 'treeitem',
  };
  return { item };
}

/** `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`: model names without their release-date suffix. */
export function shortModel(model: string): string {
  return model.replace(/-(20\d{2})-?(\d{2})-?(\d{2})(?=$| )/, '');
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
