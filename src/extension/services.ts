import path from 'node:path';
import * as vscode from 'vscode';
import { BundledPriceTable, type PriceTable } from '../core/pricing';
import { scoped, type Logger } from '../core/ports';
import { SqlJsLoader } from '../core/store/node-sqljs';
import { Store } from '../core/store/store';
import { pruneToRetention } from '../core/store/retention-prune';
import { utcDay } from '../core/day';
import { FolderAttributor } from '../sources/git/attribution';
import { GitRunner } from '../sources/git/node-git';
import { readConfig } from './config';
import { Disposable, toDisposable } from './lifecycle';
import { configuredZone } from './time-zone';

/**
 * What every feature of the extension shares: the log, settings, the price table, and the workspace's
 * database, opened lazily on first use (WASM is not loaded during activation).
 */
export class ProdLensServices extends Disposable {
  private storePromise: Promise<Store> | undefined;
  private readonly sql = new SqlJsLoader();
  private priceTable: PriceTable | undefined;
  private attributorCache: FolderAttributor | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly logger: Logger,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.prices')) this.priceTable = undefined;
        if (e.affectsConfiguration('prodlens.timeZone') && this.storePromise) {
          // Recompute local days before the views that listen to the same event read the store.
          void this.storePromise
            .then((store) => store.setTimeZone(configuredZone().timeZone))
            .catch((err: Error) => this.logger.warn(`[store] time zone not applied: ${err.message}`));
        }
        if (e.affectsConfiguration('prodlens.developerId') || e.affectsConfiguration('git.path')) this.attributorCache = undefined;
      }),
    );
    this._register(toDisposable(() => void this.closeStore()));
    // Trust granted: git may run now.
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => (this.attributorCache = undefined)));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => (this.attributorCache = undefined)));
  }

  /**
   * Developer, repository and branch of a folder, for rows whose source names none (transcripts, agent
   * histories, editor insertions): `prodlens.developerId`, else git. No git in an untrusted workspace (a
   * repository's configuration can make git run programs): then only the setting is used.
   */
  get attributor(): FolderAttributor {
    if (!this.attributorCache) {
      const cfg = readConfig();
      const trusted = vscode.workspace.isTrusted;
      const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? null;
      this.attributorCache = new FolderAttributor({
        git: trusted ? new GitRunner(cfg.git.path) : null,
        developerOverride: cfg.developerId || null,
        fallbackFolder: folder,
      });
    }
    return this.attributorCache;
  }

  /** The database file: in the workspace storage folder, or global storage when no folder is open. */
  get dbPath(): string {
    const base = this.context.storageUri ?? this.context.globalStorageUri;
    return path.join(base.fsPath, 'prodlens.sqlite');
  }

  log(component: string): Logger {
    return scoped(this.logger, component);
  }

  get prices(): PriceTable {
    this.priceTable ??= new BundledPriceTable(readConfig().prices, 'prodlens.prices.overrides');
    return this.priceTable;
  }

  /** Opens the database on first call; tells the user when a damaged file was repaired. */
  private retentionTimer: NodeJS.Timeout | undefined;

  store(): Promise<Store> {
    this.storePromise ??= this.openStore();
    return this.storePromise;
  }

  /** Whether the database has been opened (features that only read should not force it open). */
  get storeOpened(): boolean {
    return this.storePromise !== undefined;
  }

  private async openStore(): Promise<Store> {
    const started = Date.now();
    try {
      const store = await Store.open({ path: this.dbPath, sql: await this.sql.load(), logger: this.log('store'), timeZone: configuredZone().timeZone });
      this.logger.info(`[store] opened ${this.dbPath} in ${Date.now() - started} ms`);
      this.applyRetention(store);
      this.retentionTimer ??= setInterval(() => void this.storePromise?.then((s) => this.applyRetention(s)), 6 * 3600_000);
      this.retentionTimer.unref?.();
      for (const m of store.openReport.movedAside) {
        void vscode.window.showWarningMessage(
          store.openReport.loadedFrom === 'backup'
            ? vscode.l10n.t(
                'ProdLens: the database file was damaged ({0}). It was moved to {1} and rebuilt from the previous snapshot.',
                m.reason,
                path.basename(m.movedTo),
              )
            : vscode.l10n.t(
                'ProdLens: the database file was damaged ({0}). It was moved to {1} and rebuilt from the journal.',
                m.reason,
                path.basename(m.movedTo),
              ),
        );
      }
      return store;
    } catch (err) {
      this.storePromise = undefined;
      this.logger.error(`[store] cannot open ${this.dbPath}: ${(err as Error).message}`);
      throw err;
    }
  }

  /** `prodlens.retention.days` (0 = keep everything): deletes records older than that many days. */
  private applyRetention(store: Store): void {
    const days = vscode.workspace.getConfiguration('prodlens').get<number>('retention.days', 0);
    if (!Number.isInteger(days) || days < 1) return;
    try {
      const r = pruneToRetention(store, days, utcDay(Date.now()));
      const n = Object.values(r.deleted).reduce((a, b) => a + b, 0);
      if (n) this.logger.info(`[store] retention ${days} days: deleted ${n} row(s) dated before ${r.keptFrom}`);
    } catch (err) {
      this.logger.error(`[store] retention failed: ${(err as Error).message}`);
    }
  }

  private async closeStore(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.retentionTimer = undefined;
    const p = this.storePromise;
    this.storePromise = undefined;
    if (p) await (await p).close();
  }

  /** Flushes and closes the database (deactivate awaits this so nothing is lost). */
  async shutdown(): Promise<void> {
    await this.closeStore();
  }
}
