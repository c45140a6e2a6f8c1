import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { MARKER_FILE, type StorageMarker } from '../core/workspace-marker';

/**
 * Writes which workspace this extension storage folder belongs to (`workspace-folders.json` beside the
 * database), so `prodlens report --workspace DIR` can find the database from a terminal: VS Code names the
 * folder in its own workspace.json only on the desktop; code-server and the remote servers key their
 * storage by a hash of a URI that holds the host (and the port), which a terminal cannot know. Paths only.
 */
export async function writeStorageMarker(context: vscode.ExtensionContext): Promise<void> {
  const storage = context.storageUri;
  if (!storage || storage.scheme !== 'file') return;
  const marker: StorageMarker = {
    folders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    workspaceFile: vscode.workspace.workspaceFile?.scheme === 'file' ? vscode.workspace.workspaceFile.fsPath : null,
  };
  await mkdir(storage.fsPath, { recursive: true });
  const file = path.join(storage.fsPath, MARKER_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(marker, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

/** Writes the marker now and whenever the workspace's folders change. */
export function registerStorageMarker(context: vscode.ExtensionContext, log: (m: string) => void): vscode.Disposable {
  const write = () => void writeStorageMarker(context).catch((err: Error) => log(`cannot write ${MARKER_FILE}: ${err.message}`));
  write();
  return vscode.workspace.onDidChangeWorkspaceFolders(write);
}
