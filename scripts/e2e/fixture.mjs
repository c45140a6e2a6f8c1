// The workspace the integration suite and `npm start` open: a real git repository made with `git` (dated commits
// by two authors, a feature branch, a GitHub-style origin) plus sample agent data copied from test/fixtures/e2e/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './common.mjs';

/** Sample files copied into the workspace / into the extension host's HOME (see test/integration/README.md). */
export const sampleDirs = {
  workspace: path.join(repoRoot, 'test', 'fixtures', 'e2e', 'workspace'),
  home: path.join(repoRoot, 'test', 'fixtures', 'e2e', 'home'),
};

/**
 * In names under test/fixtures/e2e/: replaced by the workspace's Claude Code project folder name (so
 * `__WORKSPACE_SLUG__-src` is the folder of sessions started in the workspace's `src/`).
 */
export const WORKSPACE_SLUG = '__WORKSPACE_SLUG__';

/**
 * In the text of sample files (.json, .jsonl, .ndjson): replaced by the workspace's absolute path, so a
 * transcript's `cwd` and file paths point into the workspace the run opens (its folder changes every run).
 */
export const WORKSPACE_PATH = '__WORKSPACE__';

/** Claude Code's project folder name for a working folder: every character but letters and digits becomes `-`. */
export function claudeProjectSlug(folder) {
  return folder.replace(/[^A-Za-z0-9]/g, '-');
}

const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };
const grace = { name: 'Grace Hopper', email: 'grace@example.com' };

/** The history: fixed dates (with a non-UTC offset) so day buckets are the same on every run. */
const history = [
  { branch: 'main', author: ada, date: '2026-01-05T09:12:00Z', file: 'README.md', text: '# Demo service\n', message: 'Initial commit' },
  { branch: 'main', author: grace, date: '2026-01-06T14:30:00Z', file: 'src/app.js', text: 'export const answer = () => 42;\n', message: 'Add the app entry' },
  {
    branch: 'feature/report',
    author: ada,
    date: '2026-01-07T23:45:00-05:00',
    file: 'src/report.js',
    text: 'export function report(rows) {\n  return rows.length;\n}\n',
    message: 'Add a report function',
  },
  {
    branch: 'feature/report',
    author: grace,
    date: '2026-01-08T10:05:00+01:00',
    file: 'test/report.test.js',
    text: "import { report } from '../src/report.js';\nconsole.assert(report([1, 2]) === 2);\n",
    message: 'Test the report',
  },
];

/**
 * Creates the fixture repository in `workspace` and copies sample data into it and into `home`.
 * @param {{workspace: string, home: string, repoSlug?: string}} options
 * @returns {{workspace: string, home: string, branch: string, origin: string}}
 */
export function createFixtureWorkspace({ workspace, home, repoSlug = 'acme/prodlens-demo' }) {
  mkdirSync(workspace, { recursive: true });
  mkdirSync(home, { recursive: true });
  const origin = `https://github.com/${repoSlug}.git`;
  const git = (args, extraEnv = {}) =>
    execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], {
      cwd: workspace,
      // The user's global git config must not change the fixture (default branch, hooks, signing).
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', ada.name]);
  git(['config', 'user.email', ada.email]);
  let branch = 'main';
  for (const commit of history) {
    if (commit.branch !== branch) {
      git(['checkout', '-q', '-b', commit.branch]);
      branch = commit.branch;
    }
    const file = path.join(workspace, commit.file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, commit.text);
    git(['add', commit.file]);
    git(['commit', '-q', '-m', commit.message], {
      GIT_AUTHOR_NAME: commit.author.name,
      GIT_AUTHOR_EMAIL: commit.author.email,
      GIT_AUTHOR_DATE: commit.date,
      GIT_COMMITTER_NAME: commit.author.name,
      GIT_COMMITTER_EMAIL: commit.author.email,
      GIT_COMMITTER_DATE: commit.date,
    });
  }
  git(['remote', 'add', 'origin', origin]);
  copySamples(sampleDirs.workspace, workspace, workspace);
  copySamples(sampleDirs.home, home, workspace);
  return { workspace, home, branch, origin };
}

const TEXT_SAMPLE = /\.(json|jsonl|ndjson)$/;

/**
 * Copies a sample tree into `dest`, putting the workspace into names (`__WORKSPACE_SLUG__`) and into the
 * text of JSON files (`__WORKSPACE__`, JSON-escaped). Other files are copied byte for byte.
 */
export function copySamples(src, dest, workspace) {
  if (!existsSync(src)) return;
  const slug = claudeProjectSlug(workspace);
  const jsonPath = JSON.stringify(workspace).slice(1, -1);
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name.replaceAll(WORKSPACE_SLUG, slug));
    if (entry.isDirectory()) copySamples(from, to, workspace);
    else if (TEXT_SAMPLE.test(entry.name)) writeFileSync(to, readFileSync(from, 'utf8').replaceAll(WORKSPACE_PATH, jsonPath));
    else copyFileSync(from, to);
  }
}
