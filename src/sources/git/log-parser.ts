import { isoUtc, utcDay } from '../../core/normalize/time';
import type { CommitRecord } from '../outcomes/commits-table';

const RS = '\x1e';
const US = '\x1f';

/**
 * `git log` format: one header line per commit starting with RS, fields separated by US — SHA, parents,
 * author name and email (mailmap applied), raw author email, author and committer time as epoch seconds.
 * `--numstat` lines (`added<TAB>removed<TAB>path`, `-` for binary files) follow each header.
 * No subject or body is read: commit messages stay out of the database.
 */
export const LOG_FORMAT = `--format=${RS}%H${US}%P${US}%aN${US}%aE${US}%ae${US}%at${US}%ct`;

/** Options that make `git log --numstat` output independent of the user's configuration. */
export const LOG_ARGS = [
  '-c',
  'core.quotepath=on',
  '-c',
  'log.showSignature=false',
  'log',
  '--stdin',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--numstat',
  '--find-renames',
  LOG_FORMAT,
] as const;

export interface LogContext {
  repoSlug: string;
  /** git `user.email`, lower case: commits by this author are the developer's own. */
  userEmail: string | null;
  /** Other addresses of the developer, lower case (the `.mailmap` canonical form of `userEmail`). */
  aliases?: readonly string[];
}

/** A header or numstat line that could not be read, with why. */
export interface LogReject {
  line: string;
  reason: string;
}

/**
 * Turns `git log` output lines (LOG_ARGS) into commit records, one commit at a time, so a history of any
 * size streams through bounded memory.
 */
export class LogParser {
  private current: CommitRecord | undefined;

  constructor(
    private readonly ctx: LogContext,
    private readonly emit: (c: CommitRecord) => void,
    private readonly reject: (r: LogReject) => void = () => {},
  ) {}

  push(line: string): void {
    if (line.startsWith(RS)) {
      this.end();
      this.current = this.header(line.slice(1));
      return;
    }
    if (!line || !this.current) return;
    const m = /^(\d+|-)\t(\d+|-)\t/.exec(line);
    if (!m) return;
    const c = this.current;
    c.files_changed = (c.files_changed ?? 0) + 1;
    // Binary files (`-`) change no lines.
    if (m[1] !== '-') c.lines_added = (c.lines_added ?? 0) + Number(m[1]);
    if (m[2] !== '-') c.lines_removed = (c.lines_removed ?? 0) + Number(m[2]);
  }

  /** Emits the last commit. */
  end(): void {
    if (this.current) this.emit(this.current);
    this.current = undefined;
  }

  private header(h: string): CommitRecord | undefined {
    const f = h.split(US);
    const [sha, parents, name, email, rawEmail, at, ct] = f;
    if (f.length !== 7 || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha ?? '') || !/^-?\d+$/.test(at ?? '') || !/^-?\d+$/.test(ct ?? '')) {
      this.reject({ line: h.slice(0, 200), reason: 'unreadable git log header' });
      return undefined;
    }
    const authorMs = Number(at) * 1000;
    const isMerge = parents!.trim().split(' ').filter(Boolean).length > 1;
    const me = this.ctx.userEmail;
    const mine = me ? [me, ...(this.ctx.aliases ?? [])] : [];
    const emails = [email, rawEmail].map((e) => (e ?? '').toLowerCase());
    return {
      sha: sha!,
      repo_slug: this.ctx.repoSlug,
      author: emails[0] || null,
      author_name: name || null,
      author_email: emails[0] || null,
      timestamp: isoUtc(authorMs),
      committed_at: isoUtc(Number(ct) * 1000),
      event_date: utcDay(authorMs),
      // git prints no diff for merges; their lines stay unmeasured rather than zero.
      lines_added: isMerge ? null : 0,
      lines_removed: isMerge ? null : 0,
      files_changed: isMerge ? null : 0,
      is_merge: isMerge,
      is_mine: me ? emails.some((e) => e !== '' && mine.includes(e)) : null,
      source: 'git',
    };
  }
}
