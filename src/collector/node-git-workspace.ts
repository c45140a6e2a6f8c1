import { execFile } from 'node:child_process';
import { repoSlugFromUrl } from '../core/normalize/repo';
import { redactRemoteUrl } from './setup';

/** A workspace folder's repository as the collector uses it (defaults and resource attributes). */
export interface WorkspaceVcs {
  /** The `origin` remote (else the first remote), credentials removed; null outside a repository. */
  repoUrl: string | null;
  /** `owner/name` parsed from the remote. */
  repo_slug: string | null;
  /** The checked-out branch; null when detached or unknown. */
  branch: string | null;
}

function git(dir: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { timeout: 3000, windowsHide: true }, (err, stdout) => resolve(err ? null : stdout.trim() || null));
  });
}

/** Reads the remote and branch of `dir` with the `git` command; nulls when git or the repository is missing. */
export async function readWorkspaceVcs(dir: string): Promise<WorkspaceVcs> {
  const [origin, branch] = await Promise.all([git(dir, ['remote', 'get-url', 'origin']), git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'])]);
  let remote = origin;
  if (!remote) {
    const first = (await git(dir, ['remote']))?.split('\n')[0];
    if (first) remote = await git(dir, ['remote', 'get-url', first]);
  }
  const repoUrl = remote ? redactRemoteUrl(remote) : null;
  return { repoUrl, repo_slug: repoSlugFromUrl(repoUrl), branch };
}
