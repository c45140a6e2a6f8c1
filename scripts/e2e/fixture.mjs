// The workspace the integration suite and `npm start` open: a real git repository made with `git` (dated commits
// by two authors, a feature branch, a GitHub-style origin) plus sample agent data copied from test/fixtures/e2e/.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './common.mjs';

/** Sample files copied into the workspace / into the extension host's HOME (see test/integration/README.md). */
export const sampleDirs = {
  workspace: path.join(repoRoot, 'test', 'fixtures', 'e2e', 'workspace'),
  home: path.join(repoRoot, 'test', 'fixtures', 'e2e', 'home'),
};

/** A path segment in test/fixtures/e2e/home replaced by the workspace's Claude Code project folder name. */
export const WORKSPACE_SLUG = '__WORKSPACE_SLUG__';

const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };
const grace = { name: 'Grace Hopper', email: 'grace@example.com' };

/** The history: fixed dates (with a non-UTC offset) so day buckets are the same on every run. */
const history = [
  { branch: 'main', author: ada, date: '2026-01-05T09:12:00Z', file: 'README.md', text: '# Demo service\n', message: 'Initial commit' },
  { branch: 'main', author: grace, date: '2026-01-06T14:30:00Z', file: 'src/app.js', text: "export const answer = () => 42;\n", message: 'Add the app entry' },
  { branch: 'feature/report', author: ada, date: '2026-01-07T23:45:00-05:00', file: 'src/report.js', text: "export function report(rows) {\n  return rows.length;\n}\n", message: 'Add a report function' },
  { branch: 'feature/report', author: grace, date: '2026-01-08T10:05:00+01:00', file: 'test/report.test.js', text: "import { report } from '../src/report.js';\nconsole.assert(report([1, 2]) === 2);\n", message: 'Test the report' },
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
  if (existsSync(sampleDirs.workspace)) cpSync(sampleDirs.workspace, workspace, { recursive: true });
  if (existsSync(sampleDirs.home)) {
    cpSync(sampleDirs.home, home, { recursive: true });
    renameSlugFolders(home, workspace.replaceAll('/', '-'));
  }
  return { workspace, home, branch, origin };
}

/** Renames every `__WORKSPACE_SLUG__` folder (e.g. under .claude/projects/) to the real workspace slug. */
function renameSlugFolders(dir, slug) {
  for (const entry of readdirSync(dir)) {
    let full = path.join(dir, entry);
    if (entry === WORKSPACE_SLUG) {
      const renamed = path.join(dir, slug);
      renameSync(full, renamed);
      full = renamed;
    }
    if (statSync(full).isDirectory()) renameSlugFolders(full, slug);
  }
}
