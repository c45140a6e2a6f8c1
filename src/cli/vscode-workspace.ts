/**
 * Finds the database the ProdLens extension uses for a workspace folder. VS Code keeps each workspace's
 * storage in `<user data>/User/workspaceStorage/<id>/`, with the extension's files in its
 * `prodlens.prodlens/` subfolder. The id is a hash whose recipe differs between desktop, web and remote
 * (code-server and the remote servers hash a URI holding the host and port), so folders are matched by
 * what is written beside them, best first:
 * 1. the extension's own `workspace-folders.json` (src/extension/storage-marker.ts), everywhere;
 * 2. VS Code's `workspace.json` (`{"folder": "file:///…"}` or `{"workspace": "…/x.code-workspace"}`), desktop;
 * 3. the servers' `meta.json` (`{"name": "<folder name>"}`): the folder's name only, used when nothing better
 *    matches.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MARKER_FILE } from '../core/workspace-marker';

/** The extension's id (publisher.name): its storage subfolder. */
export const EXTENSION_ID = 'prodlens.prodlens';
export const DB_FILE = 'prodlens.sqlite';

export interface WorkspaceDatabase {
  /** The database file (it may exist only as journal segments if VS Code never wrote a snapshot). */
  dbPath: string;
  /** The VS Code user data folder it was found in. */
  userDataDir: string;
  /** What workspace.json names. */
  workspaceUri: string;
  /** Newest modification of the database's files (ms), to pick among several matches. */
  modifiedMs: number;
  /** `name`: matched by the folder's name only (a server's meta.json), which another folder may share. */
  match: 'marker' | 'workspace.json' | 'name';
}

/**
 * User data folders of VS Code and its relatives on this machine, most likely first: desktop builds
 * (stable, Insiders, VSCodium, Cursor, Windsurf), code-server, and the servers that SSH, WSL, containers and
 * Codespaces run (`~/.vscode-server/data`).
 */
export function userDataDirs(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string[] {
  const products = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'];
  const config =
    platform === 'darwin'
      ? path.join(home, 'Library', 'Application Support')
      : platform === 'win32'
        ? (env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
        : (env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  const dirs = products.map((p) => path.join(config, p));
  dirs.push(path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'code-server'));
  for (const server of ['.vscode-server', '.vscode-server-insiders', '.vscodium-server', '.cursor-server', '.windsurf-server', '.vscode-remote'])
    dirs.push(path.join(home, server, 'data'));
  return dirs;
}

/** The local path a workspace.json URI names, or null for other schemes. */
export function uriPath(uri: string): string | null {
  const m = /^(file|vscode-remote):\/\/[^/]*(\/.*)$/.exec(uri);
  if (!m) return null;
  let p = decodeURIComponent(m[2]!);
  // file:///c%3A/Users/… on Windows.
  if (/^\/[A-Za-z]:/.test(p)) p = p.slice(1);
  return p;
}

function canonical(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

function samePath(a: string, b: string): boolean {
  const x = canonical(a);
  const y = canonical(b);
  return process.platform === 'win32' || process.platform === 'darwin' ? x.toLowerCase() === y.toLowerCase() : x === y;
}

/** Newest mtime among the database's files (snapshot, backup, journal segments), 0 when there are none. */
function newestFile(dbPath: string): number {
  let newest = 0;
  let names: string[] = [];
  try {
    names = readdirSync(path.dirname(dbPath));
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(path.basename(dbPath))) continue;
    try {
      newest = Math.max(newest, statSync(path.join(path.dirname(dbPath), name)).mtimeMs);
    } catch {
      // Removed while we looked.
    }
  }
  return newest;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** How a workspace storage folder matches `folder`, or null. */
function matchOf(storageDir: string, folder: string): { how: WorkspaceDatabase['match']; uri: string } | null {
  const marker = readJson(path.join(storageDir, EXTENSION_ID, MARKER_FILE));
  if (marker) {
    const paths = [...(Array.isArray(marker.folders) ? marker.folders : []), marker.workspaceFile].filter((p): p is string => typeof p === 'string');
    const hit = paths.find((p) => samePath(p, folder));
    return hit ? { how: 'marker', uri: hit } : null;
  }
  const ws = readJson(path.join(storageDir, 'workspace.json'));
  if (ws) {
    const uri = typeof ws.folder === 'string' ? ws.folder : typeof ws.workspace === 'string' ? ws.workspace : null;
    const p = uri ? uriPath(uri) : null;
    return uri && p && samePath(p, folder) ? { how: 'workspace.json', uri } : null;
  }
  const meta = readJson(path.join(storageDir, 'meta.json'));
  if (meta && typeof meta.name === 'string' && meta.name === path.basename(path.resolve(folder))) return { how: 'name', uri: meta.name };
  return null;
}

/**
 * Every ProdLens database kept for `folder` (a workspace folder or a .code-workspace file) in the given user
 * data folders, newest first; matches by the folder's name alone only when nothing matched better.
 */
export function findWorkspaceDatabases(folder: string, dirs: string[]): WorkspaceDatabase[] {
  const found: WorkspaceDatabase[] = [];
  for (const userDataDir of dirs) {
    const storage = path.join(userDataDir, 'User', 'workspaceStorage');
    if (!existsSync(storage)) continue;
    for (const id of readdirSync(storage)) {
      const m = matchOf(path.join(storage, id), folder);
      if (!m) continue;
      const dbPath = path.join(storage, id, EXTENSION_ID, DB_FILE);
      const modifiedMs = newestFile(dbPath);
      if (modifiedMs > 0) found.push({ dbPath, userDataDir, workspaceUri: m.uri, modifiedMs, match: m.how });
    }
  }
  const strong = found.filter((f) => f.match !== 'name');
  return (strong.length ? strong : found).sort((a, b) => b.modifiedMs - a.modifiedMs);
}
