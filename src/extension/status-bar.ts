import * as vscode from 'vscode';
import { compactNumber, todayTotals } from '../core/report/today';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';

/** A line of the status bar tooltip contributed by a feature (e.g. the collector's port and sources). */
export interface StatusSection {
  /** Markdown lines for the tooltip. */
  tooltip(): string[];
  /** Short text appended to the status bar item, if any. */
  text?(): string | undefined;
  /** True when the section wants the warning background (e.g. a source went silent). */
  warning?(): boolean;
}

/**
 * The one ProdLens status bar item: today's totals (UTC day) and whatever features add (collector state,
 * sources' last data). It opens the database a moment after activation, never during it.
 */
export class StatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sections = new Set<StatusSection>();
  private timer: NodeJS.Timeout | undefined;
  private lastTotals = '';
  private lastTooltip: string[] = [];

  constructor(
    private readonly services: ProdLensServices,
    private readonly openDelayMs = 1500,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('prodlens.status', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'ProdLens';
    this.item.text = '$(pulse) ProdLens';
    this.item.command = 'prodlens.showReport';
    this.item.show();
    const start = setTimeout(() => void this.attach(), this.openDelayMs);
    this._register(toDisposable(() => clearTimeout(start)));
    this._register(toDisposable(() => this.timer && clearTimeout(this.timer)));
  }

  /** Adds a feature's section; returns a disposable that removes it. */
  addSection(section: StatusSection): vscode.Disposable {
    this.sections.add(section);
    this.render();
    return toDisposable(() => {
      this.sections.delete(section);
      this.render();
    });
  }

  /** Re-renders soon (debounced); features call this when their state changes. */
  refresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, 500);
  }

  /** The text currently shown (integration tests read it). */
  get text(): string {
    return this.item.text;
  }

  private async attach(): Promise<void> {
    if (this.isDisposed) return;
    try {
      const store = await this.services.store();
      this._register(store.onDidChange(() => this.refresh()));
      await this.update();
    } catch (err) {
      this.item.text = '$(warning) ProdLens';
      this.item.tooltip = `ProdLens could not open its database: ${(err as Error).message}`;
    }
  }

  private async update(): Promise<void> {
    if (this.isDisposed || !this.services.storeOpened) return this.render();
    const store = await this.services.store();
    const t = todayTotals(store, Date.now());
    this.lastTotals = `${compactNumber(t.requests)} req · ${compactNumber(t.tokens)} tok · $${t.costUsd.toFixed(2)}`;
    this.lastTooltip = [
      `**ProdLens — today (${t.day} UTC)**`,
      '',
      `Requests: ${t.requests} (${t.errors} errors)`,
      `Tokens: ${t.tokens.toLocaleString('en-US')} in+out, ${t.cacheTokens.toLocaleString('en-US')} cache`,
      `Cost: $${t.costUsd.toFixed(4)} (${this.services.prices.version})${t.unpricedRequests ? ` — ${t.unpricedRequests} request(s) with an unknown model are not priced` : ''}`,
      `AI edits: ${t.edits} (${t.acceptedEdits} accepted)`,
    ];
    this.render();
  }

  private render(): void {
    const extra = [...this.sections].map((s) => s.text?.()).filter((x): x is string => !!x);
    this.item.text = ['$(pulse) ProdLens', this.lastTotals, ...extra].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString([...this.lastTooltip, ...[...this.sections].flatMap((s) => ['', ...s.tooltip()]), '', 'Click to show the ProdLens report.'].join('\n\n'));
    this.item.tooltip = md;
    this.item.backgroundColor = [...this.sections].some((s) => s.warning?.()) ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}
