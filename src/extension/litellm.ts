import * as vscode from 'vscode';
import { LiteLlmProxyError } from '../sources/litellm/proxy-client';
import { syncLiteLlmProxy, type LiteLlmSyncSummary } from '../sources/litellm/proxy-sync';
import { readConfig } from './config';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';

/**
 * The opt-in LiteLLM proxy pull in VS Code. Off until the user sets `prodlens.litellm.proxyUrl` (a user
 * setting only — application scope — so a workspace cannot send the key to a server of its choosing) and
 * stores a key with "ProdLens: Set LiteLLM Proxy Key" (SecretStorage, the OS keychain; never a setting).
 * Then the spend logs are pulled a minute after startup and every hour, and on "ProdLens: Sync LiteLLM
 * Proxy Spend Logs" (progress, cancellable). Nothing else touches the network.
 */
export const LITELLM_KEY_SECRET = 'prodlens.litellm.proxyKey';
const FIRST_SYNC_MS = 60_000;
const EVERY_MS = 60 * 60_000;

/** The test surface: store a key without the input box, run a sync and get its summary. */
export interface LiteLlmApi {
  setKey(key: string | undefined): Promise<void>;
  sync(): Promise<LiteLlmSyncSummary | undefined>;
}

export class LiteLlmFeature extends Disposable implements LiteLlmApi {
  private readonly log;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<LiteLlmSyncSummary | undefined> | undefined;
  /** Warned once per URL+key about a rejected key, not every hour. */
  private warnedAuth = false;

  constructor(private readonly services: ProdLensServices) {
    super();
    this.log = services.log('litellm');
    this._register(vscode.commands.registerCommand('prodlens.setLiteLlmProxyKey', () => this.askKey()));
    this._register(vscode.commands.registerCommand('prodlens.syncLiteLlmProxy', () => this.syncWithProgress()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.litellm')) this.schedule(FIRST_SYNC_MS);
      }),
    );
    this._register(toDisposable(() => this.timer && clearTimeout(this.timer)));
    this.schedule(FIRST_SYNC_MS);
  }

  private get url(): string {
    return readConfig().litellm.proxyUrl;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.warnedAuth = false;
    if (!this.url || this.isDisposed) return;
    this.timer = setTimeout(() => {
      void this.backgroundSync().finally(() => this.schedule(EVERY_MS));
    }, ms);
    this.timer.unref?.();
  }

  async setKey(key: string | undefined): Promise<void> {
    if (key) await this.services.context.secrets.store(LITELLM_KEY_SECRET, key);
    else await this.services.context.secrets.delete(LITELLM_KEY_SECRET);
    this.schedule(FIRST_SYNC_MS);
  }

  private async askKey(): Promise<void> {
    const key = await vscode.window.showInputBox({
      title: vscode.l10n.t('ProdLens: LiteLLM proxy key'),
      prompt: vscode.l10n.t(
        'A key of your team’s LiteLLM proxy that may read spend logs. Kept in the OS keychain, never in settings. Leave empty to remove it.',
      ),
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return;
    await this.setKey(key.trim() || undefined);
    if (key.trim() && !this.url) {
      const open = await vscode.window.showInformationMessage(
        vscode.l10n.t('ProdLens: key stored. Set the proxy URL (prodlens.litellm.proxyUrl) to start pulling spend logs.'),
        vscode.l10n.t('Open Settings'),
      );
      if (open) await vscode.commands.executeCommand('workbench.action.openSettings', 'prodlens.litellm.proxyUrl');
    }
  }

  /** Resolves with the summary, or undefined when not configured or failed (the reason is shown/logged). */
  sync(signal?: AbortSignal, onProgress?: (page: number, pages: number) => void): Promise<LiteLlmSyncSummary | undefined> {
    this.running ??= this.run(signal, onProgress).finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(signal?: AbortSignal, onProgress?: (page: number, pages: number) => void): Promise<LiteLlmSyncSummary | undefined> {
    const url = this.url;
    const key = await this.services.context.secrets.get(LITELLM_KEY_SECRET);
    if (!url || !key) return undefined;
    const store = await this.services.store();
    const s = await syncLiteLlmProxy(store, {
      url,
      key,
      prices: this.services.prices,
      journal: true,
      signal,
      logger: this.log,
      keyHint: 'run “ProdLens: Set LiteLLM Proxy Key”',
      onProgress: onProgress && ((p) => onProgress(p.page, p.pages)),
    });
    this.warnedAuth = false;
    return s;
  }

  private async backgroundSync(): Promise<void> {
    try {
      await this.sync();
    } catch (err) {
      this.log.warn((err as Error).message);
      if (err instanceof LiteLlmProxyError && err.kind === 'auth' && !this.warnedAuth) {
        this.warnedAuth = true;
        void vscode.window.showWarningMessage(`ProdLens: ${err.message}`);
      }
    }
  }

  private syncWithProgress(): Thenable<LiteLlmSyncSummary | undefined> {
    if (!this.url) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('ProdLens: set prodlens.litellm.proxyUrl (your team’s LiteLLM proxy) and a key first; nothing is pulled until you do.'),
      );
      return Promise.resolve(undefined);
    }
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ProdLens: pulling LiteLLM spend logs'), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        if (!(await this.services.context.secrets.get(LITELLM_KEY_SECRET))) {
          await this.askKey();
          if (!(await this.services.context.secrets.get(LITELLM_KEY_SECRET))) return undefined;
        }
        let last = 0;
        try {
          const s = await this.sync(controller.signal, (page, pages) => {
            const pct = Math.floor((page / Math.max(1, pages)) * 100);
            if (pct > last) {
              progress.report({ increment: pct - last, message: vscode.l10n.t('page {0} of {1}', page, pages) });
              last = pct;
            }
          });
          if (s) void vscode.window.showInformationMessage(vscode.l10n.t('ProdLens: {0} LiteLLM spend-log row(s) read, {1} new.', s.rows, s.inserted));
          return s;
        } catch (err) {
          const cancelled = err instanceof LiteLlmProxyError && err.kind === 'cancelled';
          if (!cancelled) void vscode.window.showErrorMessage(`ProdLens: ${(err as Error).message}`);
          return undefined;
        }
      },
    );
  }
}

export function registerLiteLlm(services: ProdLensServices): LiteLlmFeature {
  return new LiteLlmFeature(services);
}
