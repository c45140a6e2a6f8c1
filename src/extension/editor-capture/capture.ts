import { randomUUID } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';
import { findAgentEdit } from '../../core/retention/agent-match';
import type { Store } from '../../core/store/store';
import { classifyEvent, looksCopied, looksPasted, type Candidate, type EventFacts } from '../../core/retention/classify';
import { confirmInsertion, type Reading } from '../../core/retention/confirmation';
import { buildEditBatch } from '../../core/retention/edit-event';
import { RetentionEngine, type Observation, type RegionInfo, type RegionMeta } from '../../core/retention/engine';
import { eolOffsetMapper } from '../../core/retention/eol';
import { fileExtension, pathHash, transcriptFileHash } from '../../core/retention/path-hash';
import { readConfig, type EditorCaptureConfig } from '../config';
import { Disposable, toDisposable } from '../lifecycle';
import type { ProdLensServices } from '../services';
import { ClipboardCache } from './clipboard';
import { GitActivity } from './git-activity';
import { inlineAgent } from './inline-providers';

/** How often timed checkpoints are looked for and queued measurements run. */
const TICK_MS = 2_000;
/** Most time one tick spends measuring before yielding back to the editor. */
const DRAIN_BUDGET_MS = 15;
/** Edits not at the cursor wait this long so git and multi-file (rename) activity can show up first. */
const SETTLE_MS = 1_200;
/** Other documents changed within this window make an edit part of a bulk operation. */
const BULK_WINDOW_MS = 1_000;
/** How long to wait for the selection after an inline insertion before reading it directly. */
const CURSOR_WAIT_MS = 300;
/**
 * How long a change to a clean document waits for VS Code's dirty-state event, which tells an edit (the document
 * turns dirty right after) from a reload from disk (it stays clean). The event follows within milliseconds.
 */
const DIRTY_WAIT_MS = 500;

interface DocState {
  excluded: boolean;
  dirty: boolean;
  eol: vscode.EndOfLine;
  lastTypingAt: number;
  /** When the document last turned from clean to dirty. */
  dirtiedAt: number;
  /** Active editor's cursor offsets as of the last selection change. */
  cursors: number[];
}

/**
 * The VS Code side of editor capture (thin): turns document events into the pure engine's inputs,
 * confirms candidates with what needs waiting for (clipboard, cursor, git and bulk activity), and writes
 * the engine's observations to the store as `edit` events. Detection rules: core/retention/classify.ts.
 */
export class EditorCapture extends Disposable {
  private engine: RetentionEngine;
  private config: EditorCaptureConfig;
  private readonly docs = new Map<string, DocState>();
  private readonly saving = new Set<string>();
  /** Non-typing change times per document, for bulk detection. */
  private readonly changedAt = new Map<string, number>();
  private readonly diskWriteAt = new Map<string, number>();
  /** Transcript-reader file keys of unmatched agent insertions, by region id. */
  private readonly fileHashes = new Map<string, string>();
  private readonly confirmations = new Set<Promise<void>>();
  private readonly clipboard = new ClipboardCache();
  private readonly git: GitActivity;
  private readonly log: Logger;
  private flushing: Promise<void> = Promise.resolve();
  private selectionWaiters: Array<(editor: vscode.TextEditor) => void> = [];
  private dirtyWaiters: Array<{ key: string; resolve: () => void }> = [];

  constructor(private readonly services: ProdLensServices) {
    super();
    this.log = services.log('editor');
    this.config = readConfig().editor;
    this.engine = this.newEngine();
    this.git = this._register(new GitActivity((folder) => this.onCommit(folder)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)));
    this._register(vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e.textEditor)));
    this._register(vscode.window.onDidChangeActiveTextEditor((e) => e && this.onSelection(e)));
    this._register(vscode.workspace.onWillSaveTextDocument((e) => this.saving.add(e.document.uri.toString())));
    this._register(
      vscode.workspace.onDidSaveTextDocument((d) => {
        const key = d.uri.toString();
        this.saving.delete(key);
        this.state(d).dirty = d.isDirty;
        this.engine.checkpoint('save', key);
      }),
    );
    this._register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        this.engine.closeDoc(key);
        this.docs.delete(key);
        this.saving.delete(key);
      }),
    );
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.state(d)));
    for (const d of vscode.workspace.textDocuments) this.state(d);
    if (vscode.window.activeTextEditor) this.onSelection(vscode.window.activeTextEditor);
    const files = this._register(vscode.workspace.createFileSystemWatcher('**/*', true, false, true));
    this._register(files.onDidChange((u) => this.diskWriteAt.set(u.toString(), Date.now())));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('prodlens.editor')) return;
        this.config = readConfig().editor;
        for (const d of vscode.workspace.textDocuments) this.state(d).excluded = this.isExcluded(d);
        this.engine.options.acceptThreshold = this.config.acceptThreshold;
        // Turned off: stop tracking (nothing more is measured or written).
        if (!this.config.capture && this.engine.size) this.engine = this.newEngine();
      }),
    );
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.log.info('workspace trusted: capture on')));
    const timer = setInterval(() => void this.flush(DRAIN_BUDGET_MS), TICK_MS);
    this._register(toDisposable(() => clearInterval(timer)));
  }

  /** Capturing needs the setting on and a trusted workspace. */
  get enabled(): boolean {
    return this.config.capture && vscode.workspace.isTrusted;
  }

  /** Regions tracked now (offsets and metadata, never text): the test surface. */
  regions(): RegionInfo[] {
    return this.engine.regions();
  }

  /** Resolves once pending confirmations have settled and queued observations are in the store. */
  async whenIdle(): Promise<void> {
    while (this.confirmations.size) await Promise.all([...this.confirmations]);
    await this.flush(Number.POSITIVE_INFINITY);
  }

  /** Measures every open region one last time (`close`) and writes it; called before the store closes. */
  async shutdown(): Promise<void> {
    for (const d of vscode.workspace.textDocuments) this.engine.closeDoc(d.uri.toString());
    await this.flush(Number.POSITIVE_INFINITY);
  }

  private newEngine(): RetentionEngine {
    return new RetentionEngine({ acceptThreshold: this.config.acceptThreshold });
  }

  private state(d: vscode.TextDocument): DocState {
    const key = d.uri.toString();
    let s = this.docs.get(key);
    if (!s) {
      s = {
        excluded: this.isExcluded(d),
        dirty: d.isDirty,
        eol: d.eol,
        lastTypingAt: Number.NEGATIVE_INFINITY,
        dirtiedAt: Number.NEGATIVE_INFINITY,
        cursors: [],
      };
      this.docs.set(key, s);
    }
    return s;
  }

  /** Only files, and none matching `prodlens.editor.exclude` (globs matched against the file's path). */
  private isExcluded(d: vscode.TextDocument): boolean {
    if (d.uri.scheme !== 'file') return true;
    return this.config.exclude.some((g) => vscode.languages.match({ pattern: g }, d) > 0);
  }

  private onSelection(editor: vscode.TextEditor): void {
    const s = this.docs.get(editor.document.uri.toString());
    if (s) s.cursors = editor.selections.map((sel) => editor.document.offsetAt(sel.active));
    const waiters = this.selectionWaiters;
    this.selectionWaiters = [];
    for (const w of waiters) w(editor);
  }

  /** The typing path: O(changes) bookkeeping, then the engine's offset arithmetic. */
  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const d = e.document;
    const key = d.uri.toString();
    const s = this.state(d);
    const now = Date.now();
    const wasDirty = s.dirty;
    s.dirty = d.isDirty;
    if (!wasDirty && d.isDirty) this.dirtied(key, s, now);
    if (!e.contentChanges.length) {
      if (d.eol !== s.eol) this.remapEol(d, s);
      return;
    }
    s.eol = d.eol;
    if (s.excluded || !this.enabled) {
      if (this.engine.size) this.engine.applyEvent(key, e.contentChanges, Date.now());
      return;
    }
    const active = vscode.window.activeTextEditor?.document === d;
    const saving = this.saving.has(key);
    const facts: EventFacts = {
      changes: e.contentChanges,
      reason: e.reason === vscode.TextDocumentChangeReason.Undo ? 'undo' : e.reason === vscode.TextDocumentChangeReason.Redo ? 'redo' : null,
      active,
      cursors: active ? s.cursors : [],
      sinceTyping: now - s.lastTypingAt,
      saving,
      gitBusy: this.git.busyNear(now),
      bulk: this.bulkNear(key, now),
      reload: false,
      revert: wasDirty && !d.isDirty && !saving,
      minChars: this.config.minInsertionChars,
    };
    const c = classifyEvent(facts);
    // Clean before, and clean as the event reports it: a reload from disk, or the first edit after a save (in VS Code
    // for the Web, which auto-saves after 1 s, nearly every edit) — VS Code reports the edit's dirty state in a
    // separate event right after. Both readings get tentative regions; confirm() keeps the one that state confirms.
    const ambiguous = !wasDirty && !d.isDirty && !saving;
    const asReload = ambiguous ? classifyEvent({ ...facts, reload: true }) : null;
    if (c.typing) s.lastTypingAt = now;
    else this.changedAt.set(key, now);
    const spawn = (cand: Candidate, reading: Reading | null) => ({
      id: randomUUID(),
      changeIndex: cand.changeIndex,
      offset: cand.offset,
      length: cand.length,
      cand,
      reading,
    });
    const spawns = [
      ...c.candidates.map((cand) => spawn(cand, ambiguous ? 'edit' : null)),
      ...(asReload?.candidates.map((cand) => spawn(cand, 'reload')) ?? []),
    ];
    const created = new Set(this.engine.applyEvent(key, e.contentChanges, now, spawns));
    if (c.rejected && c.rejected !== 'typing')
      this.log.debug(`not AI (${c.rejected}): ${e.contentChanges.length} change(s) in ${vscode.workspace.asRelativePath(d.uri)}`);
    for (const sp of spawns) if (created.has(sp.id)) this.track(this.confirm(d, sp.id, sp.cand, now, sp.reading));
  }

  /** The document turned dirty: an edit, not a reload (see `onChange`). */
  private dirtied(key: string, s: DocState, now: number): void {
    s.dirtiedAt = now;
    const waiting = this.dirtyWaiters;
    this.dirtyWaiters = waiting.filter((w) => w.key !== key);
    for (const w of waiting) if (w.key === key) w.resolve();
  }

  /** Whether the document turned dirty at or after `at`, waiting up to DIRTY_WAIT_MS for VS Code to say so. */
  private dirtiedSince(key: string, at: number): Promise<boolean> {
    if ((this.docs.get(key)?.dirtiedAt ?? Number.NEGATIVE_INFINITY) >= at) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { key, resolve: () => resolve(true) };
      const timer = setTimeout(() => {
        this.dirtyWaiters = this.dirtyWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, DIRTY_WAIT_MS);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.dirtyWaiters.push(waiter);
    });
  }

  private track(p: Promise<void>): void {
    const done = p.catch((err: Error) => this.log.error(`confirming an insertion failed: ${err.message}`)).finally(() => this.confirmations.delete(done));
    this.confirmations.add(done);
  }

  /**
   * Confirms or discards a tentative region with what the event alone could not tell. `reading` is set when the
   * change could be an edit or a reload: the region stands only if the document's dirty state agrees with it.
   */
  private async confirm(d: vscode.TextDocument, id: string, cand: Candidate, at: number, reading: Reading | null): Promise<void> {
    const key = d.uri.toString();
    const inserted = this.engine.region(id)?.inserted;
    if (inserted === undefined) return;
    // The document's repository, branch and developer at the time of the edit (cached per folder; no git when untrusted).
    const where =
      d.uri.scheme === 'file'
        ? this.services.attributor.resolve(path.dirname(d.uri.fsPath))
        : this.services.attributor.developer().then((developer_id) => ({ repo_slug: null, branch: null, developer_id }));
    const verdict = await confirmInsertion(cand, reading, {
      dirtiedSince: () => this.dirtiedSince(key, at),
      cursorAtEnd: () => this.cursorAtEnd(d, id),
      settle: () => new Promise((r) => setTimeout(r, SETTLE_MS)),
      gitBusyNear: () => this.git.busyNear(at),
      bulkNear: () => this.bulkNear(key, at),
      looksPaste: async () => this.looksPaste(d, id, inserted, await this.clipboard.read()),
    });
    if (verdict.kind === 'discard') {
      // The other reading's region stands for this change.
      this.engine.discard(id);
      return;
    }
    if (verdict.kind === 'reject') return this.reject(id, verdict.why);
    const rel = vscode.workspace.asRelativePath(d.uri, false);
    const diskSeen = Math.abs((this.diskWriteAt.get(key) ?? Number.NEGATIVE_INFINITY) - at) < 3_000;
    const meta: RegionMeta = {
      detection: cand.detection,
      agent: cand.detection === 'inline' ? inlineAgent() : cand.detection === 'workspace-edit' ? 'chat' : null,
      confidence: cand.detection === 'disk' && diskSeen ? cand.confidence + 0.1 : cand.confidence,
      language: d.languageId || null,
      ext: fileExtension(rel),
      pathHash: pathHash(rel),
      sessionId: null,
      matchedTrace: null,
      repoSlug: null,
      branch: null,
      developerId: null,
      model: null,
    };
    try {
      const a = await where;
      meta.repoSlug = a.repo_slug;
      meta.branch = a.branch;
      meta.developerId = a.developer_id;
    } catch (err) {
      this.log.debug(`no attribution for the insertion: ${(err as Error).message}`);
    }
    if (cand.detection !== 'inline') this.fileHashes.set(id, transcriptFileHash(rel));
    if (this.engine.confirm(id, meta)) this.log.debug(`AI insertion (${meta.detection}, ${meta.agent ?? 'unknown agent'}) in ${rel}`);
  }

  /**
   * A paste: the text is the clipboard's; where the clipboard is not read (null: VS Code for the Web), text found in
   * an open document (the region's own text cut out of its document) — what was copied in the editor.
   */
  private looksPaste(d: vscode.TextDocument, id: string, inserted: string, clipboard: string | null): boolean {
    if (clipboard !== null) return looksPasted(inserted, clipboard);
    const r = this.engine.region(id);
    if (!r) return false;
    const own = d.getText();
    const sources = function* (): Generator<string> {
      yield own.slice(0, r.start) + own.slice(r.end);
      for (const other of vscode.workspace.textDocuments) if (other !== d && other.uri.scheme !== 'output') yield other.getText();
    };
    return looksCopied(inserted, sources());
  }

  private reject(id: string, why: string): void {
    this.engine.discard(id);
    this.log.debug(`not AI (${why})`);
  }

  /** Waits for the selection that follows the insertion: a lone empty cursor at its end. */
  private async cursorAtEnd(d: vscode.TextDocument, id: string): Promise<boolean> {
    const editor = await new Promise<vscode.TextEditor | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(vscode.window.activeTextEditor), CURSOR_WAIT_MS);
      this.selectionWaiters.push((ed) => {
        if (ed.document !== d) return;
        clearTimeout(timer);
        resolve(ed);
      });
    });
    const r = this.engine.region(id);
    if (!editor || editor.document !== d || !r) return false;
    const sels = editor.selections;
    return sels.length === 1 && sels[0]!.isEmpty && d.offsetAt(sels[0]!.active) === r.end;
  }

  /** Whether two or more other documents had non-typing changes near `at`. */
  private bulkNear(key: string, at: number): boolean {
    let n = 0;
    for (const [k, t] of this.changedAt) if (k !== key && Math.abs(t - at) <= BULK_WINDOW_MS) n += 1;
    return n >= 2;
  }

  private onCommit(folder: vscode.WorkspaceFolder): void {
    const prefix = folder.uri.toString() + '/';
    this.engine.checkpoint('commit', (doc) => doc.startsWith(prefix));
    void this.flush(DRAIN_BUDGET_MS);
  }

  private remapEol(d: vscode.TextDocument, s: DocState): void {
    const lengths: number[] = [];
    for (let i = 0; i < d.lineCount; i++) lengths.push(d.lineAt(i).text.length);
    const toCrlf = d.eol === vscode.EndOfLine.CRLF;
    this.engine.remapDoc(d.uri.toString(), eolOffsetMapper(lengths, toCrlf ? 1 : 2, toCrlf ? 2 : 1), toCrlf ? '\r\n' : '\n');
    s.eol = d.eol;
  }

  /** Queues due checkpoints, runs measurements within the budget and writes them. Serialized. */
  flush(budgetMs: number): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow(budgetMs)).catch((err: Error) => this.log.error(`writing editor events failed: ${err.message}`));
    return this.flushing;
  }

  private async flushNow(budgetMs: number): Promise<void> {
    const now = Date.now();
    this.engine.tick(now);
    for (const [k, t] of this.changedAt) if (now - t > 10_000) this.changedAt.delete(k);
    for (const [k, t] of this.diskWriteAt) if (now - t > 10_000) this.diskWriteAt.delete(k);
    const obs: Observation[] = [];
    do {
      const until = performance.now() + budgetMs;
      obs.push(...this.engine.drain(now, () => performance.now() > until));
    } while (budgetMs === Number.POSITIVE_INFINITY && this.engine.pendingWork);
    if (!obs.length) return;
    const store = await this.services.store();
    for (const o of obs) {
      this.match(store, o);
      if (o.final) this.fileHashes.delete(o.id);
    }
    const batch = buildEditBatch(obs, { prices: this.services.prices }, new Date(now).toISOString());
    for (const d of batch.rejects) this.log.warn(`${d.reason} (kept as a dead letter)`);
    const r = await store.ingest(batch);
    this.log.debug(`wrote ${batch.events.length} edit event(s): ${r.inserted} new, ${r.updated} updated`);
  }

  /** Names the agent session behind a chat/agent/disk insertion once its own edit event is in the store. */
  private match(store: Store, o: Observation): void {
    if (o.meta.detection === 'inline' || o.meta.matchedTrace || !o.meta.pathHash) return;
    const m = findAgentEdit(store, { pathHash: o.meta.pathHash, fileHash: this.fileHashes.get(o.id), lines: o.insertedLines }, o.insertedAt);
    if (!m) return;
    const patch: Partial<RegionMeta> = {
      agent: m.agent,
      sessionId: m.sessionId,
      matchedTrace: m.traceHash,
      confidence: Math.max(o.meta.confidence, 0.9),
      model: o.meta.model ?? m.model,
      developerId: o.meta.developerId ?? m.developerId,
      repoSlug: o.meta.repoSlug ?? m.repoSlug,
    };
    this.engine.updateMeta(o.id, patch);
    o.meta = { ...o.meta, ...patch };
  }
}
