import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildReport } from '../../../src/core/report/build';
import { findAgentEdit } from '../../../src/core/retention/agent-match';
import { pathHash } from '../../../src/core/retention/path-hash';
import { Store } from '../../../src/core/store/store';
import { scanHistories } from '../../../src/sources/agents';
import { applyAttribution } from '../../../src/sources/agents/kinds';
import { FolderAttributor } from '../../../src/sources/git/attribution';
import { syncGitRepo } from '../../../src/sources/git/git-sync';
import { GitHubClient } from '../../../src/sources/github/client';
import { syncGitHubRepo } from '../../../src/sources/github/github-sync';
import { recordViewerLogin } from '../../../src/sources/github/viewer';
import { GitRunner } from '../../../src/sources/git/node-git';
import { scanTranscripts } from '../../../src/sources/transcripts';
import { binary, cli } from '../helpers/cli';
import { event, prices, sqlLoader, tempDir } from '../helpers/events';
import { ANN, ME, TestRepo, type Person } from '../git/repo';
import { FakeGitHub } from '../github/fake-github';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/** git isolated from the machine's configuration (no global user.email leaks into "never invented"). */
const ISOLATED = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = new GitRunner('git', ISOLATED);
const TRANSCRIPTS = path.resolve(__dirname, '../../fixtures/transcripts');
/** The folder the recorded sessions ran in; the copies point at the temp repository instead. */
const RECORDED_CWD = '/home/dev/acme-api';

/** The developer's old address, mapped to the current one by the repository's .mailmap. */
const ME_OLD: Person = { name: 'Mia Me', email: 'mia@old.example.com' };

/**
 * A repository with two authors and a .mailmap: ME commits under the current and the old address, ANN under
 * hers; HEAD is on `feature/x` so a branch read from HEAD is told apart from the transcript's `main`.
 */
function teamRepo(): { repo: TestRepo; mine: number; all: number } {
  const repo = TestRepo.init({ origin: 'git@github.com:acme/api.git', name: 'acme-api' });
  const commits: Array<[Person, string]> = [
    [ME, '2026-01-05T09:00:00Z'],
    [ME_OLD, '2026-01-05T11:00:00Z'],
    [ANN, '2026-01-05T12:00:00Z'],
    [ANN, '2026-01-06T09:30:00Z'],
    [ANN, '2026-01-06T10:30:00Z'],
    [ME, '2026-01-06T15:00:00Z'],
    [ANN, '2026-01-07T10:00:00Z'],
  ];
  repo.commit({ author: ME, date: '2026-01-04T10:00:00Z', files: { '.mailmap': `${ME.name} <${ME.email}> <${ME_OLD.email}>\n` } });
  commits.forEach(([who, date], i) => repo.commit({ author: who, date, files: { [`f${i}.txt`]: `${i}\n` } }));
  repo.git(['checkout', '-q', '-b', 'feature/x']);
  const mine = 1 + commits.filter(([p]) => p.name === ME.name).length;
  return { repo, mine, all: commits.length + 1 };
}

/** Copies the Claude and Codex fixtures (or another fixture tree) with every recorded working folder rewritten to `cwd`. */
function copyTranscripts(dest: string, cwd: string, from = TRANSCRIPTS): string {
  cpSync(from, dest, { recursive: true });
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.jsonl') || p.endsWith('.json'))
        writeFileSync(p, readFileSync(p, 'utf8').split(JSON.stringify(RECORDED_CWD).slice(1, -1)).join(JSON.stringify(cwd).slice(1, -1)));
    }
  };
  walk(dest);
  return dest;
}

function rows(store: Store, sql: string, params: Array<string | number> = []): Array<Record<string, unknown>> {
  const r = rawDatabaseForTests(store).exec(sql, params)[0];
  return (r?.values ?? []).map((v) => Object.fromEntries(r!.columns.map((c, i) => [c, v[i]])));
}

describe('attribution of transcript rows and the personal report', () => {
  let tmp: ReturnType<typeof tempDir>;
  let team: ReturnType<typeof teamRepo>;
  let store: Store;
  beforeEach(async () => {
    tmp = tempDir('prodlens-attr-');
    team = teamRepo();
    store = await Store.open({ path: null, sql: await sqlLoader.load() });
  });
  afterEach(async () => {
    await store.close();
    team.repo.cleanup();
    tmp.cleanup();
  });

  it('gives Claude and Codex rows the developer, repository and branch of the folder the session ran in', async () => {
    const copy = copyTranscripts(path.join(tmp.dir, 'transcripts'), team.repo.dir);
    const attributor = new FolderAttributor({ git });
    await scanTranscripts([path.join(copy, 'claude/projects'), path.join(copy, 'codex/sessions')], store, {
      prices,
      workspaceFolders: null,
      attribute: attributor.hook,
    });
    const inRepo = rows(store, `SELECT source, developer_id, repo_slug, branch, COUNT(*) AS n FROM sessions WHERE repo_slug = 'acme/api' GROUP BY 1, 2, 3, 4`);
    const sources = new Set(inRepo.map((r) => r.source));
    assert.ok(sources.has('claude-code-transcript') && sources.has('codex-transcript'), JSON.stringify(inRepo));
    for (const r of inRepo) assert.equal(r.developer_id, ME.email, JSON.stringify(r));
    // Claude's own gitBranch wins over HEAD (feature/x); these sessions are months old, so HEAD's branch is not theirs.
    const claudeBranches = new Set(inRepo.filter((r) => r.source === 'claude-code-transcript').map((r) => r.branch));
    assert.ok(claudeBranches.has('main') && !claudeBranches.has('feature/x'), JSON.stringify([...claudeBranches]));
    // /home/dev/other-proj does not exist here: no repository, no developer — nothing invented.
    const elsewhere = rows(store, `SELECT developer_id, repo_slug FROM sessions WHERE session_id IN ('c0ffee00-1234-4abc-9def-0123456789ab')`);
    assert.ok(elsewhere.length > 0);
    for (const r of elsewhere) assert.deepEqual(r, { developer_id: null, repo_slug: null });
    // The report says how many events have no developer.
    const m = buildReport(store, { since: '2026-01-01', until: '2026-01-10' }, { prices, nowMs: Date.parse('2026-01-10T12:00:00Z') });
    const without = rows(
      store,
      `SELECT COUNT(*) AS n FROM sessions WHERE developer_id IS NULL AND duplicate_of IS NULL AND kind IN ('request', 'error', 'edit') AND event_date BETWEEN '2026-01-01' AND '2026-01-10'`,
    )[0]!.n as number;
    assert.ok(without > 0);
    assert.equal(m.attribution!.eventsWithoutDeveloper, without);
    assert.ok(
      m.attribution!.notes.some((n) => n.startsWith(`${without} AI event(s) in this period without a developer`)),
      JSON.stringify(m.attribution!.notes),
    );
  });

  it('gives Cline and Roo Code history rows the developer and repository of the task’s folder', async () => {
    const gs = copyTranscripts(path.join(tmp.dir, 'globalStorage'), team.repo.dir, path.resolve(__dirname, '../../fixtures/agents/vscode/User/globalStorage'));
    await scanHistories([path.join(gs, 'saoudrizwan.claude-dev'), path.join(gs, 'rooveterinaryinc.roo-cline')], store, {
      prices,
      workspaceFolders: null,
      attribute: new FolderAttributor({ git }).hook,
    });
    const bySource = rows(store, `SELECT source, developer_id, repo_slug, COUNT(*) AS n FROM sessions GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    for (const source of ['cline-history', 'roo-code-history']) {
      assert.ok(
        bySource.some((r) => r.source === source && r.developer_id === ME.email && r.repo_slug === 'acme/api'),
        `${source}: ${JSON.stringify(bySource)}`,
      );
    }
    // The Cline task in /home/dev/other-proj (absent here) stays without.
    assert.ok(
      bySource.some((r) => r.source === 'cline-history' && r.developer_id === null && r.repo_slug === null),
      JSON.stringify(bySource),
    );
  });

  it('takes the override over user.email, the fallback folder for folders without one, and runs no git when untrusted', async () => {
    const gone = path.join(tmp.dir, 'deleted-project');
    const over = new FolderAttributor({ git, developerOverride: 'Mia.Work@Example.com' });
    assert.deepEqual(
      { ...(await over.resolve(team.repo.dir)), readAt: 0 },
      { repo_slug: 'acme/api', branch: 'feature/x', developer_id: 'mia.work@example.com', readAt: 0 },
    );
    const fallback = new FolderAttributor({ git, fallbackFolder: team.repo.dir });
    assert.deepEqual({ ...(await fallback.resolve(gone)), readAt: 0 }, { repo_slug: null, branch: null, developer_id: ME.email, readAt: 0 });
    assert.equal((await new FolderAttributor({ git }).resolve(gone)).developer_id, null);
    // Untrusted: a runner that fails if called proves no git ran.
    const refusing = new GitRunner(path.join(tmp.dir, 'no-such-git'), ISOLATED);
    const untrusted = new FolderAttributor({ git: null, developerOverride: null, fallbackFolder: team.repo.dir });
    assert.deepEqual({ ...(await untrusted.resolve(team.repo.dir)), readAt: 0 }, { repo_slug: null, branch: null, developer_id: null, readAt: 0 });
    assert.equal((await new FolderAttributor({ git: null, developerOverride: 'me@example.com' }).resolve(team.repo.dir)).developer_id, 'me@example.com');
    assert.equal((await new FolderAttributor({ git: refusing }).resolve(team.repo.dir)).repo_slug, null);
  });

  it('gives the current branch only to rows near the time it was read, never over the row’s own', () => {
    const at = Date.parse('2026-03-02T10:00:00Z');
    const ev = (time: string, branch: string | null) =>
      ({ timestamp: time, branch, repo_slug: null, developer_id: null }) as unknown as Parameters<typeof applyAttribution>[0][number];
    const evs = [ev('2026-03-02T09:55:00Z', null), ev('2026-03-01T09:55:00Z', null), ev('2026-03-02T09:59:00Z', 'main')];
    applyAttribution(evs, { repo_slug: 'acme/api', branch: 'feature/x', developer_id: 'me@example.com', readAt: at });
    assert.deepEqual(
      evs.map((e) => e.branch),
      ['feature/x', null, 'main'],
    );
    assert.deepEqual(
      evs.map((e) => e.repo_slug),
      ['acme/api', 'acme/api', 'acme/api'],
    );
  });

  it('the personal report counts only the developer’s own commits (.mailmap honoured); all developers count every author', async () => {
    const r = await syncGitRepo(store, git, team.repo.dir);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    const mineRows = rows(store, 'SELECT author_email, is_mine FROM commits ORDER BY timestamp');
    // The old address's commit is mine through the .mailmap; ANN's are not.
    assert.equal(mineRows.filter((c) => c.is_mine === 1).length, team.mine, JSON.stringify(mineRows));
    // The developer named by the old address (the override): the .mailmap maps it to the current one, whose commits count too.
    const other = await Store.open({ path: null, sql: await sqlLoader.load() });
    try {
      assert.ok((await syncGitRepo(other, git, team.repo.dir, { developer: ME_OLD.email })).ok);
      assert.equal(rows(other, 'SELECT COUNT(*) AS n FROM commits WHERE is_mine = 1')[0]!.n, team.mine);
    } finally {
      await other.close();
    }
    const opts = { prices, nowMs: Date.parse('2026-01-10T12:00:00Z') };
    const sum = (v: Array<number | null>) => v.reduce<number>((a, x) => a + (x ?? 0), 0);
    const personal = buildReport(store, { since: '2026-01-01', until: '2026-01-10' }, opts);
    const all = buildReport(store, { since: '2026-01-01', until: '2026-01-10', scope: 'all' }, opts);
    assert.equal(sum(personal.series.commits), team.mine);
    assert.equal(sum(all.series.commits), team.all);
    assert.equal(personal.attribution!.commits, 'mine');
    assert.equal(all.attribution!.commits, 'all');
    assert.deepEqual([personal.attribution!.commitsMine, personal.attribution!.commitsAll], [team.mine, team.all]);
    assert.equal(personal.headline.find((h) => h.key === 'commits')!.value, team.mine);
    assert.equal(personal.byRepo.find((b) => b.key === 'acme/api')!.commits, team.mine);
  });

  it('falls back to every author, and says so, while no commit was synced with an identity', async () => {
    const anon = TestRepo.init({ origin: 'https://github.com/acme/anon.git', name: 'anon', email: null });
    try {
      anon.commit({ author: ME, date: '2026-01-05T09:00:00Z', files: { a: '1' } });
      anon.commit({ author: ANN, date: '2026-01-05T10:00:00Z', files: { b: '1' } });
      assert.ok((await syncGitRepo(store, git, anon.dir)).ok);
      const m = buildReport(store, { since: '2026-01-01', until: '2026-01-10' }, { prices, nowMs: Date.parse('2026-01-10T12:00:00Z') });
      assert.equal(m.attribution!.commits, 'all');
      assert.equal(
        m.series.commits.reduce<number>((a, x) => a + (x ?? 0), 0),
        2,
      );
      assert.match(m.attribution!.notes.join('\n'), /Commits: every author's — no commit was synced with your identity/);
    } finally {
      anon.cleanup();
    }
  });

  it('CLI: sync-git, scan-transcripts (--developer) and report --json: personal by default, --all-developers for the team', async () => {
    const copy = copyTranscripts(path.join(tmp.dir, 'transcripts'), team.repo.dir);
    const db = path.join(tmp.dir, 'cli.sqlite');
    const home = path.join(tmp.dir, 'home');
    mkdirSync(home);
    const env = { ...process.env, ...ISOLATED, HOME: home, PRODLENS_DB: undefined, PRODLENS_DEVELOPER: undefined };
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => cli([...args, '--db', db], { cwd: team.repo.dir, env: { ...env, ...extra } });
    const sync = await run(['sync-git']);
    assert.equal(sync.code, 0, sync.stderr);
    const scan = await run(['scan-transcripts', '--developer', 'Mia.Me@Example.com', path.join(copy, 'claude/projects')]);
    assert.equal(scan.code, 0, scan.stderr);
    const personal = await run(['report', '--json', '--since', '2026-01-01', '--until', '2026-01-10']);
    assert.equal(personal.code, 0, personal.stderr);
    const pm = JSON.parse(personal.stdout);
    const sum = (v: Array<number | null>) => v.reduce<number>((a, x) => a + (x ?? 0), 0);
    assert.equal(sum(pm.series.commits), team.mine);
    assert.equal(pm.attribution.scope, 'mine');
    assert.equal(pm.attribution.developer, ME.email);
    // --developer named the rows' developer (lower-cased), over git user.email.
    assert.ok(pm.options.developers.includes('mia.me@example.com'), JSON.stringify(pm.options.developers));
    assert.ok(!pm.options.developers.includes(ME.email));
    // The bundled binary: the same contract (series.commits = the commits the analysis uses).
    const team_ = await binary(['report', '--json', '--all-developers', '--since', '2026-01-01', '--until', '2026-01-10', '--db', db], {
      cwd: team.repo.dir,
      env: env as NodeJS.ProcessEnv,
    });
    assert.equal(team_.code, 0, team_.stderr);
    assert.equal(sum(JSON.parse(team_.stdout).series.commits), team.all);
    const mineBin = await binary(['report', '--json', '--since', '2026-01-01', '--until', '2026-01-10', '--db', db], {
      cwd: team.repo.dir,
      env: env as NodeJS.ProcessEnv,
    });
    assert.equal(sum(JSON.parse(mineBin.stdout).series.commits), team.mine);
    const text = await run(['report', '--since', '2026-01-01', '--until', '2026-01-10']);
    assert.match(text.stdout, new RegExp(`Personal view for ${ME.email.replace('.', '\\.')}: AI use against your commits \\(${team.mine} of ${team.all}\\)`));
    // import: the folder's own identity; a session whose folder does not exist here gets none (no fallback).
    const db3 = path.join(tmp.dir, 'import.sqlite');
    const imp = await cli(['import', path.join(copy, 'claude/projects'), '--db', db3], { cwd: team.repo.dir, env });
    assert.equal(imp.code, 0, imp.stderr);
    const s3 = await Store.open({ path: db3, sql: await sqlLoader.load() });
    try {
      assert.deepEqual(rows(s3, `SELECT DISTINCT developer_id FROM sessions WHERE repo_slug = 'acme/api'`), [{ developer_id: ME.email }]);
      assert.deepEqual(rows(s3, `SELECT DISTINCT developer_id FROM sessions WHERE session_id = 'c0ffee00-1234-4abc-9def-0123456789ab'`), [
        { developer_id: null },
      ]);
    } finally {
      await s3.close();
    }
    // $PRODLENS_DEVELOPER is the flag's stand-in.
    const db2 = path.join(tmp.dir, 'env.sqlite');
    const scan2 = await cli(['scan-transcripts', path.join(copy, 'claude/projects'), '--db', db2], {
      cwd: team.repo.dir,
      env: { ...env, PRODLENS_DEVELOPER: 'env-dev@example.com' },
    });
    assert.equal(scan2.code, 0, scan2.stderr);
    const s2 = await Store.open({ path: db2, sql: await sqlLoader.load() });
    try {
      assert.deepEqual(rows(s2, `SELECT DISTINCT developer_id FROM sessions WHERE repo_slug = 'acme/api'`), [{ developer_id: 'env-dev@example.com' }]);
    } finally {
      await s2.close();
    }
  });
});

describe('personal pull requests: the GitHub login ProdLens syncs as', () => {
  let server: FakeGitHub;
  let baseUrl: string;
  let store: Store;
  beforeEach(async () => {
    server = new FakeGitHub();
    baseUrl = await server.start();
    store = await Store.open({ path: null, sql: await sqlLoader.load() });
  });
  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  it('records the login (GET /user) and counts only its merged PRs in the personal series', async () => {
    const now = Date.parse('2026-01-12T00:00:00Z');
    const gh = new GitHubClient({ token: server.token, baseUrl, clock: { now: () => now }, sleep: async () => {} });
    assert.equal(await recordViewerLogin(store, gh), 'mia-me');
    await syncGitHubRepo(store, gh, { owner: 'acme', repo: 'widgets', since: '2025-10-01T00:00:00Z', clock: { now: () => now } });
    const opts = { prices, nowMs: now };
    const range = { since: '2025-10-01', until: '2026-01-11' };
    const personal = buildReport(store, range, opts);
    const all = buildReport(store, { ...range, scope: 'all' }, opts);
    const merged = (login: string | null) =>
      rows(
        store,
        `SELECT COUNT(*) AS n FROM pull_requests WHERE merged_at IS NOT NULL AND substr(merged_at, 1, 10) BETWEEN ? AND ?${login ? ' AND author = ?' : ''}`,
        [range.since, range.until, ...(login ? [login] : [])],
      )[0]!.n as number;
    const sum = (v: Array<number | null>) => v.reduce<number>((a, x) => a + (x ?? 0), 0);
    assert.ok(merged('mia-me') > 0 && merged(null) > merged('mia-me'), 'the fixture has merged PRs by several authors');
    assert.equal(sum(personal.series.merged_prs), merged('mia-me'));
    assert.equal(sum(all.series.merged_prs), merged(null));
    assert.equal(personal.attribution!.pullRequests, 'mine');
    assert.deepEqual(personal.attribution!.githubLogins, ['mia-me']);
  });
});

describe('editor insertions: model and agent from the agent edit they match', () => {
  let store: Store;
  beforeEach(async () => {
    store = await Store.open({ path: null, sql: await sqlLoader.load() });
  });
  afterEach(() => store.close());

  /** The model of the assistant message whose tool call produced each Edit result in the recorded session. */
  function recordedEditModels(file: string): Array<{ at: number; file: string; model: string }> {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, any>];
        } catch {
          return [];
        }
      });
    const byUuid = new Map(lines.map((l) => [l.uuid, l]));
    return lines
      .filter((l) => l.toolUseResult && typeof l.toolUseResult === 'object' && 'structuredPatch' in l.toolUseResult)
      .map((l) => ({
        at: Date.parse(l.timestamp),
        file: path.relative(RECORDED_CWD, l.toolUseResult.filePath),
        model: byUuid.get(l.parentUuid)!.message.model,
      }));
  }

  it('takes the model of the request that made the edit (also after a model switch), and the Models table shows unmatched insertions apart', async () => {
    const session = path.join(TRANSCRIPTS, 'claude/projects/-home-dev-acme-api/7f3c2a10-5b1e-4c8d-9a2f-3e4d5c6b7a81.jsonl');
    await scanTranscripts([session], store, { prices, workspaceFolders: null });
    const edits = recordedEditModels(session);
    assert.ok(new Set(edits.map((e) => e.model)).size > 1, 'the session switches models between edits');
    for (const e of edits) {
      const m = findAgentEdit(store, { pathHash: pathHash(e.file) }, e.at + 2_000);
      assert.ok(m, `no match for ${e.file} at ${new Date(e.at).toISOString()}`);
      assert.equal(m.agent, 'claude-code');
      assert.equal(m.model, e.model);
    }

    // Insertions: one matched (model known), one not; plus a request whose source named no model.
    await store.ingest({
      events: [
        event({
          id: 'ins-known',
          source: 'editor',
          kind: 'edit',
          model: edits[0]!.model,
          tokens_in: null,
          tokens_out: null,
          latency_ms: null,
          status_code: null,
          accepted_flag: true,
          lines_added: 4,
          accepted_lines: 4,
        }),
        event({
          id: 'ins-unknown',
          source: 'editor',
          kind: 'edit',
          model: null,
          tokens_in: null,
          tokens_out: null,
          latency_ms: null,
          status_code: null,
          accepted_flag: true,
          lines_added: 3,
          accepted_lines: 2,
        }),
        event({ id: 'req-unknown', model: null }),
      ],
      metrics: [],
      rejects: [],
    });
    const m = buildReport(store, { since: '2026-01-05', until: '2026-01-06' }, { prices, nowMs: Date.parse('2026-01-07T00:00:00Z') });
    const editor = m.models.filter((r) => r.editorUnknown);
    assert.equal(editor.length, 1);
    assert.deepEqual([editor[0]!.insertions, editor[0]!.acceptedLines, editor[0]!.requests], [1, 2, 0]);
    const unknown = m.models.filter((r) => r.model === null && !r.editorUnknown);
    assert.deepEqual(
      unknown.map((r) => [r.requests, r.insertions]),
      [[1, 0]],
    );
    assert.equal(m.models.find((r) => r.model === edits[0]!.model)!.insertions, 1);
  });
});
