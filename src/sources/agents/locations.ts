import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HistoryAgent, HistoryFile } from './kinds';

/**
 * Where the agents keep their histories, and how to tell their files from others. No VS Code here: the
 * extension passes its own global-storage folder's parent; the CLI guesses the editors' usual places.
 */

/** A folder holding one agent's histories: an extension's global storage, `~/.gemini/tmp`, `~/.copilot/session-state`. */
export interface HistoryRoot {
  agent: HistoryAgent;
  /** The folder — or, with `file`, the one file (a telemetry outfile named in settings or the environment). */
  dir: string;
  file?: boolean;
}

export interface HistoryLocationEnv {
  home?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** VS Code's globalStorage folder (the parent of ProdLens's own); the editors' usual ones when absent. */
  globalStorage?: string[];
  /** Project folders whose `.gemini/settings.json` may name a telemetry outfile (VS Code: the workspace folders; CLI: the current folder). */
  projectFolders?: string[];
}

/** The VS Code extension ids of the Cline family, by agent. */
export const EXTENSION_IDS: Record<'cline' | 'roo-code' | 'kilo-code', string> = {
  cline: 'saoudrizwan.claude-dev',
  'roo-code': 'rooveterinaryinc.roo-cline',
  'kilo-code': 'kilocode.kilo-code',
};

const EDITORS = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'];

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The editors' usual `User/globalStorage` folders on this platform (existing or not). */
export function editorGlobalStorage(opts: HistoryLocationEnv = {}): string[] {
  const home = opts.home ?? os.homedir();
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const bases =
    platform === 'darwin'
      ? [path.join(home, 'Library', 'Application Support')]
      : platform === 'win32'
        ? [env.APPDATA ?? path.join(home, 'AppData', 'Roaming')]
        : [env.XDG_CONFIG_HOME || path.join(home, '.config')];
  const out = bases.flatMap((b) => EDITORS.map((e) => path.join(b, e, 'User', 'globalStorage')));
  for (const server of ['.vscode-server', '.vscode-server-insiders', '.cursor-server']) out.push(path.join(home, server, 'data', 'User', 'globalStorage'));
  return out;
}

/** Every default history root (existing or not: a watcher may wait for them). */
export function historyRoots(opts: HistoryLocationEnv = {}): HistoryRoot[] {
  const home = opts.home ?? os.homedir();
  const env = opts.env ?? process.env;
  const roots: HistoryRoot[] = [];
  const seen = new Set<string>();
  const add = (agent: HistoryAgent, dir: string) => {
    const d = path.resolve(dir);
    if (!seen.has(d)) {
      seen.add(d);
      roots.push({ agent, dir: d });
    }
  };
  for (const gs of opts.globalStorage ?? editorGlobalStorage(opts)) {
    for (const [agent, id] of Object.entries(EXTENSION_IDS) as Array<[keyof typeof EXTENSION_IDS, string]>) add(agent, path.join(gs, id));
  }
  // Cline's CLI and JetBrains hosts keep the same layout under ~/.cline/data.
  add('cline', path.join(home, '.cline', 'data'));
  const geminiDirs = (env.GEMINI_DATA_DIR ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const d of geminiDirs.length ? geminiDirs : [path.join(home, '.gemini', 'tmp')]) add('gemini-cli', d);
  const copilotHome = env.COPILOT_HOME?.trim() || path.join(home, '.copilot');
  add('copilot-cli', path.join(copilotHome, 'session-state'));
  // Telemetry files, read only where the user turned them on (a setting or environment variable names them).
  add('copilot-otel', path.join(copilotHome, 'otel'));
  const exporterPath = env.COPILOT_OTEL_FILE_EXPORTER_PATH?.trim();
  const files: HistoryRoot[] = [];
  if (exporterPath && path.isAbsolute(exporterPath)) files.push({ agent: 'copilot-otel', dir: path.resolve(exporterPath), file: true });
  for (const f of geminiTelemetryFiles(opts)) files.push({ agent: 'gemini-telemetry', dir: f, file: true });
  for (const f of files) {
    if (!seen.has(f.dir) && !isInside(f.dir, path.join(copilotHome, 'otel'))) {
      seen.add(f.dir);
      roots.push(f);
    }
  }
  return roots;
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function readJsonFile(p: string): unknown {
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Gemini CLI's telemetry outfiles the settings name (gemini-cli packages/core/src/telemetry/config.ts: the
 * `--telemetry-outfile` flag, else `GEMINI_TELEMETRY_OUTFILE`, else `telemetry.outfile` of the merged
 * settings): `~/.gemini/settings.json` (`$GEMINI_CLI_HOME/.gemini`), each project folder's
 * `.gemini/settings.json`, and the environment. A relative path is relative to the folder Gemini CLI runs
 * in: the project folder for a project's settings, each project folder (and home) otherwise. A flag on one
 * command line cannot be seen: `prodlens import FILE` reads such a file.
 */
export function geminiTelemetryFiles(opts: HistoryLocationEnv = {}): string[] {
  const home = opts.home ?? os.homedir();
  const env = opts.env ?? process.env;
  const projects = opts.projectFolders ?? [];
  const out = new Set<string>();
  const take = (value: unknown, bases: string[]) => {
    if (typeof value !== 'string' || !value.trim()) return;
    const v = value.trim().replace(/^~(?=$|[\\/])/, home);
    for (const b of path.isAbsolute(v) ? [''] : bases) out.add(path.resolve(b, v));
  };
  const outfile = (settingsFile: string) => {
    const t = (readJsonFile(settingsFile) as { telemetry?: { outfile?: unknown } } | undefined)?.telemetry;
    return t && typeof t === 'object' ? t.outfile : undefined;
  };
  const geminiHome = env.GEMINI_CLI_HOME?.trim() || home;
  take(outfile(path.join(geminiHome, '.gemini', 'settings.json')), [...projects, home]);
  take(env.GEMINI_TELEMETRY_OUTFILE, [...projects, home]);
  for (const p of projects) take(outfile(path.join(p, '.gemini', 'settings.json')), [p]);
  return [...out];
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** The history files under a root, sorted. */
export function listHistoryRoot(root: HistoryRoot): HistoryFile[] {
  const out: HistoryFile[] = [];
  const push = (p: string) => out.push({ agent: root.agent, path: p });
  if (root.file) {
    if (isFile(root.dir)) push(root.dir);
  } else if (root.agent === 'copilot-otel') {
    for (const name of entries(root.dir)) if (name.endsWith('.jsonl') && isFile(path.join(root.dir, name))) push(path.join(root.dir, name));
  } else if (root.agent === 'gemini-cli') {
    for (const project of entries(root.dir)) {
      const chats = path.join(root.dir, project, 'chats');
      for (const name of entries(chats)) {
        const p = path.join(chats, name);
        if (/\.jsonl?$/.test(name) && isFile(p)) push(p);
        else if (isDir(p)) for (const sub of entries(p)) if (/\.jsonl?$/.test(sub)) push(path.join(p, sub)); // subagents
      }
    }
  } else if (root.agent === 'copilot-cli') {
    for (const name of entries(root.dir)) {
      const p = path.join(root.dir, name);
      if (name.endsWith('.jsonl') && isFile(p)) push(p);
      else if (isFile(path.join(p, 'events.jsonl'))) push(path.join(p, 'events.jsonl'));
    }
  } else {
    const tasks = path.join(root.dir, 'tasks');
    for (const id of entries(tasks)) {
      const p = path.join(tasks, id, 'ui_messages.json');
      if (isFile(p)) push(p);
    }
  }
  return out;
}

/** Which of the Cline family wrote a storage folder: by the extension id in its path, else by layout. */
export function clineAgentOf(dir: string): 'cline' | 'roo-code' | 'kilo-code' {
  const lower = dir.toLowerCase();
  for (const [agent, id] of Object.entries(EXTENSION_IDS) as Array<[keyof typeof EXTENSION_IDS, string]>) if (lower.includes(id)) return agent;
  if (lower.includes('kilo')) return 'kilo-code';
  if (isFile(path.join(dir, 'tasks', '_index.json'))) return 'roo-code';
  return 'cline';
}

function firstLine(p: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    const buf = Buffer.alloc(16 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * What a path named by the user holds, if it is an agent history: a Cline/Roo/Kilo global-storage folder
 * (has `tasks/<id>/ui_messages.json`), its `tasks` folder, one task folder or its `ui_messages.json`;
 * `~/.gemini`, its `tmp` folder, a project or `chats` folder, or one chat file; `~/.copilot`, its
 * `session-state` folder, or one session log. Null when the path is none of these.
 */
export function resolveHistoryPath(p: string): HistoryFile[] | null {
  const abs = path.resolve(p);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return null;
  }
  const base = path.basename(abs);
  if (st.isFile()) {
    if (base === 'ui_messages.json') return [{ agent: clineAgentOf(path.dirname(path.dirname(path.dirname(abs)))), path: abs }];
    if (/\.jsonl?$/.test(base) && abs.split(path.sep).includes('chats')) return [{ agent: 'gemini-cli', path: abs }];
    if (base.endsWith('.jsonl')) {
      const head = firstLine(abs);
      if (/"type":\s*"session\.(?:start|resume)"/.test(head)) return [{ agent: 'copilot-cli', path: abs }];
      if (/"projectHash"/.test(head) && /"sessionId"/.test(head)) return [{ agent: 'gemini-cli', path: abs }];
    }
    const telemetry = sniffTelemetryFile(abs);
    return telemetry ? [{ agent: telemetry, path: abs }] : null;
  }
  if (!st.isDirectory()) return null;
  const list = (root: HistoryRoot) => listHistoryRoot(root);
  const hasTasks = (dir: string) => entries(path.join(dir, 'tasks')).some((id) => isFile(path.join(dir, 'tasks', id, 'ui_messages.json')));
  // An editor's globalStorage folder: every Cline-family extension in it.
  const family = Object.values(EXTENSION_IDS).filter((id) => hasTasks(path.join(abs, id)));
  if (family.length) return family.flatMap((id) => list({ agent: clineAgentOf(path.join(abs, id)), dir: path.join(abs, id) }));
  // Named by shape only when a task folder holds ui_messages.json (Claude Code has a `tasks` folder too).
  if (hasTasks(abs) || (isDir(path.join(abs, 'tasks')) && Object.values(EXTENSION_IDS).includes(base.toLowerCase())))
    return list({ agent: clineAgentOf(abs), dir: abs });
  if (base === 'tasks' && entries(abs).some((id) => isFile(path.join(abs, id, 'ui_messages.json'))))
    return list({ agent: clineAgentOf(path.dirname(abs)), dir: path.dirname(abs) });
  if (isFile(path.join(abs, 'ui_messages.json'))) return [{ agent: clineAgentOf(path.dirname(path.dirname(abs))), path: path.join(abs, 'ui_messages.json') }];
  if (isDir(path.join(abs, 'tmp')) && (base === '.gemini' || isFile(path.join(abs, 'settings.json')) || isFile(path.join(abs, 'projects.json')))) {
    // ~/.gemini: the chats, and the telemetry outfile its settings name (relative to the home folder).
    const home = path.dirname(abs);
    const outfiles = geminiTelemetryFiles({ home, env: {}, projectFolders: [] }).filter(isFile);
    return [...list({ agent: 'gemini-cli', dir: path.join(abs, 'tmp') }), ...outfiles.map((f) => ({ agent: 'gemini-telemetry' as const, path: f }))];
  }
  if (base === 'tmp' && path.basename(path.dirname(abs)) === '.gemini') return list({ agent: 'gemini-cli', dir: abs });
  if (isDir(path.join(abs, 'chats'))) return list({ agent: 'gemini-cli', dir: path.dirname(abs) }).filter((f) => f.path.startsWith(abs + path.sep));
  if (base === 'chats') return list({ agent: 'gemini-cli', dir: path.dirname(path.dirname(abs)) }).filter((f) => f.path.startsWith(abs + path.sep));
  if (isDir(path.join(abs, 'session-state')) || (base === '.copilot' && isDir(path.join(abs, 'otel')))) {
    return [...list({ agent: 'copilot-cli', dir: path.join(abs, 'session-state') }), ...list({ agent: 'copilot-otel', dir: path.join(abs, 'otel') })];
  }
  if (base === 'otel' && entries(abs).some((n) => n.endsWith('.jsonl') && sniffTelemetryFile(path.join(abs, n)) === 'copilot-otel'))
    return list({ agent: 'copilot-otel', dir: abs });
  if (base === 'session-state') return list({ agent: 'copilot-cli', dir: abs });
  if (isFile(path.join(abs, 'events.jsonl')) && /"type":\s*"session\./.test(firstLine(path.join(abs, 'events.jsonl'))))
    return [{ agent: 'copilot-cli', path: path.join(abs, 'events.jsonl') }];
  return null;
}

function head(p: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Which agent's telemetry file this is, by its first bytes: Copilot CLI's export starts with a
 * `{"type":"span"|"metric"|"log", …}` line of GenAI or github.copilot attributes; Gemini CLI's outfile with
 * a pretty-printed OpenTelemetry SDK object (`_hrTime`/`hrTime`, `_body`, `scopeMetrics`) of gemini-cli.
 */
export function sniffTelemetryFile(p: string): 'copilot-otel' | 'gemini-telemetry' | null {
  const h = head(p, 8 * 1024);
  const t = h.trimStart();
  if (!t.startsWith('{')) return null;
  const line = t.slice(0, t.indexOf('\n') === -1 ? undefined : t.indexOf('\n'));
  if (/^\{\s*"type"\s*:\s*"(?:span|metric|log)"/.test(line) && /gen_ai\.|github[.-]copilot/.test(h)) return 'copilot-otel';
  if (/gemini[-_]cli/.test(h) && /"_?hrTime"|"_body"|"scopeMetrics"|"_spanContext"|"instrumentationScope"/.test(h)) return 'gemini-telemetry';
  return null;
}

/** Gemini CLI's project root for a chat file: `<project>/.project_root`, else `~/.gemini/projects.json`. */
export function geminiProjectRoot(chatFile: string): string | null {
  // <tmp>/<project>/chats/<file> or <tmp>/<project>/chats/<parent>/<file>
  let dir = path.dirname(chatFile);
  if (path.basename(dir) !== 'chats') dir = path.dirname(dir);
  const projectDir = path.dirname(dir);
  try {
    const root = readFileSync(path.join(projectDir, '.project_root'), 'utf8').trim();
    if (root) return root;
  } catch {
    // older layouts have no marker
  }
  try {
    const reg = JSON.parse(readFileSync(path.join(path.dirname(path.dirname(projectDir)), 'projects.json'), 'utf8')) as { projects?: Record<string, string> };
    const slug = path.basename(projectDir);
    for (const [root, id] of Object.entries(reg.projects ?? {})) if (id === slug) return root;
  } catch {
    // no registry
  }
  return null;
}
