import path from 'node:path';
import { normalizeDeveloperId } from '../../core/normalize/ids';
import { systemClock, type Clock } from '../../core/ports';
import type { AttributeHook } from '../agents/kinds';
import { GitError, type GitRunner } from './node-git';
import { readRepoInfo } from './repo-info';

/**
 * Attribution of rows whose source names no developer, repository or branch (agent transcripts and
 * histories, editor insertions): resolved from the working folder the row happened in.
 *
 * - `repo_slug`: the folder's repository as `prodlens sync-git` names it (`owner/name` of `origin`, else the
 *   top-level folder's name), so AI rows and commits meet in the repository filter.
 * - `branch`: the checked-out branch (`git symbolic-ref HEAD`). Only true now: `applyAttribution()` gives it to
 *   rows near the time it was read (15 minutes), never to an old transcript read later.
 * - `developer_id`: the override (setting `prodlens.developerId`, CLI `--developer`, `$PRODLENS_DEVELOPER`),
 *   else git `user.email` in that folder (repository, global or system configuration), else the fallback
 *   folder's (the workspace) — never made up: null when none is known.
 *
 * No git runs when `git` is null (an untrusted workspace: git can run programs a repository's configuration
 * names); then only the override is given. Results are cached per folder for {@link CACHE_MS}.
 */
export interface FolderAttribution {
  repo_slug: string | null;
  branch: string | null;
  developer_id: string | null;
  /** When the folder was read (epoch ms): `branch` is what HEAD was then. */
  readAt: number;
}

export interface FolderAttributorOptions {
  /** null: never run git (untrusted workspace, or git unavailable). */
  git: GitRunner | null;
  /** The developer's identity set by the user; wins over git `user.email`. */
  developerOverride?: string | null;
  /** A folder whose `user.email` stands in when the row's own folder has none (the workspace, the CLI's cwd). */
  fallbackFolder?: string | null;
  clock?: Clock;
}

/** How long a folder's resolution is reused before git is asked again (branches change). */
export const CACHE_MS = 60_000;
/** A row gets the folder's current branch only if it happened this close to when the branch was read. */

export class FolderAttributor {
  private readonly cache = new Map<string, { at: number; value: Promise<FolderAttribution> }>();
  private readonly clock: Clock;
  private fallbackEmail: Promise<string | null> | undefined;

  constructor(private readonly opts: FolderAttributorOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  /** The developer id set by the user, normalized like every developer_id (emails lower-cased). */
  get override(): string | null {
    const o = this.opts.developerOverride?.trim();
    return o ? normalizeDeveloperId(o) : null;
  }

  /** The developer, repository and branch of `folder` (cached). Never throws: unknown parts are null. */
  resolve(folder: string): Promise<FolderAttribution> {
    const key = path.resolve(folder);
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_MS) return hit.value;
    const value = this.read(key, now);
    this.cache.set(key, { at: now, value });
    return value;
  }

  /** The hook the transcript and history scans take. */
  get hook(): AttributeHook {
    return (cwd) => this.resolve(cwd);
  }

  /** The developer when no folder is known (the override, else the fallback folder's `user.email`). */
  async developer(): Promise<string | null> {
    return this.override ?? (await this.fallback());
  }

  private async read(folder: string, now: number): Promise<FolderAttribution> {
    const out: FolderAttribution = { repo_slug: null, branch: null, developer_id: this.override, readAt: now };
    const git = this.opts.git;
    if (!git) return out;
    try {
      const info = await readRepoInfo(git, folder);
      if (info) {
        out.repo_slug = info.slug;
        out.developer_id ??= info.userEmail;
        out.branch = await currentBranch(git, info.root);
      } else if (out.developer_id === null) {
        out.developer_id = await userEmail(git, folder);
      }
    } catch {
      // git missing or the folder unreadable: nothing known from it.
    }
    out.developer_id ??= await this.fallback();
    return out;
  }

  private fallback(): Promise<string | null> {
    const git = this.opts.git;
    const dir = this.opts.fallbackFolder;
    if (!git || !dir) return Promise.resolve(null);
    this.fallbackEmail ??= userEmail(git, dir);
    return this.fallbackEmail;
  }
}

/** `git config user.email` as seen from `dir` (global configuration outside a repository), lower case. */
async function userEmail(git: GitRunner, dir: string): Promise<string | null> {
  try {
    const v = (await git.run(['config', '--get', 'user.email'], { cwd: dir })).trim();
    return v ? v.toLowerCase() : null;
  } catch {
    return null;
  }
}

async function currentBranch(git: GitRunner, root: string): Promise<string | null> {
  try {
    return (await git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: root })).trim() || null;
  } catch (err) {
    // Detached HEAD exits 1.
    if (err instanceof GitError) return null;
    throw err;
  }
}
