import path from 'node:path';
import { scoped } from '../../core/ports';
import { syncGitRepo, type GitSyncSummary } from '../../sources/git/git-sync';
import { GitRunner } from '../../sources/git/node-git';
import { cliLogger, openCliStore, parseCommandArgs, resolveDbPath, type CliIO, type Command } from '../context';
import { EXIT_DATA, EXIT_OK } from '../errors';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const syncGitCommand: Command = {
  summary: 'read commits from git repositories into the database',
  help: [
    'Usage: prodlens sync-git [--repo DIR]... [--developer ID] [--json] [--db FILE]',
    '',
    'Reads the commits of each repository (default: the one containing the current folder): author, author',
    'and commit time (UTC), lines added/removed (git log --numstat), merges flagged, and whether you wrote',
    'them (git user.email, or --developer / $PRODLENS_DEVELOPER; .mailmap honoured). Incremental: only commits new since the last sync are read; commits that',
    'disappeared from every branch (amend, rebase) stop counting. Refreshes daily_github_metrics.',
    '  --repo DIR   a repository folder (repeat for several)',
    '  --developer ID',
    '               the email whose commits are yours (default $PRODLENS_DEVELOPER, else git user.email)',
    '  --json       print {"repos":[…],"failed":[…]}',
    'Uses the `git` on PATH (or $PRODLENS_GIT).',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, { repo: { type: 'string', multiple: true }, json: { type: 'boolean' }, developer: { type: 'string' } });
    const developer = (values.developer ?? io.env.PRODLENS_DEVELOPER)?.trim() || null;
    const dirs = (values.repo?.length ? values.repo : ['.']).map((d) => path.resolve(io.cwd, d));
    const logger = cliLogger(io, !!values.verbose);
    const git = new GitRunner(io.env.PRODLENS_GIT || 'git');
    const store = await openCliStore(resolveDbPath(values.db, io), logger, false);
    const repos: GitSyncSummary[] = [];
    const failed: { dir: string; reason: string }[] = [];
    try {
      for (const dir of dirs) {
        const r = await syncGitRepo(store, git, dir, { signal: io.signal, logger: scoped(logger, 'git'), developer });
        if (r.ok) repos.push(r.value);
        else failed.push({ dir, reason: r.reason });
        if (io.signal.aborted) break;
      }
    } finally {
      await store.close();
    }
    if (values.json) io.stdout(`${JSON.stringify({ repos, failed }, null, 2)}\n`);
    else for (const s of repos) io.stdout(formatGitSummary(s));
    for (const s of repos) {
      if (!s.user_email_set)
        io.stderr(`warning: git user.email is not set in ${s.root}: no commit there counts as yours (git config user.email you@example.com)\n`);
    }
    for (const f of failed) io.stderr(`prodlens sync-git: ${f.dir}: ${f.reason}\n`);
    return failed.length ? EXIT_DATA : EXIT_OK;
  },
};

export function formatGitSummary(s: GitSyncSummary): string {
  return (
    `${s.repo_slug} (${s.root}): read ${s.read} commit(s): ${s.inserted} new, ${s.updated} updated, ` +
    `${s.unreachable} no longer on any branch; ${s.days_refreshed} day(s) of daily_github_metrics refreshed\n`
  );
}
