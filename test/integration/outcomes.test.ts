import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import type { WorkspaceSyncResult } from '../../src/sources/outcomes/workspace-sync';
import { prodlens, rows, workspaceFolder } from './support/prodlens-api';

/** The fixture repository's history as git itself reports it: one row per commit, the author day in UTC. */
function gitHistory(cwd: string): { sha: string; email: string; name: string; day: string }[] {
  const out = execFileSync('git', ['log', '--all', '--format=%H%x09%ae%x09%an%x09%aI'], { cwd, encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [sha, email, name, date] = line.split('\t') as [string, string, string, string];
      return { sha, email, name, day: new Date(date).toISOString().slice(0, 10) };
    })
    .sort((a, b) => a.sha.localeCompare(b.sha));
}

describe('outcomes', () => {
  let api: ProdLensApi;
  let result: WorkspaceSyncResult | undefined;
  /** Every token request the command made, and whether it was allowed to show a sign-in. */
  const tokenRequests: Array<{ apiUrl: string; interactive: boolean }> = [];

  before(async function () {
    this.timeout(60_000);
    api = await prodlens();
    // "ProdLens: Sync Git and GitHub" in this workspace (GitHub origin, no network) for a user who is not
    // signed in to GitHub and dismisses the sign-in: VS Code's own prompt is modal and nobody could answer
    // it here, so the sign-in comes through the auth interface, answering "no session".
    const override = api.outcomes.overrideGitHubAuth({
      getToken: async (apiUrl, interactive) => {
        tokenRequests.push({ apiUrl, interactive });
        return undefined;
      },
      describe: () => 'the test’s GitHub sign-in, declined',
    });
    try {
      result = await vscode.commands.executeCommand<WorkspaceSyncResult | undefined>('prodlens.syncOutcomes');
    } finally {
      override.dispose();
    }
  });

  it('reads every commit of the workspace repository with its author and UTC day', async () => {
    assert.ok(result, 'the sync returned no result');
    assert.deepEqual(result.errors, []);
    const cwd = workspaceFolder();
    const history = gitHistory(cwd);
    const store = await api.services.store();
    const stored = rows(
      store,
      `SELECT sha, author_email, author_name, event_date FROM commits
        WHERE repo_slug = 'acme/prodlens-demo' AND unreachable_at IS NULL ORDER BY sha`,
    ).map(([sha, email, name, day]) => ({ sha, email, name, day }));
    stored.sort((a, b) => String(a.sha).localeCompare(String(b.sha)));
    assert.deepEqual(stored, history);
    // A commit made at 23:45 in New York counts on the next UTC day.
    assert.ok(new Set(history.map((c) => c.day)).size < history.length, 'the fixture has two commits on one UTC day');
  });

  it('tells the developer’s own commits (git user.email) from the team’s', async () => {
    const cwd = workspaceFolder();
    const me = execFileSync('git', ['config', 'user.email'], { cwd, encoding: 'utf8' }).trim();
    const store = await api.services.store();
    const mine = rows(store, "SELECT author_email, is_mine FROM commits WHERE repo_slug = 'acme/prodlens-demo'");
    assert.ok(mine.length > 0);
    for (const [email, isMine] of mine) assert.equal(isMine, email === me ? 1 : 0, `is_mine of a commit by ${String(email)}`);
  });

  it('asks for GitHub once, because the user ran it, and for github.com (the origin’s host)', () => {
    assert.deepEqual(tokenRequests, [{ apiUrl: 'https://api.github.com', interactive: true }]);
  });

  it('without a GitHub session still syncs git, and says GitHub was skipped and why', () => {
    assert.ok(result, 'the sync returned no result');
    assert.equal(result.git.length, 1, 'the workspace repository was read');
    assert.deepEqual(result.github, [], 'no GitHub repository was synced');
    assert.ok(
      result.skipped.some((s) => /^GitHub: not signed in \(the test’s GitHub sign-in, declined\); pull requests not synced$/.test(s)),
      `no "not signed in" reason among: ${JSON.stringify(result.skipped)}`,
    );
    assert.deepEqual(result.errors, []);
  });
});
