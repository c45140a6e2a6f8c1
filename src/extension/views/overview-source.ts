import * as vscode from 'vscode';
import { LocaleFormat } from '../../core/locale-format';
import { buildOverview, type Overview } from '../../core/overview/overview';
import { Disposable, toDisposable } from '../lifecycle';
import type { ProdLensServices } from '../services';
import { configuredZone } from '../time-zone';

/** New events are coalesced for this long before the views are rebuilt. */
const CHANGE_DELAY_MS = 1500;
/** Ages ("5 minutes ago") and "today" move with time: rebuild this often while a view is visible. */
const TICK_MS = 60_000;

/**
 * The data behind the three ProdLens views: one overview built from the store, shared by them, rebuilt
 * when events arrive, when settings that change it do, once a minute while a view is visible, and on
 * "Refresh". Nothing is read while every view is hidden (a hidden view is marked stale and rebuilt when
 * shown), and the database opens only when a view is first shown.
 */
export class OverviewSource extends Disposable {
  private overview: Promise<Overview> | undefined;
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  /** Fires after the overview was rebuilt. */
  readonly onDidChange = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  private visible = new Set<vscode.TreeView<unknown>>();
  private stale = false;
  private watching = false;
  private format: LocaleFormat = new LocaleFormat(vscode.env.language);

  constructor(private readonly services: ProdLensServices) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('prodlens')) this.invalidate(0);
      }),
    );
    const tick = setInterval(() => this.invalidate(0), TICK_MS);
    this._register(toDisposable(() => clearInterval(tick)));
    this._register(toDisposable(() => this.timer && clearTimeout(this.timer)));
  }

  /** The locale formatter (VS Code's display language). */
  get fmt(): LocaleFormat {
    return this.format;
  }

  /** The current overview, built on first use. */
  get(): Promise<Overview> {
    this.overview ??= this.build();
    return this.overview;
  }

  /** Tracks a view's visibility: only visible views cause reads. */
  track(view: vscode.TreeView<unknown>): void {
    if (view.visible) this.visible.add(view);
    this._register(
      view.onDidChangeVisibility((e) => {
        if (e.visible) this.visible.add(view);
        else this.visible.delete(view);
        if (e.visible && this.stale) this.invalidate(0);
      }),
    );
  }

  /** Rebuilds after `delayMs` (coalescing), or marks the data stale while no view is visible. */
  invalidate(delayMs = CHANGE_DELAY_MS): void {
    if (this.isDisposed) return;
    if (!this.visible.size) {
      this.stale = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.stale = false;
      this.overview = undefined;
      this.format = new LocaleFormat(vscode.env.language);
      this.emitter.fire();
    }, delayMs);
  }

  private async build(): Promise<Overview> {
    const store = await this.services.store();
    if (!this.watching) {
      this.watching = true;
      this._register(store.onDidChange(() => this.invalidate()));
    }
    return buildOverview(store, { nowMs: Date.now(), zone: configuredZone() });
  }
}
