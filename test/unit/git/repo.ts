import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/events';

export interface Person {
  name: string;
  email: string;
}

export const ME: Person = { name: 'Mia Me', email: 'me@example.com' };
export const ANN: Person = { name: 'Ann Teammate', email: 'ann@example.com' };

/** A real git repository in a temp folder, driven by the `git` binary with controlled dates and authors. */
export class TestRepo {
  private constructor(
    readonly dir: string,
    readonly cleanup: () => void,
  ) {}

  /** `git init` with the developer's own identity configured (user.email), optionally an origin remote. */
  static init(opts: { origin?: string; name?: string; email?: string | null } = {}): TestRepo {
    const t = tempDir('prodlens-git-');
    const dir = path.join(t.dir, opts.name ?? 'work');
    mkdirSync(dir);
    const repo = new TestRepo(dir, t.cleanup);
    repo.git(['init', '-q', '-b', 'main']);
    if (opts.email !== null) repo.git(['config', 'user.email', opts.email ?? ME.email]);
    repo.git(['config', 'user.name', ME.name]);
    repo.git(['config', 'commit.gpgsign', 'false']);
    if (opts.origin) repo.git(['remote', 'add', 'origin', opts.origin]);
    return repo;
  }

  /** Runs git in the repository (global and system config ignored, so the machine's settings don't leak in). */
  git(args: string[], env: Record<string, string> = {}): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...env },
    }).trim();
  }

  /** Writes files, stages everything and commits as `author` at `date` (ISO 8601 with offset); returns the SHA. */
  commit(opts: { author: Person; date: string; files: Record<string, string | Buffer>; message?: string; committerDate?: string; amend?: boolean }): string {
    for (const [file, content] of Object.entries(opts.files)) {
      mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
      writeFileSync(path.join(this.dir, file), content);
    }
    this.git(['add', '-A']);
    const args = ['commit', '-q', '--allow-empty', '-m', opts.message ?? 'change'];
    // An amend keeps the original author and author date, as `git commit --amend` does by default.
    if (opts.amend) args.push('--amend');
    this.git(args, this.identity(opts.author, opts.date, opts.committerDate));
    return this.head();
  }

  /** A merge commit (`--no-ff`) of `branch` into the current branch. */
  merge(branch: string, author: Person, date: string): string {
    this.git(['merge', '-q', '--no-ff', '-m', `merge ${branch}`, branch], this.identity(author, date));
    return this.head();
  }

  /** Rebases the current branch onto `onto`, with a fixed committer date. */
  rebase(onto: string, committerDate: string): void {
    this.git(['rebase', '-q', onto], { GIT_COMMITTER_NAME: ME.name, GIT_COMMITTER_EMAIL: ME.email, GIT_COMMITTER_DATE: committerDate });
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']);
  }

  identity(author: Person, date: string, committerDate = date): Record<string, string> {
    return {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
      GIT_COMMITTER_DATE: committerDate,
    };
  }
}

/** `n` numbered lines of text. */
export function lines(n: number, prefix = 'line'): string {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join('');
}
