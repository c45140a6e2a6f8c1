import * as vscode from 'vscode';
import { budgetsOf, dueWarnings, evaluateBudgets, tightest, type BudgetPeriod, type BudgetStatus } from '../core/budget';
import { LocaleFormat } from '../core/locale-format';
import { usageSince } from '../core/overview/overview';
import { readConfig } from './config';
import { Disposable, toDisposable } from './lifecycle';
import { SHOW_PERIOD_COMMAND } from './report-panel';
import type { ProdLensServices } from './services';
import type { StatusBar } from './status-bar';
import { configuredZone } from './time-zone';

/** workspaceState key of the warnings already shown (the database, and so the usage, is per workspace). */
const SHOWN_KEY = 'prodlens.budget.warningsShown';
/** Warnings older than this many days are forgotten (a month's key must outlive the month). */
const KEEP_DAYS = 62;

/** A warning as shown (integration tests read them). */
export interface ShownWarning {
  key: string;
  message: string;
}

/**
 * Budgets (`prodlens.budget.*`): the share used in the status bar (warning colour from 80 %, error colour
 * from 100 %), and a notification once per period at 80 % and at 100 % with a button that opens the report
 * for the period. Which warnings were shown is kept in the workspace state, so a reload does not repeat them.
 */
export class BudgetMonitor extends Disposable {
  private statuses: BudgetStatus[] = [];
  private timer: NodeJS.Timeout | undefined;
  private watching = false;
  private evaluating: Promise<void> = Promise.resolve();
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  /** Fires after the statuses changed. */
  readonly onDidChange = this.emitter.event;
  /** Every warning shown in this session. */
  readonly shown: ShownWarning[] = [];

  constructor(
    private readonly services: ProdLensServices,
    private readonly statusBar: StatusBar,
  ) {
    super();
    this._register(
      vscode.commands.registerCommand('prodlens.configureBudget', () => vscode.commands.executeCommand('workbench.action.openSettings', 'prodlens.budget')),
    );
    this._register(
      statusBar.addSection({
        text: () => this.text(),
        spoken: () => this.spoken(),
        tooltip: () => this.tooltip(),
        warning: () => this.level() === 'warn',
        error: () => this.level() === 'over',
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.budget') || e.affectsConfiguration('prodlens.timeZone') || e.affectsConfiguration('prodlens.prices'))
          this.schedule(0);
      }),
    );
    // Periods roll over at midnight with nothing arriving; check now and then.
    const tick = setInterval(() => this.schedule(0), 60_000);
    this._register(toDisposable(() => clearInterval(tick)));
    this._register(toDisposable(() => this.timer && clearTimeout(this.timer)));
    // The status bar opens the database shortly after activation; budgets follow once it is open.
    const first = setTimeout(() => this.schedule(0), 2000);
    this._register(toDisposable(() => clearTimeout(first)));
  }

  /** Where each configured budget stands (empty without budgets). */
  get current(): BudgetStatus[] {
    return this.statuses;
  }

  /** Evaluates now (and shows due warnings); resolves when done. */
  evaluate(): Promise<void> {
    this.evaluating = this.evaluating.then(() => this.run()).catch((err: Error) => this.services.log('budget').warn(`cannot evaluate budgets: ${err.message}`));
    return this.evaluating;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.isDisposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.evaluate();
    }, delayMs);
  }

  private async run(): Promise<void> {
    if (this.isDisposed) return;
    const { unit, ...limits } = readConfig().budget;
    const budgets = budgetsOf(unit, limits);
    if (!budgets.length) {
      this.update([]);
      return;
    }
    // Budgets need the database: open it (the status bar does the same a moment after start).
    const store = await this.services.store();
    if (!this.watching) {
      this.watching = true;
      this._register(store.onDidChange(() => this.schedule(1000)));
    }
    const zone = configuredZone();
    const now = Date.now();
    const statuses = evaluateBudgets(budgets, zone.dayOf(now), (since) => usageSince(store, zone, since, now));
    this.update(statuses);
    await this.warn(statuses);
  }

  private update(statuses: BudgetStatus[]): void {
    const before = JSON.stringify(this.statuses);
    this.statuses = statuses;
    if (JSON.stringify(statuses) !== before) {
      this.statusBar.refresh();
      this.emitter.fire();
    }
  }

  private async warn(statuses: BudgetStatus[]): Promise<void> {
    const state = this.services.context.workspaceState;
    const remembered = state.get<Record<string, number>>(SHOWN_KEY, {});
    const due = dueWarnings(statuses, new Set(Object.keys(remembered)));
    if (!due.length) return;
    const now = Date.now();
    const kept = Object.fromEntries(Object.entries(remembered).filter(([, at]) => now - at < KEEP_DAYS * 86_400_000));
    for (const d of due) for (const k of d.keys) kept[k] = now;
    // Remember first: two windows or a quick re-evaluation must not show the same warning twice.
    await state.update(SHOWN_KEY, kept);
    const fmt = new LocaleFormat(vscode.env.language);
    for (const { status, keys } of due) {
      const message = warningMessage(status, fmt);
      this.shown.push({ key: keys[keys.length - 1]!, message });
      this.services.log('budget').info(message);
      void this.notify(status, message);
    }
  }

  private async notify(status: BudgetStatus, message: string): Promise<void> {
    const show = vscode.l10n.t('Show Report');
    const settings = vscode.l10n.t('Budget Settings');
    const pick = await (status.share >= 1
      ? vscode.window.showErrorMessage(message, show, settings)
      : vscode.window.showWarningMessage(message, show, settings));
    if (pick === show)
      await vscode.commands.executeCommand(SHOW_PERIOD_COMMAND, { since: status.since, until: status.until < todayOf() ? status.until : todayOf() });
    else if (pick === settings) await vscode.commands.executeCommand('prodlens.configureBudget');
  }

  private level(): 'ok' | 'warn' | 'over' {
    const t = tightest(this.statuses);
    if (!t || t.reached === null) return 'ok';
    return t.reached >= 1 ? 'over' : 'warn';
  }

  private text(): string | undefined {
    const t = tightest(this.statuses);
    if (!t) return undefined;
    const fmt = new LocaleFormat(vscode.env.language);
    return `${t.reached !== null ? '$(warning) ' : ''}${vscode.l10n.t('{0} of {1} budget', fmt.percent(t.share), periodWord(t.period))}`;
  }

  private spoken(): string | undefined {
    const t = tightest(this.statuses);
    if (!t) return undefined;
    const fmt = new LocaleFormat(vscode.env.language);
    return vscode.l10n.t('{0} of the {1} budget used', fmt.percent(t.share), periodWord(t.period));
  }

  private tooltip(): string[] {
    if (!this.statuses.length) return [];
    const fmt = new LocaleFormat(vscode.env.language);
    return [vscode.l10n.t('**Budgets**'), ...this.statuses.map((s) => `${s.reached !== null ? '⚠️ ' : ''}${budgetLine(s, fmt)}`)];
  }
}

function todayOf(): string {
  return configuredZone().dayOf(Date.now());
}

function periodWord(p: BudgetPeriod): string {
  return p === 'daily' ? vscode.l10n.t('daily') : p === 'weekly' ? vscode.l10n.t('weekly') : vscode.l10n.t('monthly');
}

function amount(s: BudgetStatus, v: number, fmt: LocaleFormat): string {
  return s.unit === 'usd' ? fmt.usd(v) : vscode.l10n.t('{0} tokens', fmt.integer(v));
}

/** "Daily budget", "Weekly budget", "Monthly budget". */
export function budgetName(p: BudgetPeriod): string {
  return p === 'daily' ? vscode.l10n.t('Daily budget') : p === 'weekly' ? vscode.l10n.t('Weekly budget') : vscode.l10n.t('Monthly budget');
}

/** "$4.10 of $5.00 (82%)". */
export function budgetUse(s: BudgetStatus, fmt: LocaleFormat): string {
  return vscode.l10n.t('{0} of {1} ({2})', amount(s, s.used, fmt), amount(s, s.limit, fmt), fmt.percent(s.share));
}

/** "Daily budget: $4.10 of $5.00 (82%)". */
export function budgetLine(s: BudgetStatus, fmt: LocaleFormat): string {
  const line = `${budgetName(s.period)}: ${budgetUse(s, fmt)}`;
  return s.unpricedRequests ? `${line}${vscode.l10n.t(' — {0} requests without a price not counted', fmt.integer(s.unpricedRequests))}` : line;
}

function warningMessage(s: BudgetStatus, fmt: LocaleFormat): string {
  return s.share >= 1
    ? vscode.l10n.t(
        'ProdLens: you have used up your {0} budget: {1} of {2} ({3}).',
        periodWord(s.period),
        amount(s, s.used, fmt),
        amount(s, s.limit, fmt),
        fmt.percent(s.share),
      )
    : vscode.l10n.t(
        'ProdLens: you have used {0} of your {1} budget: {2} of {3}.',
        fmt.percent(s.share),
        periodWord(s.period),
        amount(s, s.used, fmt),
        amount(s, s.limit, fmt),
      );
}

export function registerBudget(services: ProdLensServices, statusBar: StatusBar): BudgetMonitor {
  return new BudgetMonitor(services, statusBar);
}
