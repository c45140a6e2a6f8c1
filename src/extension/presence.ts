import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { recordPresence } from '../core/store/presence-repo';
import { Disposable, toDisposable } from './lifecycle';
import type { ProdLensServices } from './services';

/** How often the minutes seen are written to the store. */
const FLUSH_MS = 60_000;

/**
 * Editor presence, WakaTime-style (issue 13 §3): a minute counts as active when, with the window focused,
 * the developer typed, moved the cursor or selection, scrolled, or switched editors or windows in it. Only
 * the minute is kept — no file name, text or document id — and written once a minute to
 * `editor_presence` (src/core/store/presence-repo.ts), under the developer the other rows of the workspace
 * carry (`prodlens.developerId`, else git `user.email`; else an unknown identity). The working calendar uses the
 * minutes per local day as evidence of a working day. Off with `prodlens.editor.presence`.
 */
export class PresenceTracker extends Disposable {
  private readonly pending = new Set<number>();
  private developer: Promise<string | null> | undefined;
  private readonly log: Logger;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: ProdLensServices,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.log = services.log('presence');
    const beat = () => this.heartbeat();
    this._register(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && beat()));
    this._register(vscode.window.onDidChangeTextEditorSelection(beat));
    this._register(vscode.window.onDidChangeActiveTextEditor(beat));
    this._register(vscode.window.onDidChangeTextEditorVisibleRanges(beat));
    this._register(vscode.window.onDidChangeWindowState((s) => s.focused && beat()));
    this._register(vscode.window.onDidChangeActiveTerminal(beat));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.editor.presence') && !this.enabled) this.pending.clear();
      }),
    );
    // The identity can change with trust, the setting or the folders: ask again at the next write.
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => (this.developer = undefined)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens.developerId')) this.developer = undefined;
      }),
    );
    if (vscode.window.state.focused) beat();
    const timer = setInterval(() => void this.flush(), FLUSH_MS);
    timer.unref?.();
    this._register(toDisposable(() => clearInterval(timer)));
  }

  get enabled(): boolean {
    return vscode.workspace.getConfiguration('prodlens').get<boolean>('editor.presence', true);
  }

  /** Marks the current minute active (only while the window has focus). */
  heartbeat(): void {
    if (!this.enabled || !vscode.window.state.focused) return;
    this.pending.add(Math.floor(this.now() / 60_000) * 60_000);
  }

  /** Writes the minutes seen so far (called each minute and before the store closes). */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (!this.pending.size || !this.enabled) return;
      const minutes = [...this.pending];
      this.pending.clear();
      try {
        const developer = await (this.developer ??= this.identity());
        const store = await this.services.store();
        recordPresence(store, minutes, developer);
      } catch (err) {
        this.log.warn(`presence not recorded: ${(err as Error).message}`);
      }
    });
    return this.writing;
  }

  /**
   * The developer as every other row of this workspace names them (the shared attributor:
   * `prodlens.developerId`, else the workspace's git user.email; no git when untrusted); null when unknown.
   */
  private async identity(): Promise<string | null> {
    try {
      return await this.services.attributor.developer();
    } catch {
      return null;
    }
  }
}

export function registerPresence(services: ProdLensServices): PresenceTracker {
  return new PresenceTracker(services);
}
