import * as vscode from 'vscode';
import type { SourceHealth as LiveHealth } from '../../collector/staleness';
import type { BudgetMonitor } from '../budget';
import { Disposable } from '../lifecycle';
import type { ProdLensServices } from '../services';
import { OverviewSource } from './overview-source';
import { sessionRows } from './session-rows';
import { sourceRows } from './source-rows';
import { OverviewTree } from './tree';
import { usageRows } from './usage-rows';

/** View ids (package.json `contributes.views.prodlens`). */
export const VIEW_IDS = { usage: 'prodlens.usage', sessions: 'prodlens.sessions', sources: 'prodlens.sources' } as const;

/**
 * The ProdLens view container in the activity bar: usage today and this week, recent agent sessions, and
 * source health — native trees, so keyboard navigation, screen readers and themes work as everywhere else.
 */
export class ProdLensViews extends Disposable {
  readonly source: OverviewSource;
  readonly usage: OverviewTree;
  readonly sessions: OverviewTree;
  readonly sources: OverviewTree;

  constructor(services: ProdLensServices, liveSources: () => LiveHealth[], budget: BudgetMonitor) {
    super();
    this.source = this._register(new OverviewSource(services));
    this.usage = this._register(new OverviewTree(VIEW_IDS.usage, this.source, (o, fmt) => usageRows(o, fmt, budget.current)));
    this._register(budget.onDidChange(() => this.source.invalidate(0)));
    this.sessions = this._register(new OverviewTree(VIEW_IDS.sessions, this.source, (o, fmt) => sessionRows(o, fmt)));
    this.sources = this._register(new OverviewTree(VIEW_IDS.sources, this.source, (o, fmt, now) => sourceRows(o, fmt, now, liveSources())));
    this._register(vscode.commands.registerCommand('prodlens.refreshViews', () => this.source.invalidate(0)));
  }
}

export function registerViews(services: ProdLensServices, liveSources: () => LiveHealth[], budget: BudgetMonitor): ProdLensViews {
  return new ProdLensViews(services, liveSources, budget);
}
