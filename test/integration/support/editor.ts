import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'sql.js';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../../src/extension/extension';
import { extensionId } from './manifest';

/** One `edit` row written by editor capture (source `editor`), with its attrs parsed. */
export interface EditRow {
  traceHash: string;
  acceptedFlag: number | null;
  acceptedLines: number | null;
  diffRatio: number | null;
  linesAdded: number | null;
  language: string | null;
  agent: string | null;
  attrs: Record<string, unknown>;
  developerId: string | null;
  repoSlug: string | null;
  branch: string | null;
}

/** Activates the extension under test and returns its API (editor capture's test surface, the services). */
export async function activateProdLens(): Promise<ProdLensApi> {
  const extension = vscode.extensions.getExtension<ProdLensApi>(extensionId());
  if (!extension) throw new Error(`${extensionId()} is not installed`);
  return extension.activate();
}

/** The workspace folder the suite runs in (the fixture repository). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/**
 * `attrs.path_hash` of a workspace-relative path, by the definition the README gives (first 16 hex characters of
 * the SHA-256 of the path with forward slashes), computed here rather than taken from the code under test.
 */
export function expectedPathHash(relativePath: string): string {
  return createHash('sha256').update(relativePath).digest('hex').slice(0, 16);
}

/** Writes a file into the workspace (creating folders) and returns its URI. */
export function writeWorkspaceFile(relativePath: string, text: string): vscode.Uri {
  const file = path.join(workspaceRoot(), relativePath);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return vscode.Uri.file(file);
}

/** Editor capture's rows for one workspace-relative file, oldest first. */
export function editRows(db: Database, relativePath: string): EditRow[] {
  const result = db.exec(
    `SELECT trace_hash, accepted_flag, accepted_lines, diff_ratio, lines_added, language, agent, attrs, developer_id, repo_slug, branch
       FROM sessions WHERE kind = 'edit' AND source = 'editor' AND json_extract(attrs, '$.path_hash') = ? ORDER BY id`,
    [expectedPathHash(relativePath)],
  );
  return (result[0]?.values ?? []).map((v) => ({
    traceHash: v[0] as string,
    acceptedFlag: v[1] as number | null,
    acceptedLines: v[2] as number | null,
    diffRatio: v[3] as number | null,
    linesAdded: v[4] as number | null,
    language: v[5] as string | null,
    agent: v[6] as string | null,
    attrs: JSON.parse((v[7] as string | null) ?? '{}') as Record<string, unknown>,
    developerId: v[8] as string | null,
    repoSlug: v[9] as string | null,
    branch: v[10] as string | null,
  }));
}

/** All of editor capture's rows (any file). */
export function editRowCount(db: Database): number {
  const result = db.exec(`SELECT count(*) FROM sessions WHERE kind = 'edit' AND source = 'editor'`);
  return Number(result[0]?.values[0]?.[0] ?? 0);
}

/**
 * Resolves with the next change event of `doc` that satisfies `accept` (default: any with content changes).
 * Register it before the operation that causes the change.
 */
export function nextChange(
  doc: vscode.Uri,
  timeoutMs = 10_000,
  accept: (e: vscode.TextDocumentChangeEvent) => boolean = (e) => e.contentChanges.length > 0,
): Promise<vscode.TextDocumentChangeEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no change of ${vscode.workspace.asRelativePath(doc)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() !== doc.toString() || !accept(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/**
 * Records, in arrival order, the content changes (with the dirty flag the event carried) and selection changes of
 * `doc` until `stop()`: what the adapter's rules assume about event order is checked against it.
 */
export function recordEditorEvents(doc: vscode.Uri): {
  changes: () => Array<{ changes: number; dirty: boolean }>;
  selectionsAfterFirstChange: () => Array<{ cursors: number[]; delayMs: number }>;
  stop: () => void;
} {
  const log: Array<{ type: 'change'; at: number; changes: number; dirty: boolean } | { type: 'selection'; at: number; cursors: number[]; empty: boolean }> = [];
  const key = doc.toString();
  const subs = [
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === key && e.contentChanges.length)
        log.push({ type: 'change', at: Date.now(), changes: e.contentChanges.length, dirty: e.document.isDirty });
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor.document.uri.toString() !== key) return;
      const d = e.textEditor.document;
      log.push({ type: 'selection', at: Date.now(), cursors: e.selections.map((s) => d.offsetAt(s.active)), empty: e.selections.every((s) => s.isEmpty) });
    }),
  ];
  return {
    changes: () => log.flatMap((e) => (e.type === 'change' ? [{ changes: e.changes, dirty: e.dirty }] : [])),
    selectionsAfterFirstChange: () => {
      const first = log.findIndex((e) => e.type === 'change');
      if (first < 0) return [];
      const at = log[first]!.at;
      return log.slice(first + 1).flatMap((e) => (e.type === 'selection' && e.empty ? [{ cursors: e.cursors, delayMs: e.at - at }] : []));
    },
    stop: () => subs.forEach((s) => s.dispose()),
  };
}

/**
 * Triggers the inline suggestion and accepts it. The commit command does nothing until the suggestion is shown (a
 * state the API does not expose), so once the provider has answered, commit is retried until the document changes
 * (a model change reaches the extension host before the command's own reply).
 */
export async function acceptInlineSuggestion(doc: vscode.TextDocument, provided: () => number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const version = doc.version;
  await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  while (Date.now() < deadline) {
    if (provided() > 0) await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
    if (doc.version !== version) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the inline suggestion was not accepted within ${timeoutMs} ms (provider asked ${provided()} times)`);
}

/** Saves every dirty document and closes all editors, so the next test starts with no active editor. */
export async function resetEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) if (doc.isDirty && doc.uri.scheme === 'file') await doc.save();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Puts a single empty cursor at `offset`. */
export function placeCursor(editor: vscode.TextEditor, offset: number): void {
  const pos = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(pos, pos);
}

/** Types `text` into the focused editor one character at a time, as keystrokes do. */
export async function typeChars(text: string): Promise<void> {
  for (const ch of text) await vscode.commands.executeCommand('type', { text: ch });
}

/**
 * The fixture workspace's git identity, origin slug and branch, read with git itself (not ProdLens's code):
 * what editor and transcript rows of this workspace must carry.
 */
export function workspaceGit(folder: string): { email: string; slug: string; branch: string } {
  const git = (args: string[]) => execFileSync('git', args, { cwd: folder, encoding: 'utf8' }).trim();
  const origin = git(['remote', 'get-url', 'origin']);
  const slug = /[/:]([^/:]+\/[^/]+?)(?:\.git)?$/.exec(origin)![1]!;
  return { email: git(['config', 'user.email']).toLowerCase(), slug, branch: git(['symbolic-ref', '--short', 'HEAD']) };
}
