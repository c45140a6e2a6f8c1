import * as vscode from 'vscode';
import type { SourceHealth as LiveHealth } from '../../collector/staleness';
import type { LocaleFormat } from '../../core/locale-format';
import type { Overview } from '../../core/overview/overview';
import type { SourceHealthRow } from '../../core/overview/source-health';
import type { Node } from './tree';

/**
 * "Sources": when each source last sent data, silent ones first. `live` is the running collector's own
 * view (it notices an agent whose metrics stopped while its events continue), merged in when it has one.
 */
export function sourceRows(o: Overview, fmt: LocaleFormat, nowMs: number, live: LiveHealth[] = []): Node[] {
  return o.sources.map((s) =>
    sourceRow(
      s,
      live.find((l) => l.source === s.source),
      fmt,
      nowMs,
    ),
  );
}

function sourceRow(s: SourceHealthRow, live: LiveHealth | undefined, fmt: LocaleFormat, nowMs: number): Node {
  const silent = s.level === 'silent' || live?.level === 'stale';
  const item = new vscode.TreeItem(s.source, vscode.TreeItemCollapsibleState.None);
  item.id = `source.${s.source}`;
  const seen = s.lastSeenMs === null ? vscode.l10n.t('never') : fmt.ago(s.lastSeenMs, nowMs);
  let why = '';
  if (s.level === 'silent' && s.behind) why = vscode.l10n.t('silent: {0} behind {1}', fmt.duration(s.behind.gapMs), s.behind.source);
  else if (live?.level === 'stale') why = vscode.l10n.t('silent: {0}', live.detail);
  const state = silent ? why : s.level === 'active' ? vscode.l10n.t('active') : vscode.l10n.t('idle');
  item.description = `${state} · ${seen}`;
  item.iconPath = silent
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
    : s.level === 'active'
      ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon('circle-outline');
  const lines = [
    vscode.l10n.t('{0}: last data {1}', s.source, s.lastSeenMs === null ? seen : `${seen} (${new Date(s.lastSeenMs).toISOString()})`),
    vscode.l10n.t('{0} records received, {1} rejected', fmt.integer(s.recordsReceived), fmt.integer(s.deadLetters)),
  ];
  if (silent) {
    lines.push(
      s.behind
        ? vscode.l10n.t(
            '{0} keeps sending while this channel stopped: check the terminal environment (open a new terminal) or the agent’s telemetry settings.',
            s.behind.source,
          )
        : vscode.l10n.t('The agent’s events keep arriving but its metrics stopped.'),
    );
  }
  item.tooltip = lines.join('\n');
  item.contextValue = silent ? 'prodlens.source.silent' : 'prodlens.source';
  if (silent) item.command = { command: 'prodlens.showCollectorStatus', title: vscode.l10n.t('Show Collector Status') };
  item.accessibilityInformation = { label: vscode.l10n.t('Source {0}, {1}, last data {2}', s.source, state, seen), role: 'treeitem' };
  return { item };
}
