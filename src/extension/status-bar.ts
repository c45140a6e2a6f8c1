import * as vscode from 'vscode';
import { LocaleFormat } from '../core/locale-format';
import { usageSince } from '../core/overview/overview';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';
import { configuredZone } from './time-zone';

/** A part of the status bar item contributed by a feature (the collector, budgets). */
export interface StatusSection {
  /** Markdown lines for the tooltip. */
  tooltip(): string[];
  /** Short text appended to the status bar item, if any. */
  text?(): string | undefined;
  /** The same for screen readers, in words (the item's accessible name). */
  spoken?(): string | undefined;
  /** True when the section wants the warning background (a source went silent, 80 % of a budget). */
  warning?(): boolean;
  /** True when the section wants the error background (a budget used up). */
  error?(): boolean;
}

/**
 * The one ProdLens status bar item: today's totals (the developer's local day) and what features add
 * (budget share, a collector problem). The collector's address is in the tooltip, not the text. It opens
 * the database a moment after activation, never during it.
 */
export class StatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sections = new Set<StatusSection>();
  private timer: NodeJS.Timeout | undefined;
  private lastTotals = '';
  private lastSpoken = '';
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
    this.item.accessibilityInformation = { label: vscode.l10n.t('ProdLens: opening its database'), role: 'button' };
    this.item.show();
    const start = setTimeout(() => void this.attach(), this.openDelayMs);
    this._register(toDisposable(() => clearTimeout(start)));
    this._register(toDisposable(() => this.timer && clearTimeout(this.timer)));
    // "Today" changes at midnight even when nothing arrives.
    const tick = setInterval(() => this.refresh(), 60_000);
    this._register(toDisposable(() => clearInterval(tick)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.timeZone')) this.refresh();
      }),
    );
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

  /** The accessible name currently given to screen readers (integration tests read it). */
  get accessibleLabel(): string {
    return this.item.accessibilityInformation?.label ?? '';
  }

  /** The tooltip's Markdown (integration tests read it). */
  get tooltipText(): string {
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
  }

  /** The background colour id in use, if any (integration tests read it). */
  get background(): string | undefined {
    return this.item.backgroundColor?.id;
  }

  private async attach(): Promise<void> {
    if (this.isDisposed) return;
    try {
      const store = await this.services.store();
      this._register(store.onDidChange(() => this.refresh()));
      await this.update();
    } catch (err) {
      this.item.text = '$(warning) ProdLens';
      this.item.tooltip = vscode.l10n.t('ProdLens could not open its database: {0}', (err as Error).message);
      this.item.accessibilityInformation = { label: vscode.l10n.t('ProdLens could not open its database'), role: 'button' };
    }
  }

  private async update(): Promise<void> {
    if (this.isDisposed || !this.services.storeOpened) return this.render();
    const store = await this.services.store();
    const zone = configuredZone();
    const now = Date.now();
    const today = zone.dayOf(now);
    const t = usageSince(store, zone, today, now);
    const fmt = new LocaleFormat(vscode.env.language);
    this.lastTotals = vscode.l10n.t('{0} req · {1} tok · {2}', fmt.compact(t.requests), fmt.compact(t.totalTokens), fmt.usd(t.costUsd));
    this.lastSpoken = vscode.l10n.t('today {0} model requests, {1} tokens, {2}', fmt.integer(t.requests), fmt.integer(t.totalTokens), fmt.usd(t.costUsd));
    const unpriced = t.unpricedRequests ? vscode.l10n.t(' — {0} requests to models without a price are not counted', fmt.integer(t.unpricedRequests)) : '';
    this.lastTooltip = [
      vscode.l10n.t('**ProdLens — today ({0}, {1})**', fmt.day(today), zone.timeZone),
      '',
      vscode.l10n.t('Model requests: {0} ({1} failed)', fmt.integer(t.requests), fmt.integer(t.errors)),
      vscode.l10n.t('Tokens: {0} in + out, {1} cache', fmt.integer(t.totalTokens), fmt.integer(t.cacheTokens)),
      vscode.l10n.t('Cost: {0} ({1}){2}', fmt.usdPrecise(t.costUsd), this.services.prices.version, unpriced),
      vscode.l10n.t(
        'AI insertions: {0} ({1} kept, {2} accepted lines)',
        fmt.integer(t.insertions),
        fmt.integer(t.acceptedInsertions),
        fmt.integer(t.acceptedLines),
      ),
    ];
    this.render();
  }

  private render(): void {
    const sections = [...this.sections];
    const extra = sections.map((s) => s.text?.()).filter((x): x is string => !!x);
    this.item.text = ['$(pulse) ProdLens', this.lastTotals, ...extra].filter(Boolean).join(' · ');
    const spoken = [this.lastSpoken, ...sections.map((s) => s.spoken?.())].filter((x): x is string => !!x);
    this.item.accessibilityInformation = {
      label: `ProdLens${spoken.length ? `: ${spoken.join('; ')}` : ''}. ${vscode.l10n.t('Press Enter to show the report.')}`,
      role: 'button',
    };
    const md = new vscode.MarkdownString(
      [...this.lastTooltip, ...sections.flatMap((s) => ['', ...s.tooltip()]), '', vscode.l10n.t('Click to show the ProdLens report.')].join('\n\n'),
    );
    this.item.tooltip = md;
    const error = sections.some((s) => s.error?.());
    const warning = sections.some((s) => s.warning?.());
    this.item.backgroundColor = error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : warning
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
  }
}
