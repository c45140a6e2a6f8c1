import { statSync } from 'node:fs';
import path from 'node:path';
import { repoSlugFromUrl } from '../../core/normalize/repo';
import { GitError, type GitRunner } from './node-git';

/** What the sync needs to know about a repository folder. */
export interface RepoInfo {
  /** The working tree's top-level folder (absolute). */
  root: string;
  /** `owner/name` from the `origin` remote, else the top-level folder's name. */
  slug: string;
  /** The `origin` URL as configured (credentials removed), or null. */
  remoteUrl: string | null;
  /** Host of the `origin` remote (e.g. `github.com`), lower case, or null. */
  remoteHost: string | null;
  /** git `user.email` in this repository (lower case), or null when unset. */
  userEmail: string | null;
}

/**
 * Reads the repository containing `dir`. Returns null when `dir` is not inside a git working tree;
 * other git failures (git missing, unreadable repository) throw GitError.
 */
export async function readRepoInfo(git: GitRunner, dir: string, signal?: AbortSignal): Promise<RepoInfo | null> {
  // A missing cwd makes spawn fail with ENOENT, which would read as "git not installed".
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return null;
  let root: string;
  try {
    root = (await git.run(['rev-parse', '--show-toplevel'], { cwd: dir, signal })).trim();
  } catch (err) {
    if (err instanceof GitError && !err.notFound && /not a git repository|No such file or directory|ENOENT|ENOTDIR/i.test(err.message + err.stderr))
      return null;
    throw err;
  }
  if (!root) return null;
  root = path.resolve(root);
  const remoteUrl = stripCredentials(await configValue(git, root, 'remote.origin.url', signal));
  const email = await configValue(git, root, 'user.email', signal);
  const slug = (remoteUrl && repoSlugFromUrl(remoteUrl)) || path.basename(root);
  return { root, slug, remoteUrl, remoteHost: remoteUrl ? remoteHost(remoteUrl) : null, userEmail: email ? email.toLowerCase() : null };
}

/** `git config --get KEY`, null when unset (git exits 1). */
async function configValue(git: GitRunner, cwd: string, key: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const v = (await git.run(['config', '--get', key], { cwd, signal })).trim();
    return v || null;
  } catch (err) {
    if (err instanceof GitError && err.exitCode === 1) return null;
    throw err;
  }
}

/** The host of a git remote URL (https, ssh, git, scp-like `user@host:path`), lower case; null if none. */
export function remoteHost(url: string): string | null {
  const s = url.trim();
  if (s.includes('://')) {
    try {
      return new URL(s).hostname.toLowerCase() || null;
    } catch {
      return null;
    }
  }
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)/.exec(s);
  return scp?.[1] ? scp[1].toLowerCase() : null;
}

/** Removes `user:password@` from URLs so a token embedded in a remote never reaches the database or logs. */
function stripCredentials(url: string | null): string | null {
  if (!url || !url.includes('://')) return url;
  try {
    const u = new URL(url);
    if (!u.password && !u.username) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}
