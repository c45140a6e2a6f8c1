import * as vscode from 'vscode';
import { isDayKey } from '../core/day';
import { buildReportAsync } from '../core/report/build';
import { configuredZone } from './time-zone';
import type { ReportModel } from '../core/report/model';
import { makeNonce, webviewHtml } from '../webview/shared/page-html';
import { parseViewState, type ReportCommandId, type ViewFilter } from '../webview/shared/protocol';
import { readConfig } from './config';
import { Disposable, toDisposable } from './lifecycle';
import { ReportController } from './report-controller';
import type { ProdLensServices } from './services';

/** The webview panel type (also the `onWebviewPanel:` activation event and the serializer's key). */
export const REPORT_VIEW_TYPE = 'prodlens.report';

/** Opens the report on a period: `{ since, until, repo?, developer?, source?, model? }` (inclusive days). */
export const SHOW_PERIOD_COMMAND = 'prodlens.showReportForPeriod';

/** The view filter for a period command's argument; anything malformed opens the default report. */
export function periodFilter(args: unknown): ViewFilter | undefined {
  const a = (args ?? {}) as Record<string, unknown>;
  const day = (v: unknown) => (typeof v === 'string' && isDayKey(v) ? v : null);
  const dim = (v: unknown) => (typeof v === 'string' || v === null ? (v as string | null) : null);
  const since = day(a.since);
  const until = day(a.until) ?? since;
  if (!since || !until) return undefined;
  return { period: 'custom', since, until, repo: dim(a.repo), developer: dim(a.developer), source: dim(a.source), model: dim(a.model) };
}

/** New events are coalesced for this long before the open report is rebuilt. */
const LIVE_UPDATE_MS = 1000;

const COMMAND_LABELS: Record<ReportCommandId, string> = {
  'prodlens.copyCollectorSetup': 'Copy Collector Setup',
  'prodlens.rescanTranscripts': 'Rescan Agent Transcripts',
};

/**
 * "ProdLens: Show Report": one report panel, revealed if already open, restored after a window reload by
 * a serializer (the page's saved filter comes back with it).
 */
export class ReportPanels extends Disposable {
  private current: ReportPanel | undefined;

  constructor(private readonly services: ProdLensServices) {
    super();
    this._register(vscode.commands.registerCommand('prodlens.showReport', () => void this.show()));
    // From the ProdLens view, budget warnings and links: the report on given local days (and dimensions).
    this._register(vscode.commands.registerCommand(SHOW_PERIOD_COMMAND, (args?: unknown) => void this.show(periodFilter(args))));
    this._register(
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => void this.adopt(panel, state),
      }),
    );
    this._register(toDisposable(() => this.current?.dispose()));
  }

  /** The open panel, if any (integration tests reach it through the extension's API). */
  get panel(): ReportPanel | undefined {
    return this.current;
  }

  /** Opens (or reveals) the report; with a filter, shows that filter (the page keeps it as its own). */
  show(filter?: ViewFilter): ReportPanel {
    if (this.current && !this.current.isDisposed) {
      this.current.panel.reveal();
      if (filter) void this.current.controller.showFilter(filter);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, vscode.l10n.t('ProdLens Report'), vscode.ViewColumn.Active, {
      ...webviewOptions(this.services.context.extensionUri),
      enableFindWidget: true,
    });
    const p = this.adopt(panel, undefined);
    if (filter) void p.controller.showFilter(filter);
    return p;
  }

  private adopt(panel: vscode.WebviewPanel, state: unknown): ReportPanel {
    this.current?.dispose();
    const p = new ReportPanel(panel, this.services, state);
    this.current = p;
    p.onDispose(() => {
      if (this.current === p) this.current = undefined;
    });
    return p;
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** One report panel: the page, its protocol controller, and live updates while it is visible. */
export class ReportPanel extends Disposable {
  readonly controller: ReportController;
  private timer: NodeJS.Timeout | undefined;
  private stale = false;
  private last: ReportModel | undefined;
  private readonly disposeListeners: Array<() => void> = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: ProdLensServices,
    state: unknown,
  ) {
    super();
    const ext = services.context.extensionUri;
    const log = services.log('report');
    panel.webview.options = webviewOptions(ext);
    panel.iconPath = vscode.Uri.joinPath(ext, 'media', 'report.svg');
    this.controller = new ReportController(
      {
        post: (m) => {
          if (m.type === 'report') this.last = m.model;
          return panel.webview.postMessage(m);
        },
        buildModel: async (filter, signal) => {
          const store = await services.store();
          // The zone setting may have changed a moment ago: local days follow it (a no-op when unchanged).
          store.setTimeZone(configuredZone().timeZone);
          const { report } = readConfig();
          const developer = await services.attributor.developer();
          // The host also serves the collector and the UI: the build lets the event loop turn between queries.
          return buildReportAsync(
            store,
            filter,
            { prices: services.prices, nowMs: Date.now(), analysis: { lags: report.lags, minPairs: report.minPairs }, developer },
            signal,
          );
        },
        runCommand: (c) => this.runCommand(c),
        now: () => Date.now(),
        dayOf: (ms) => configuredZone().dayOf(ms),
        logger: services.logger,
      },
      parseViewState(state).filter,
    );
    this._register(panel.webview.onDidReceiveMessage((m) => void this.controller.handle(m)));
    this._register(
      panel.onDidChangeViewState(() => {
        // A hidden page is usually discarded and sends `ready` again when shown (answered with a fresh
        // model); if it was kept, the catch-up refresh below updates it. Either way nothing is stale.
        if (panel.visible && this.stale) this.schedule(0);
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.report') || e.affectsConfiguration('prodlens.prices') || e.affectsConfiguration('prodlens.timeZone'))
          this.schedule(0);
      }),
    );
    this._register(toDisposable(() => this.timer && clearTimeout(this.timer)));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(toDisposable(() => panel.dispose()));
    void this.watchStore().catch((err) => log.warn(`live updates are off: ${(err as Error).message}`));
    const asUri = (...p: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(ext, ...p)).toString();
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview.js'),
      styleUri: asUri('dist', 'webview.css'),
      locale: vscode.env.language,
    });
  }

  /** The model last posted to the page (integration tests compare the rendered page with it). */
  get lastModel(): ReportModel | undefined {
    return this.last;
  }

  onDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    for (const l of this.disposeListeners.splice(0)) l();
  }

  private async watchStore(): Promise<void> {
    const store = await this.services.store();
    if (this.isDisposed) return;
    this._register(store.onDidChange(() => this.schedule(LIVE_UPDATE_MS)));
  }

  /** Coalesces changes; only a visible panel rebuilds, a hidden one catches up when shown. */
  private schedule(delayMs: number): void {
    if (!this.panel.visible) {
      this.stale = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.isDisposed) return;
      if (!this.panel.visible) {
        this.stale = true;
        return;
      }
      this.stale = false;
      void this.controller.refresh();
    }, delayMs);
  }

  private async runCommand(command: ReportCommandId): Promise<{ ok: boolean; message: string }> {
    const label = vscode.l10n.t(COMMAND_LABELS[command]);
    const available = await vscode.commands.getCommands(true);
    if (!available.includes(command)) return { ok: false, message: vscode.l10n.t('“ProdLens: {0}” is not available in this version of ProdLens.', label) };
    await vscode.commands.executeCommand(command);
    return { ok: true, message: vscode.l10n.t('Ran “ProdLens: {0}”.', label) };
  }
}

/** Registers the Show Report command and the panel serializer. */
export function registerReportPanel(services: ProdLensServices): ReportPanels {
  return new ReportPanels(services);
}
