import { repoSlugFromUrl } from '../../core/normalize/repo';
import { scoped } from '../../core/ports';
import { DEFAULT_API_URL, GitHubClient } from '../../sources/github/client';
import { describeGitHubError } from '../../sources/github/errors';
import { syncGitHubRepo, type GitHubSyncSummary } from '../../sources/github/github-sync';
import { recordViewerLogin } from '../../sources/github/viewer';
import { cliLogger, openCliStore, parseCommandArgs, parseDay, resolveDbPath, type CliIO, type Command } from '../context';
import { CliError, EXIT_OK, usageError } from '../errors';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const syncGitHubCommand: Command = {
  summary: 'read pull requests and commits from GitHub into the database',
  help: [
    'Usage: prodlens sync-github --repo OWNER/NAME [--api-url URL] [--since YYYY-MM-DD] [--json] [--db FILE]',
    '',
    "Reads the repository's pull requests (created, merged, closed, reopened, lines changed) and default-branch",
    'commits, incrementally: unchanged data is answered 304 by GitHub and costs no rate limit.',
    'Refreshes daily_github_metrics. The token comes from GITHUB_TOKEN (read access to pull requests, issues',
    'and contents; a classic token needs the `repo` scope for private repositories).',
    '  --repo OWNER/NAME  the repository (a GitHub URL works too)',
    '  --api-url URL      REST API root (default $GITHUB_API_URL or https://api.github.com;',
    '                     GitHub Enterprise Server: https://HOST/api/v3)',
    '  --since DAY        first sync only: how far back to read (default: 365 days)',
    '  --json             print the sync summary as JSON',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, {
      repo: { type: 'string' },
      'api-url': { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.repo) throw usageError('--repo OWNER/NAME is required');
    const slug = repoSlugFromUrl(values.repo);
    if (!slug) throw usageError(`--repo must be OWNER/NAME, got ${JSON.stringify(values.repo)}`);
    const apiUrl = parseApiUrl(values['api-url'] ?? io.env.GITHUB_API_URL ?? DEFAULT_API_URL);
    const since = parseDay(values.since, '--since');
    const token = io.env.GITHUB_TOKEN?.trim();
    if (!token) {
      throw new CliError(
        'GITHUB_TOKEN is not set. Create a token with read access to the repository (fine-grained: Pull requests, Issues and Contents: read; classic: `repo` scope) and run: GITHUB_TOKEN=<token> prodlens sync-github --repo ' +
          slug,
      );
    }
    const logger = cliLogger(io, !!values.verbose);
    const [owner, repo] = slug.split('/') as [string, string];
    const store = await openCliStore(resolveDbPath(values.db, io), logger, false);
    let summary: GitHubSyncSummary;
    try {
      const gh = new GitHubClient({ token, baseUrl: apiUrl, signal: io.signal, logger: scoped(logger, 'github') });
      await recordViewerLogin(store, gh, logger);
      summary = await syncGitHubRepo(store, gh, { owner, repo, since: since ? `${since}T00:00:00.000Z` : undefined, logger: scoped(logger, 'github') });
    } catch (err) {
      throw new CliError(describeGitHubError(err, { slug, apiUrl, tokenSource: 'GITHUB_TOKEN' }));
    } finally {
      await store.close();
    }
    io.stdout(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatGitHubSummary(summary));
    return EXIT_OK;
  },
};

function parseApiUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'https:' || u.protocol === 'http:') return value.replace(/\/+$/, '');
  } catch {
    // fall through
  }
  throw usageError(`--api-url must be an http(s) URL such as https://api.github.com, got ${JSON.stringify(value)}`);
}

export function formatGitHubSummary(s: GitHubSyncSummary): string {
  return (
    `${s.repo_slug} via ${s.api_url}: ${s.pulls_changed} pull request(s) changed (${s.pulls_inserted} new, ${s.pulls_updated} updated), ` +
    `${s.reopen_events} reopen event(s), ${s.commits_inserted} new commit(s); ${s.days_refreshed} day(s) of daily_github_metrics refreshed\n` +
    `  ${s.requests} request(s), ${s.not_modified} answered 304 (free), ${s.retries} retried (${(s.waited_ms / 1000).toFixed(1)} s waited)` +
    `${s.rate_remaining === null ? '' : `, rate limit remaining ${s.rate_remaining}`}${s.rejected ? `; ${s.rejected} item(s) kept as dead letters` : ''}\n`
  );
}
