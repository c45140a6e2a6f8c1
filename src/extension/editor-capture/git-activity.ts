import { open } from 'node:fs/promises';
import * as vscode from 'vscode';
import { classifyReflogLine } from '../../core/retention/reflog';
import { Disposable } from '../lifecycle';

/**
 * Watches each workspace folder's `.git` for what git operations write: HEAD, ORIG_HEAD, FETCH_HEAD,
 * MERGE_HEAD, the stash ref and the HEAD reflog. A commit (a new `commit:` reflog line) is a checkpoint;
 * anything else (checkout, pull, merge, reset, rebase, stash) marks git as busy, so the files it rewrites
 * are not taken for agent edits. `.git/index` is left out: the Git extension refreshes it on its own.
 */
export class GitActivity extends Disposable {
  private lastActivity = Number.NEGATIVE_INFINITY;

  constructor(private readonly onCommit: (folder: vscode.WorkspaceFolder) => void) {
    super();
    for (const f of vscode.workspace.workspaceFolders ?? []) this.watch(f);
    this._register(vscode.workspace.onDidChangeWorkspaceFolders((e) => e.added.forEach((f) => this.watch(f))));
  }

  /** Whether git wrote under `.git` within `windowMs` of `at` (before or after). */
  busyNear(at: number, windowMs = 3_000): boolean {
    return Math.abs(this.lastActivity - at) <= windowMs;
  }

  private watch(folder: vscode.WorkspaceFolder): void {
    const w = this._register(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.git/{HEAD,ORIG_HEAD,FETCH_HEAD,MERGE_HEAD,refs/stash,logs/HEAD}')),
    );
    const seen = (uri: vscode.Uri): void => {
      if (uri.path.endsWith('/logs/HEAD')) void this.reflog(folder, uri);
      else this.lastActivity = Date.now();
    };
    this._register(w.onDidChange(seen));
    this._register(w.onDidCreate(seen));
  }

  private async reflog(folder: vscode.WorkspaceFolder, uri: vscode.Uri): Promise<void> {
    const move = classifyReflogLine(await lastLine(uri.fsPath).catch(() => ''));
    if (move === 'commit') this.onCommit(folder);
    else this.lastActivity = Date.now();
  }
}

/** The last non-empty line of a file, reading only its tail. */
async function lastLine(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 8192);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const lines = buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim());
    return lines.at(-1) ?? '';
  } finally {
    await fh.close();
  }
}
