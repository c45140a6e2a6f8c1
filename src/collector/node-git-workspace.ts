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

function git(gitPath: string, dir: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(gitPath, ['-C', dir, ...args], { timeout: 3000, windowsHide: true }, (err, stdout) => resolve(err ? null : stdout.trim() || null));
  });
}

/** Reads the remote and branch of `dir` with the `git` command; nulls when git or the repository is missing. */
export async function readWorkspaceVcs(dir: string, gitPath = 'git'): Promise<WorkspaceVcs> {
  const run = (args: string[]) => git(gitPath, dir, args);
  const [origin, branch] = await Promise.all([run(['remote', 'get-url', 'origin']), run(['symbolic-ref', '--quiet', '--short', 'HEAD'])]);
  let remote = origin;
  if (!remote) {
    const first = (await run(['remote']))?.split('\n')[0];
    if (first) remote = await run(['remote', 'get-url', first]);
  }
  const repoUrl = remote ? redactRemoteUrl(remote) : null;
  return { repoUrl, repo_slug: repoSlugFromUrl(repoUrl), branch };
}
