import { silentLogger, scoped, systemClock, type Clock, type Logger } from '../../core/ports';
import type { Store } from '../../core/store/store';
import { syncGitRepo, type GitSyncSummary } from '../git/git-sync';
import { recordViewerLogin } from '../github/viewer';
import { GitError, type GitRunner } from '../git/node-git';
import { readRepoInfo, type RepoInfo } from '../git/repo-info';
import { GitHubClient } from '../github/client';
import { describeGitHubError } from '../github/errors';
import { syncGitHubRepo, type GitHubSyncSummary } from '../github/github-sync';
import { webHost } from '../github/hosts';

export { webHost };

/** How the GitHub part reaches the API; absent means "git only". */
export interface GitHubAccess {
  /** REST API root (`https://api.github.com`, `https://HOST/api/v3`). */
  apiUrl: string;
  /** Where the token comes from, for messages. */
  tokenSource: string;
  /** A token, or undefined when none is available (the GitHub part is skipped, not failed). */
  getToken(): Promise<string | undefined>;
  /** Builds the client (tests inject sleep and clock); default: a real GitHubClient. */
  client?: (token: string, signal: AbortSignal | undefined) => GitHubClient;
}

export interface WorkspaceSyncOptions {
  /** Workspace folders (absolute paths); several folders in one repository are synced once. */
  folders: readonly string[];
  git: GitRunner;
  /** The developer whose commits are `is_mine` (default: git user.email of each repository). */
  developer?: string | null;
  github?: GitHubAccess;
  signal?: AbortSignal;
  logger?: Logger;
  clock?: Clock;
  /** Called before each step with a message and the share (0–100) of the work it represents. */
  onProgress?: (message: string, increment: number) => void;
}

export interface WorkspaceSyncResult {
  git: GitSyncSummary[];
  github: GitHubSyncSummary[];
  /** What was left out and why (not a repository, remote not on GitHub, not signed in). */
  skipped: string[];
  /** What failed, one sentence each. */
  errors: string[];
}

/**
 * Syncs the outcomes of a set of workspace folders: each repository's git history, then — for
 * repositories whose `origin` is on the configured GitHub host — pull requests and commits from GitHub.
 * The token is asked for only when at least one such repository exists.
 */
export async function syncWorkspace(store: Store, opts: WorkspaceSyncOptions): Promise<WorkspaceSyncResult> {
  const { git, signal, logger = silentLogger, clock = systemClock, onProgress = () => {} } = opts;
  const result: WorkspaceSyncResult = { git: [], github: [], skipped: [], errors: [] };
  const repos = new Map<string, RepoInfo>();
  for (const folder of opts.folders) {
    try {
      const info = await readRepoInfo(git, folder, signal);
      if (info) repos.set(info.root, info);
      else result.skipped.push(`${folder}: not a git repository`);
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      result.errors.push(`${folder}: ${err.message}`);
    }
  }
  const targets = opts.github ? [...repos.values()].filter((r) => isOnHost(r, opts.github!.apiUrl)) : [];
  const steps = repos.size + targets.length || 1;

  for (const info of repos.values()) {
    if (signal?.aborted) return result;
    onProgress(`git: ${info.slug}`, 100 / steps);
    const r = await syncGitRepo(store, git, info.root, { signal, clock, logger: scoped(logger, 'git'), developer: opts.developer });
    if (r.ok) result.git.push(r.value);
    else if (!signal?.aborted) result.errors.push(`${info.root}: ${r.reason}`);
  }

  if (opts.github) {
    for (const info of repos.values()) {
      if (!targets.includes(info)) result.skipped.push(`${info.slug}: origin is not on ${webHost(opts.github.apiUrl)}; no GitHub sync`);
    }
    if (!targets.length || signal?.aborted) return result;
    const token = await opts.github.getToken();
    if (!token) {
      result.skipped.push(`GitHub: not signed in (${opts.github.tokenSource}); pull requests not synced`);
      return result;
    }
    const gh = opts.github.client?.(token, signal) ?? new GitHubClient({ token, baseUrl: opts.github.apiUrl, signal, logger: scoped(logger, 'github'), clock });
    await recordViewerLogin(store, gh, logger);
    const seen = new Set<string>();
    for (const info of targets) {
      if (signal?.aborted || seen.has(info.slug)) continue;
      seen.add(info.slug);
      onProgress(`GitHub: ${info.slug}`, 100 / steps);
      const [owner, repo] = info.slug.split('/') as [string, string];
      try {
        result.github.push(await syncGitHubRepo(store, gh, { owner, repo, clock, logger: scoped(logger, 'github') }));
      } catch (err) {
        if (signal?.aborted) return result;
        result.errors.push(`${info.slug}: ${describeGitHubError(err, { slug: info.slug, apiUrl: opts.github.apiUrl, tokenSource: opts.github.tokenSource })}`);
      }
    }
  }
  return result;
}

/** Whether a repository's `origin` is on the GitHub host of `apiUrl` and names an `owner/name`. */
export function isOnHost(info: RepoInfo, apiUrl: string): boolean {
  return !!info.remoteHost && info.slug.includes('/') && info.remoteHost === webHost(apiUrl);
}
