import * as vscode from 'vscode';
import { gitFolderOf } from '../collector/git-folder';
import type { CollectorServer } from '../collector/server';
import type { WorkspaceVcs } from '../collector/node-git-workspace';
import { setupText, terminalEnvironment } from '../collector/setup';
import { assessSources, type SourceHealth } from '../collector/staleness';
import { readConfig } from './config';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';
import type { StatusBar } from './status-bar';
import { applyTerminalEnvironment, clearTerminalEnvironment } from './terminal-env';

/** SecretStorage key of the collector's bearer token. */
export const TOKEN_SECRET = 'prodlens.collector.token';

const NO_VCS: WorkspaceVcs = { repoUrl: null, repo_slug: null, branch: null };

/**
 * The collector inside VS Code: started just after activation (never during it; the database opens on the
 * first request), restarted when its settings change, its token kept in SecretStorage, its state shown in
 * the status bar, and new integrated terminals pointed at it.
 */
export class CollectorFeature extends Disposable {
  private server: CollectorServer | undefined;
  private token: string | undefined;
  private vcs: WorkspaceVcs = NO_VCS;
  /** The developer given to records that name none (prodlens.developerId, else git user.email; null when unknown). */
  private developer: string | null = null;
  private lastError: string | undefined;
  private wantedPort: number | undefined;
  private queue: Promise<void> = Promise.resolve();
  private down = false;
  private readonly log;

  constructor(
    private readonly services: ProdLensServices,
    private readonly statusBar: StatusBar,
  ) {
    super();
    this.log = services.log('collector');
    this._register(vscode.commands.registerCommand('prodlens.copyCollectorSetup', () => this.copySetup()));
    this._register(vscode.commands.registerCommand('prodlens.rotateCollectorToken', () => this.rotateToken()));
    this._register(vscode.commands.registerCommand('prodlens.showCollectorStatus', () => this.showStatus()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.collector')) void this.restart();
      }),
    );
    // Trusting the workspace allows git: learn its repository and branch for records and terminals.
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart()));
    this._register(
      statusBar.addSection({
        text: () => this.statusText(),
        spoken: () => this.spokenStatus(),
        tooltip: () => this.tooltip(),
        warning: () => this.sources().some((s) => s.level === 'stale'),
      }),
    );
    // Ages in the status bar move with time; the branch may change under us.
    const tick = setInterval(() => void this.refreshVcs().finally(() => this.statusBar.refresh()), 30_000);
    this._register(toDisposable(() => clearInterval(tick)));
    this._register(toDisposable(() => void this.stopServer()));
    // Start once activation has returned.
    const start = setTimeout(() => void this.restart(), 0);
    this._register(toDisposable(() => clearTimeout(start)));
  }

  /** Stops the server for good (deactivate awaits this before closing the database). */
  shutdown(): Promise<void> {
    this.down = true;
    this.queue = this.queue.then(() => this.stopServer());
    return this.queue;
  }

  /** The running server (integration tests read its port and health). */
  get running(): CollectorServer | undefined {
    return this.server;
  }

  /** Stops and, if enabled, starts again (settings changed or token rotated). Calls are serialized. */
  restart(): Promise<void> {
    this.queue = this.queue.then(async () => {
      await this.stopServer();
      if (this.isDisposed || this.down) return;
      const cfg = readConfig().collector;
      if (!cfg.enabled) {
        clearTerminalEnvironment(this.services.context.environmentVariableCollection);
        this.statusBar.refresh();
        return;
      }
      try {
        await this.startServer(cfg.port);
        this.lastError = undefined;
      } catch (err) {
        this.lastError = (err as Error).message;
        this.log.error(`cannot start: ${this.lastError}`);
        clearTerminalEnvironment(this.services.context.environmentVariableCollection);
      }
      this.statusBar.refresh();
    });
    return this.queue;
  }

  private async startServer(port: number): Promise<void> {
    // Loaded here rather than at activation: the server pulls in protobufjs and the normalizers.
    const [{ CollectorServer }, { defaultNormalizers }, { readWorkspaceVcs }] = await Promise.all([
      import('../collector/server'),
      import('../collector/normalizers'),
      import('../collector/node-git-workspace'),
    ]);
    this.token = await this.getOrCreateToken();
    const folder = gitFolder();
    this.vcs = folder ? await readWorkspaceVcs(folder, readConfig().git.path) : NO_VCS;
    this.developer = await this.services.attributor.developer();
    const server = new CollectorServer({
      token: this.token,
      port,
      fallbackToFreePort: true,
      store: () => this.services.store(),
      normalizers: defaultNormalizers(),
      prices: () => this.services.prices,
      defaults: () => ({ repo_slug: this.vcs.repo_slug, branch: this.vcs.branch, developer_id: this.developer }),
      logger: this.services.logger,
      version: String(this.services.context.extension.packageJSON.version ?? 'unknown'),
    });
    this.wantedPort = port;
    await server.start();
    this.server = server;
    server.activity.onDidChange(() => this.statusBar.refresh());
    this.applyEnvironment();
  }

  /** Stops the server; the terminal environment stays (persisted for the next window, refreshed on start). */
  private async stopServer(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await s.stop();
  }

  private applyEnvironment(): void {
    const collection = this.services.context.environmentVariableCollection;
    const cfg = readConfig().collector;
    if (!this.server?.endpoint || !this.token || !cfg.terminalEnvironment) return clearTerminalEnvironment(collection);
    applyTerminalEnvironment(collection, this.environment(), this.server.endpoint);
  }

  private environment(): Record<string, string> {
    return terminalEnvironment(
      {
        endpoint: this.server!.endpoint!,
        token: this.token!,
        protocol: readConfig().collector.protocol,
        repoUrl: this.vcs.repoUrl,
        branch: this.vcs.branch,
        existingResourceAttributes: process.env.OTEL_RESOURCE_ATTRIBUTES,
      },
      process.env,
    );
  }

  private async refreshVcs(): Promise<void> {
    // The developer setting or the workspace's trust may have changed since the server started.
    if (this.server) this.developer = await this.services.attributor.developer();
    const folder = gitFolder();
    if (!this.server || !folder) return;
    const { readWorkspaceVcs } = await import('../collector/node-git-workspace');
    const next = await readWorkspaceVcs(folder, readConfig().git.path);
    if (next.branch !== this.vcs.branch || next.repoUrl !== this.vcs.repoUrl) {
      this.vcs = next;
      this.applyEnvironment();
    }
  }

  private async getOrCreateToken(): Promise<string> {
    const secrets = this.services.context.secrets;
    const existing = await secrets.get(TOKEN_SECRET);
    if (existing) return existing;
    const { generateToken } = await import('../collector/auth');
    const token = generateToken();
    await secrets.store(TOKEN_SECRET, token);
    this.log.info('generated a new collector token (kept in VS Code secret storage)');
    return token;
  }

  private async rotateToken(): Promise<void> {
    const { generateToken } = await import('../collector/auth');
    await this.services.context.secrets.store(TOKEN_SECRET, generateToken());
    await this.restart();
    this.log.info('collector token rotated');
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'ProdLens: collector token rotated. New integrated terminals get the new token; agents already running, and setups copied before, must be restarted or updated.',
      ),
    );
  }

  private async copySetup(): Promise<void> {
    if (!this.server?.endpoint || !this.token) {
      void vscode.window.showWarningMessage(
        this.lastError
          ? vscode.l10n.t('ProdLens: the collector is not running; it failed to start: {0}.', this.lastError)
          : vscode.l10n.t('ProdLens: the collector is not running; it is turned off (setting prodlens.collector.enabled).'),
      );
      return;
    }
    await vscode.env.clipboard.writeText(
      setupText({
        endpoint: this.server.endpoint,
        token: this.token,
        protocol: readConfig().collector.protocol,
        repoUrl: this.vcs.repoUrl,
        branch: this.vcs.branch,
      }),
    );
    void vscode.window.showInformationMessage(
      vscode.l10n.t('ProdLens: collector setup copied (shell exports, Codex config.toml block, LiteLLM snippet). It contains the token: keep it private.'),
    );
  }

  private async showStatus(): Promise<void> {
    const items: Array<vscode.QuickPickItem & { run?: () => unknown }> = [];
    if (this.server?.endpoint) {
      items.push({ label: vscode.l10n.t('$(radio-tower) Listening on {0}', this.server.endpoint), detail: this.portNote() });
      for (const s of this.sources()) items.push({ label: `${s.level === 'stale' ? '$(warning)' : '$(pass)'} ${s.source}`, detail: s.detail });
      if (!this.sources().length)
        items.push({
          label: vscode.l10n.t('$(info) No data received yet'),
          detail: vscode.l10n.t('Start an agent in a new integrated terminal, or use Copy Collector Setup for other terminals.'),
        });
    } else {
      items.push({
        label: vscode.l10n.t('$(circle-slash) Collector not running'),
        detail: this.lastError ?? vscode.l10n.t('Turned off by prodlens.collector.enabled'),
      });
    }
    items.push({ label: vscode.l10n.t('$(copy) Copy Collector Setup'), run: () => this.copySetup() });
    items.push({ label: vscode.l10n.t('$(key) Rotate Collector Token'), run: () => this.rotateToken() });
    items.push({ label: vscode.l10n.t('$(output) Show Log'), run: () => vscode.commands.executeCommand('prodlens.showLog') });
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('ProdLens Collector') });
    await pick?.run?.();
  }

  /** What the running collector sees of each source (empty when it is not running). */
  liveSources(): SourceHealth[] {
    return this.sources();
  }

  private sources(): SourceHealth[] {
    return this.server ? assessSources(this.server.activity.snapshot(), Date.now()) : [];
  }

  private portNote(): string | undefined {
    const p = this.server?.port;
    if (p === undefined || this.wantedPort === undefined || this.wantedPort === 0 || p === this.wantedPort) return undefined;
    return vscode.l10n.t('Port {0} was busy; using {1}.', this.wantedPort, p);
  }

  /**
   * Only problems reach the status bar text (a collector that failed to start, a source gone silent); the
   * address and each source's last data are in the tooltip, where they do not take the bar's room.
   */
  private statusText(): string | undefined {
    if (!this.server) return this.lastError ? vscode.l10n.t('$(warning) collector') : undefined;
    return this.sources().some((s) => s.level === 'stale') ? vscode.l10n.t('$(warning) telemetry') : undefined;
  }

  private spokenStatus(): string | undefined {
    if (!this.server) return this.lastError ? vscode.l10n.t('the collector is not running') : vscode.l10n.t('the collector is off');
    const stale = this.sources()
      .filter((s) => s.level === 'stale')
      .map((s) => s.source);
    return stale.length ? vscode.l10n.t('telemetry stopped from {0}', stale.join(', ')) : vscode.l10n.t('collector running');
  }

  private tooltip(): string[] {
    if (!this.server) {
      return [
        this.lastError ? vscode.l10n.t('**Collector**: not running — {0}', this.lastError) : vscode.l10n.t('**Collector**: off (prodlens.collector.enabled)'),
      ];
    }
    const note = this.portNote();
    const lines = [
      note
        ? vscode.l10n.t('**Collector** on `{0}` — {1}', this.server.endpoint ?? '', note)
        : vscode.l10n.t('**Collector** on `{0}`', this.server.endpoint ?? ''),
    ];
    const sources = this.sources();
    if (!sources.length) lines.push(vscode.l10n.t('No data received yet.'));
    for (const s of sources) lines.push(`${s.level === 'stale' ? '⚠️' : '•'} ${s.source}: ${s.detail}`);
    lines.push(vscode.l10n.t('Run "ProdLens: Show Collector Status" for setup and token actions.'));
    return lines;
  }
}

/** The folder the collector may run git in (see gitFolderOf): none while the workspace is untrusted. */
function gitFolder(): string | undefined {
  return gitFolderOf(vscode.workspace.isTrusted, vscode.workspace.workspaceFolders);
}

/** Starts the collector feature; activate() calls this once. */
export function registerCollector(services: ProdLensServices, statusBar: StatusBar): CollectorFeature {
  return new CollectorFeature(services, statusBar);
}
