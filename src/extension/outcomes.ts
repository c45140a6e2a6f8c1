import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { AUTO_GIT_JOB, AUTO_GITHUB_JOB, dueParts } from '../sources/outcomes/schedule';
import type { WorkspaceSyncResult } from '../sources/outcomes/workspace-sync';
import { readConfig } from './config';
import { vscodeGitHubAuth, type GitHubAuth } from './github-auth';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';

export const SYNC_OUTCOMES_COMMAND = 'prodlens.syncOutcomes';

/** What the feature depends on beyond the services; tests and the integration suite replace these. */
export interface OutcomesDeps {
  auth?: GitHubAuth;
  /** Delay before the first background run after activation (activation itself stays instant). */
  startupDelayMs?: number;
  /** How often the background schedule is checked. */
  checkEveryMs?: number;
  now?: () => number;
}

/**
 * "ProdLens: Sync Git and GitHub" and the background outcome sync.
 * - The command syncs every workspace folder's git history, then GitHub for repositories whose origin is
 *   on the configured host, with a cancellable progress notification; it may ask to sign in to GitHub.
 * - Background: 30 s after startup (never during activation) the git part runs when
 *   `prodlens.git.autoSync` is on; the GitHub part runs daily when `prodlens.github.backgroundSync` is on,
 *   with an existing sign-in only (enabling the setting asks for it once). Checked hourly.
 * - Nothing runs git in an untrusted workspace.
 */
export function registerOutcomes(services: ProdLensServices, deps: OutcomesDeps = {}): vscode.Disposable & OutcomesApi {
  return new OutcomesFeature(services, deps);
}

/** The outcome sync's surface in the extension's API (integration tests). */
export interface OutcomesApi {
  /**
   * Replaces where the GitHub token comes from until the returned disposable is disposed. The suite runs
   * the real command with an auth that answers "not signed in" instead of VS Code's sign-in, whose modal
   * prompt nobody could answer in a test (desktop VS Code shows it; code-server has no GitHub provider).
   */
  overrideGitHubAuth(auth: GitHubAuth): vscode.Disposable;
}

class OutcomesFeature extends Disposable implements OutcomesApi {
  private auth: GitHubAuth;
  private readonly log: Logger;
  private running: Promise<WorkspaceSyncResult | undefined> | undefined;
  private readonly now: () => number;
  /** Cancels a background run when the extension shuts down. */
  private readonly background = new AbortController();

  constructor(
    private readonly services: ProdLensServices,
    deps: OutcomesDeps,
  ) {
    super();
    this.auth = deps.auth ?? vscodeGitHubAuth();
    this.log = services.log('outcomes');
    this.now = deps.now ?? Date.now;
    this._register(vscode.commands.registerCommand(SYNC_OUTCOMES_COMMAND, () => this.runWithProgress()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.github.backgroundSync') && readConfig().github.backgroundSync) void this.backgroundEnabled();
      }),
    );
    const startup = setTimeout(() => void this.tick(true), deps.startupDelayMs ?? 30_000);
    const hourly = setInterval(() => void this.tick(false), deps.checkEveryMs ?? 3_600_000);
    startup.unref?.();
    hourly.unref?.();
    this._register(
      toDisposable(() => {
        clearTimeout(startup);
        clearInterval(hourly);
        this.background.abort();
      }),
    );
  }

  overrideGitHubAuth(auth: GitHubAuth): vscode.Disposable {
    const previous = this.auth;
    this.auth = auth;
    return toDisposable(() => {
      if (this.auth === auth) this.auth = previous;
    });
  }

  /** The command: everything, with progress and cancel; may show GitHub's sign-in. */
  private async runWithProgress(): Promise<WorkspaceSyncResult | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ProdLens: syncing Git and GitHub'), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          const result = await this.run({ git: true, github: true, interactive: true }, controller.signal, (message, increment) =>
            progress.report({ message, increment }),
          );
          if (result) this.report(result, controller.signal.aborted);
          return result;
        } catch (err) {
          void vscode.window.showErrorMessage(vscode.l10n.t('ProdLens: the sync failed: {0}', (err as Error).message));
          this.log.error(`sync failed: ${(err as Error).stack ?? err}`);
          return undefined;
        } finally {
          sub.dispose();
        }
      },
    );
  }

  /** Runs one sync after any sync in progress (they share the database and the rate limit). */
  private run(parts: { git: boolean; github: boolean; interactive: boolean }, signal?: AbortSignal, onProgress?: (m: string, inc: number) => void) {
    const previous = this.running ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(() => (signal?.aborted ? undefined : this.doRun(parts, signal, onProgress)));
    this.running = next;
    void next
      .finally(() => {
        if (this.running === next) this.running = undefined;
      })
      .catch(() => {});
    return next;
  }

  private async doRun(
    parts: { git: boolean; github: boolean; interactive: boolean },
    signal?: AbortSignal,
    onProgress?: (m: string, inc: number) => void,
  ): Promise<WorkspaceSyncResult | undefined> {
    if (!vscode.workspace.isTrusted) {
      if (parts.interactive)
        void vscode.window.showWarningMessage(vscode.l10n.t('ProdLens does not run git in an untrusted workspace. Trust the workspace to sync outcomes.'));
      return undefined;
    }
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    if (!folders.length) {
      if (parts.interactive) void vscode.window.showInformationMessage(vscode.l10n.t('ProdLens: open a folder with a git repository to sync outcomes.'));
      return undefined;
    }
    const cfg = readConfig();
    const store = await this.services.store();
    // Loaded on first sync, not at activation (Octokit and the sync code are not needed before).
    const [{ syncWorkspace }, { GitRunner }] = await Promise.all([import('../sources/outcomes/workspace-sync'), import('../sources/git/node-git')]);
    const apiUrl = cfg.github.apiUrl;
    const result = await syncWorkspace(store, {
      folders,
      git: new GitRunner(cfg.git.path),
      developer: cfg.developerId || null,
      github: parts.github ? { apiUrl, tokenSource: this.auth.describe(apiUrl), getToken: () => this.auth.getToken(apiUrl, parts.interactive) } : undefined,
      signal,
      logger: this.log,
      onProgress,
    });
    const at = new Date(this.now()).toISOString();
    if (parts.git) store.setCheckpoint(AUTO_GIT_JOB, at);
    if (parts.github) store.setCheckpoint(AUTO_GITHUB_JOB, at);
    for (const s of result.skipped) this.log.info(s);
    for (const e of result.errors) this.log.warn(e);
    this.log.info(summaryLine(result));
    return result;
  }

  /** The background schedule: runs whatever is due; failures only go to the log. */
  private async tick(startup: boolean): Promise<void> {
    const cfg = readConfig();
    if (!cfg.git.autoSync && !cfg.github.backgroundSync) return;
    if (!vscode.workspace.isTrusted || !vscode.workspace.workspaceFolders?.length || this.running) return;
    try {
      const store = await this.services.store();
      const due = dueParts(
        { gitAutoSync: cfg.git.autoSync, githubBackgroundSync: cfg.github.backgroundSync },
        this.now(),
        {
          git: store.getLastCheckpoint(AUTO_GIT_JOB),
          github: store.getLastCheckpoint(AUTO_GITHUB_JOB),
        },
        startup,
      );
      // The git part always runs before GitHub: GitHub needs to know which repositories are on it.
      if (due.git || due.github) await this.run({ git: true, github: due.github, interactive: false }, this.background.signal);
    } catch (err) {
      this.log.warn(`background sync failed: ${(err as Error).message}`);
    }
  }

  /** Background sync was just switched on: ask for the GitHub sign-in now, once, then sync. */
  private async backgroundEnabled(): Promise<void> {
    const apiUrl = readConfig().github.apiUrl;
    const token = await this.auth.getToken(apiUrl, true);
    if (!token) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('ProdLens: background GitHub sync needs {0}; it will skip GitHub until you sign in.', this.auth.describe(apiUrl)),
      );
      return;
    }
    await this.tick(false);
  }

  private report(r: WorkspaceSyncResult, cancelled: boolean): void {
    const text = cancelled ? vscode.l10n.t('ProdLens: sync cancelled — {0}', summaryLine(r)) : vscode.l10n.t('ProdLens: {0}', summaryLine(r));
    if (r.errors.length) void vscode.window.showWarningMessage(`${text} ${r.errors.join(' ')}`);
    else
      void vscode.window.showInformationMessage(
        r.skipped.some((s) => /not signed in/.test(s)) ? `${text} ${vscode.l10n.t('GitHub skipped: not signed in.')}` : text,
      );
  }
}

function summaryLine(r: WorkspaceSyncResult): string {
  const commits = r.git.reduce((n, g) => n + g.inserted, 0) + r.github.reduce((n, g) => n + g.commits_inserted, 0);
  const prs = r.github.reduce((n, g) => n + g.pulls_changed, 0);
  const days = r.git.reduce((n, g) => n + g.days_refreshed, 0) + r.github.reduce((n, g) => n + g.days_refreshed, 0);
  return r.git.length === 1
    ? vscode.l10n.t('1 repository read: {0} new commit(s), {1} pull request(s) changed, {2} day(s) refreshed.', commits, prs, days)
    : vscode.l10n.t('{0} repositories read: {1} new commit(s), {2} pull request(s) changed, {3} day(s) refreshed.', r.git.length, commits, prs, days);
}
