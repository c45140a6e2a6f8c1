import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { formatAge } from '../collector/staleness';
import { sourcesLastSeen, type SourceLastSeen } from '../core/store/source-status-repo';
import {
  collectHistoryFiles,
  HISTORY_SOURCE,
  historyRoots,
  reconcileHistoryCopies,
  scanHistoryFiles,
  type HistoryFile,
  type HistoryLocationEnv,
} from '../sources/agents';
import { collectFiles, defaultRoots, reconcileOtelCopies, scanFiles, type ScanSummary, type TranscriptFile } from '../sources/transcripts';
import { readConfig } from './config';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';
import type { StatusBar } from './status-bar';

/** Quiet time after the last change before a watched transcript is read. */
const DEBOUNCE_MS = 1500;
/** A full pass (stat only for unchanged files) as a safety net for missed watcher events. */
const POLL_MS = 5 * 60_000;

/**
 * Live capture from Claude Code and Codex transcripts: an initial scan after activation (not blocking it),
 * watchers on the transcript folders that read just the changed files, and the command
 * "ProdLens: Rescan Agent Transcripts" with progress and cancel.
 *
 * Watching: `vscode.workspace.createFileSystemWatcher` with a `RelativePattern` on the absolute folder. It
 * watches folders outside the workspace (supported since VS Code 1.64 when the base is a URI) recursively,
 * in VS Code's own file-watcher process, which already handles recursive watching on every OS and the
 * inotify limits; Node's `fs.watch({ recursive: true })` on Linux adds one inotify watch per folder from the
 * extension host and misses folders created after it started on older Node versions. A folder that does
 * not exist yet (agent never run) is picked up by the periodic pass.
 */
export function registerTranscripts(services: ProdLensServices, statusBar?: StatusBar): vscode.Disposable {
  return new TranscriptCapture(services, statusBar);
}

/** Glob, relative to a history root, of the files each agent writes. */
const HISTORY_GLOB: Record<HistoryFile['agent'], string> = {
  cline: 'tasks/*/ui_messages.json',
  'roo-code': 'tasks/*/ui_messages.json',
  'kilo-code': 'tasks/*/ui_messages.json',
  'gemini-cli': '*/chats/**/*.{json,jsonl}',
  'copilot-cli': '**/*.jsonl',
  'copilot-otel': '*.jsonl',
  // A telemetry outfile is watched by its own name (the root is the file).
  'gemini-telemetry': '*',
};

class TranscriptCapture extends Disposable {
  private readonly log;
  private readonly changed = new Map<string, TranscriptFile>();
  private readonly changedHistories = new Map<string, HistoryFile>();
  private lastSeen: SourceLastSeen[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private watchers: vscode.Disposable[] = [];

  constructor(
    private readonly services: ProdLensServices,
    statusBar?: StatusBar,
  ) {
    super();
    this.log = services.log('transcripts');
    if (statusBar) this._register(statusBar.addSection({ tooltip: () => this.tooltip() }));
    this._register(vscode.commands.registerCommand('prodlens.rescanTranscripts', () => this.rescanWithProgress()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.transcripts')) this.restart();
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart()));
    const poll = setInterval(() => this.enqueueFull(), POLL_MS);
    poll.unref?.();
    this._register(toDisposable(() => clearInterval(poll)));
    this._register(toDisposable(() => this.stopWatching()));
    this._register(toDisposable(() => this.timer && clearTimeout(this.timer)));
    this._register(toDisposable(() => this.restartTimer && clearTimeout(this.restartTimer)));
    // After activation returns: the first scan opens the database (WASM) and may read a lot.
    setTimeout(() => this.restart(), 0).unref?.();
  }

  private get enabled(): boolean {
    return readConfig().transcripts.enabled;
  }

  private workspaceFolders(): string[] | null {
    if (readConfig().transcripts.includeAllProjects) return null;
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  /**
   * Where the agent extensions keep their histories: the globalStorage folder ProdLens's own storage sits
   * in (its parent), so Cline, Roo Code and Kilo Code are found in this editor, whatever its flavour.
   */
  private historyLocations(): HistoryLocationEnv {
    return { globalStorage: [path.dirname(this.services.context.globalStorageUri.fsPath)], projectFolders: this.openFolders() };
  }

  private openFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  /**
   * Watches for a folder that does not exist yet: the first missing part of its path, in its nearest existing
   * parent (non-recursive, so cheap even on the home folder). When it appears, everything is set up again.
   */
  private watchForCreation(target: string, seen: Set<string>): void {
    let missing = path.resolve(target);
    let parent = path.dirname(missing);
    while (!existsSync(parent) && parent !== path.dirname(parent)) {
      missing = parent;
      parent = path.dirname(parent);
    }
    if (!existsSync(parent)) return;
    const key = `${parent}\u0000${path.basename(missing)}`;
    if (seen.has(key)) return;
    seen.add(key);
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(parent), path.basename(missing)), false, true, true);
    w.onDidCreate(() => this.scheduleRestart());
    this.watchers.push(w);
  }

  private restartTimer: NodeJS.Timeout | undefined;
  private scheduleRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restart();
    }, 500);
    this.restartTimer.unref?.();
  }

  private restart(): void {
    this.stopWatching();
    if (this.isDisposed || !this.enabled) return;
    const pending = new Set<string>();
    for (const root of defaultRoots()) {
      if (!existsSync(root.dir)) this.watchForCreation(root.dir, pending);
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root.dir), '**/*.jsonl'));
      const onEvent = (uri: vscode.Uri) => this.enqueue({ agent: root.agent, path: uri.fsPath });
      w.onDidCreate(onEvent);
      w.onDidChange(onEvent);
      this.watchers.push(w);
    }
    for (const root of historyRoots(this.historyLocations())) {
      const folder = root.file ? path.dirname(root.dir) : root.dir;
      if (!existsSync(folder)) this.watchForCreation(folder, pending);
      const glob = root.file ? path.basename(root.dir) : HISTORY_GLOB[root.agent];
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), glob));
      const onEvent = (uri: vscode.Uri) => {
        this.changedHistories.set(uri.fsPath, { agent: root.agent, path: uri.fsPath });
        this.schedule();
      };
      w.onDidCreate(onEvent);
      w.onDidChange(onEvent);
      this.watchers.push(w);
    }
    // Gemini CLI's settings name its telemetry outfile: a change there sets the watchers up again.
    const home = process.env.GEMINI_CLI_HOME?.trim() || os.homedir();
    for (const dir of [path.join(home, '.gemini'), ...this.openFolders().map((f) => path.join(f, '.gemini'))]) {
      if (!existsSync(dir)) this.watchForCreation(dir, pending);
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), 'settings.json'), false, false, true);
      w.onDidCreate(() => this.scheduleRestart());
      w.onDidChange(() => this.scheduleRestart());
      this.watchers.push(w);
    }
    this.enqueueFull();
  }

  private stopWatching(): void {
    for (const w of this.watchers.splice(0)) w.dispose();
  }

  private enqueue(f: TranscriptFile): void {
    if (f.agent === 'codex' && !/rollout-.*\.jsonl$/.test(f.path)) return;
    this.changed.set(f.path, f);
    this.schedule();
  }

  private enqueueFull(): void {
    if (!this.enabled) return;
    this.running = this.running
      .then(() => this.scan(collectFiles(null), false))
      .then(() => this.scanHistories(collectHistoryFiles(null, this.historyLocations()), false))
      .catch(() => undefined);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const files = [...this.changed.values()];
      const histories = [...this.changedHistories.values()];
      this.changed.clear();
      this.changedHistories.clear();
      this.running = this.running
        .then(() => this.scan(files, true))
        .then(() => this.scanHistories(histories, true))
        .catch(() => undefined);
    }, DEBOUNCE_MS);
    this.timer.unref?.();
  }

  private async scan(
    files: TranscriptFile[],
    journal: boolean,
    signal?: AbortSignal,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ScanSummary | undefined> {
    if (this.isDisposed || !files.length) return undefined;
    try {
      const store = await this.services.store();
      const started = Date.now();
      const s = await scanFiles(files, store, {
        prices: this.services.prices,
        workspaceFolders: this.workspaceFolders(),
        logger: this.log,
        journal,
        signal,
        attribute: this.services.attributor.hook,
        onProgress: onProgress && ((p) => onProgress(p.filesDone, p.filesTotal)),
      });
      if (s.inserted || s.updated || s.deadLettered) {
        this.log.info(
          `${s.filesRead} file(s) read (${(s.bytesRead / 1e6).toFixed(1)} MB) in ${Date.now() - started} ms: ${s.inserted} new, ${s.updated} updated, ${s.deadLettered} dead-lettered, ${s.reconciled} OTel copies reconciled`,
        );
      }
      this.ensureReconcileListener(store);
      return s;
    } catch (err) {
      this.log.error(`scan failed: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Reads the agents' history files (Cline, Roo Code, Kilo Code, Gemini CLI, Copilot CLI) that changed. */
  private async scanHistories(files: HistoryFile[], journal: boolean, signal?: AbortSignal): Promise<void> {
    if (this.isDisposed) return;
    try {
      const store = await this.services.store();
      if (files.length) {
        const s = await scanHistoryFiles(files, store, {
          prices: this.services.prices,
          workspaceFolders: this.workspaceFolders(),
          logger: this.log,
          journal,
          signal,
          attribute: this.services.attributor.hook,
        });
        if (s.inserted || s.updated || s.deadLettered) {
          this.log.info(`agent histories: ${s.filesRead} file(s) read: ${s.inserted} new, ${s.updated} updated, ${s.deadLettered} dead-lettered`);
        }
      }
      this.lastSeen = sourcesLastSeen(store, Object.values(HISTORY_SOURCE));
    } catch (err) {
      this.log.error(`history scan failed: ${(err as Error).message}`);
    }
  }

  /** Status bar tooltip: when each agent history last had data. */
  private tooltip(): string[] {
    if (!this.lastSeen.length) return [];
    const now = Date.now();
    return [
      vscode.l10n.t(
        '**Agent histories**: {0}',
        this.lastSeen.map((s) => `${s.source} ${s.lastEventMs ? formatAge(Math.max(0, now - s.lastEventMs)) : vscode.l10n.t('no data')}`).join(' · '),
      ),
    ];
  }

  private listening = false;
  /** OTel rows stored after the transcript (by the collector) are reconciled when they arrive. */
  private ensureReconcileListener(store: Awaited<ReturnType<ProdLensServices['store']>>): void {
    if (this.listening) return;
    this.listening = true;
    let pending = new Set<string>();
    let t: NodeJS.Timeout | undefined;
    this._register(
      store.onDidChange(({ days }) => {
        for (const d of days) pending.add(d);
        if (t) return;
        t = setTimeout(() => {
          t = undefined;
          const ds = [...pending];
          pending = new Set();
          try {
            reconcileOtelCopies(store, { days: ds });
            // Gemini telemetry through the collector repeats the chat files' calls too.
            reconcileHistoryCopies(store, { days: ds });
          } catch (err) {
            this.log.warn(`reconcile failed: ${(err as Error).message}`);
          }
        }, 1000);
        t.unref?.();
      }),
    );
  }

  private rescanWithProgress(): Thenable<void> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ProdLens: Rescanning agent transcripts'), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        const files = collectFiles(null);
        let last = 0;
        await this.running;
        const s = await this.scan(files, false, controller.signal, (done, total) => {
          const pct = Math.floor((done / Math.max(1, total)) * 100);
          if (pct > last) {
            progress.report({ increment: pct - last, message: vscode.l10n.t('{0}/{1} files', done, total) });
            last = pct;
          }
        });
        await this.scanHistories(collectHistoryFiles(null, this.historyLocations()), false, controller.signal);
        if (s) {
          void vscode.window.showInformationMessage(
            vscode.l10n.t(
              'ProdLens: {0} transcript file(s), {1} read, {2} new event(s){3}{4}.',
              s.files,
              s.filesRead,
              s.inserted,
              s.cancelled ? vscode.l10n.t(' (cancelled)') : '',
              s.deadLettered ? vscode.l10n.t(', {0} unreadable line(s) kept as dead letters', s.deadLettered) : '',
            ),
          );
        }
      },
    );
  }
}
