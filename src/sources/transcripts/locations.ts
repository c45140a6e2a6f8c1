import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where Claude Code and Codex write their transcripts, and how to tell a transcript file from other
 * files. No VS Code here: the extension, the CLI and the bench all use these.
 */

export type TranscriptAgent = 'claude' | 'codex';

/** A folder that holds transcripts of one agent, searched recursively. */
export interface TranscriptRoot {
  agent: TranscriptAgent;
  dir: string;
}

export interface TranscriptFile {
  agent: TranscriptAgent;
  path: string;
}

export interface LocationEnv {
  home?: string;
  env?: NodeJS.ProcessEnv;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Claude Code's `projects` folders: every folder listed in `CLAUDE_CONFIG_DIR` (comma-separated; a config
 * folder or its `projects` folder), plus `~/.config/claude` and `~/.claude`. Unlike ccusage, the defaults are
 * searched even when `CLAUDE_CONFIG_DIR` is set: a developer who switched folders keeps their history.
 */
export function claudeRoots(opts: LocationEnv = {}): TranscriptRoot[] {
  const home = opts.home ?? os.homedir();
  const env = opts.env ?? process.env;
  const candidates: string[] = [];
  for (const raw of (env.CLAUDE_CONFIG_DIR ?? '').split(',')) {
    const p = raw.trim();
    if (p) candidates.push(expandHome(p, home));
  }
  const xdg = env.XDG_CONFIG_HOME ? expandHome(env.XDG_CONFIG_HOME, home) : path.join(home, '.config');
  candidates.push(path.join(xdg, 'claude'), path.join(home, '.claude'));
  const seen = new Set<string>();
  const roots: TranscriptRoot[] = [];
  for (const c of candidates) {
    const dir = path.basename(c) === 'projects' ? path.resolve(c) : path.resolve(c, 'projects');
    if (seen.has(dir)) continue;
    seen.add(dir);
    roots.push({ agent: 'claude', dir });
  }
  return roots;
}

/** Codex rollouts: `$CODEX_HOME` (default `~/.codex`) `/sessions` and `/archived_sessions`. */
export function codexRoots(opts: LocationEnv = {}): TranscriptRoot[] {
  const home = opts.home ?? os.homedir();
  const env = opts.env ?? process.env;
  const codexHome = env.CODEX_HOME?.trim() ? expandHome(env.CODEX_HOME.trim(), home) : path.join(home, '.codex');
  return ['sessions', 'archived_sessions'].map((sub) => ({ agent: 'codex' as const, dir: path.resolve(codexHome, sub) }));
}

/** Every default location of both agents (existing or not: a watcher may wait for them to appear). */
export function defaultRoots(opts: LocationEnv = {}): TranscriptRoot[] {
  return [...claudeRoots(opts), ...codexRoots(opts)];
}

const CODEX_FILE_RE = /^rollout-.*\.jsonl$/;

/** Lists the transcript files under a root (recursively, sorted, symlinked folders not followed). */
export function listRoot(root: TranscriptRoot): TranscriptFile[] {
  const out: TranscriptFile[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < 8) walk(p, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.jsonl')) {
        if (root.agent === 'claude' || CODEX_FILE_RE.test(e.name)) out.push({ agent: root.agent, path: p });
      }
    }
  };
  walk(root.dir, 0);
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/**
 * What a user-given path holds: a Claude config folder (has `projects/`), a `projects` folder or a project
 * folder under it, a Codex home (has `sessions/`), a Codex `sessions` folder, or single files. Folders of
 * unknown shape are searched for both kinds; files are recognised by name or, failing that, by content.
 */
export function resolveUserPath(p: string): TranscriptRoot[] | TranscriptFile | null {
  const abs = path.resolve(p);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return null;
  }
  if (st.isFile()) {
    const agent = sniffFile(abs);
    return agent ? { agent, path: abs } : null;
  }
  if (!st.isDirectory()) return null;
  if (isDir(path.join(abs, 'projects'))) return [{ agent: 'claude', dir: path.join(abs, 'projects') }];
  if (isDir(path.join(abs, 'sessions'))) {
    const roots: TranscriptRoot[] = [{ agent: 'codex', dir: path.join(abs, 'sessions') }];
    if (isDir(path.join(abs, 'archived_sessions'))) roots.push({ agent: 'codex', dir: path.join(abs, 'archived_sessions') });
    return roots;
  }
  const base = path.basename(abs);
  if (base === 'sessions' || base === 'archived_sessions') return [{ agent: 'codex', dir: abs }];
  // Codex first: its files are known by name (rollout-…), and a file listed by both is kept as the first
  // root's; the Claude root takes every other .jsonl.
  return [
    { agent: 'codex', dir: abs },
    { agent: 'claude', dir: abs },
  ];
}

/**
 * Whether `p` is something the transcript reader takes: a `.jsonl` file of either agent, or a folder that
 * contains such files (checked shallowly by shape, so `prodlens import` can route to `scanTranscripts`).
 */
export function isTranscriptPath(p: string): boolean {
  const r = resolveUserPath(p);
  if (r === null) return false;
  if (!Array.isArray(r)) return true;
  const abs = path.resolve(p);
  if (isDir(path.join(abs, 'projects')) || isDir(path.join(abs, 'sessions'))) return true;
  const base = path.basename(abs);
  if (base === 'projects' || base === 'sessions' || base === 'archived_sessions') return true;
  // A project folder (or any folder): transcripts inside it, first one sniffed.
  for (const root of r) {
    const files = listRoot(root);
    if (files.some((f) => sniffFile(f.path) === root.agent)) return true;
  }
  return false;
}

/** Reads the first line (up to 64 KiB) of a `.jsonl` file and says which agent wrote it, if either. */
export function sniffFile(p: string): TranscriptAgent | null {
  if (!p.endsWith('.jsonl')) return null;
  if (CODEX_FILE_RE.test(path.basename(p))) return 'codex';
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    for (const line of text.split('\n').slice(0, 5)) {
      if (/"type":"(session_meta|turn_context|event_msg|response_item)"/.test(line) && line.includes('"payload"')) return 'codex';
      if (/"sessionId":"/.test(line) || /"type":"(user|assistant|summary|system)"/.test(line)) return 'claude';
    }
    return null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `child` is `parent` or inside it (path-wise; no symlink resolution). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
