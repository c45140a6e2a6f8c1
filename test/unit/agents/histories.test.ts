import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scanHistories } from '../../../src/sources/agents';
import { importPaths } from '../../../src/sources/import-paths';
import { prices, tempDir } from '../helpers/events';
import { count, memoryStore } from '../transcripts/helpers';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const AGENTS = path.resolve(__dirname, '../../fixtures/agents');
const GS = path.join(AGENTS, 'vscode/User/globalStorage');

type Row = Record<string, number | string | null>;

function rows(store: Awaited<ReturnType<typeof memoryStore>>, source: string): Row[] {
  const r = rawDatabaseForTests(store).exec(
    `SELECT session_id, kind, event_date, tokens_in, tokens_out, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, model, lines_added, lines_removed, repo_slug, branch, attrs
       FROM sessions WHERE source = ? ORDER BY ts_ms, trace_hash`,
    [source],
  )[0];
  return (r?.values ?? []).map((v) => Object.fromEntries(r!.columns.map((c, i) => [c, v[i] as number | string | null])));
}

function sum(rs: Row[], k: string): number {
  return rs.reduce((a, r) => a + ((r[k] as number) ?? 0), 0);
}

/** Cline's own per-task totals: the task index it keeps (state/taskHistory.json, history_item.json). */
function index(file: string): Array<{ id: string; tokensIn: number; tokensOut: number; cacheWrites: number; cacheReads: number; totalCost: number }> {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return Array.isArray(doc) ? doc : [doc as never];
}

describe('agent histories: Cline, Roo Code, Kilo Code', () => {
  it('Cline: one request per api_req_started with usage; per task, tokens and cost equal Cline’s own task index', async () => {
    const store = await memoryStore();
    const s = await scanHistories([path.join(GS, 'saoudrizwan.claude-dev')], store, { prices, workspaceFolders: null });
    assert.equal(s.files, 2);
    assert.equal(s.deadLettered, 0);
    const all = rows(store, 'cline-history');
    for (const t of index(path.join(GS, 'saoudrizwan.claude-dev/state/taskHistory.json'))) {
      const req = all.filter((r) => r.session_id === t.id && r.kind === 'request');
      // Cline keeps tokensIn, cacheReads and cacheWrites as disjoint buckets.
      assert.equal(sum(req, 'tokens_in'), t.tokensIn);
      assert.equal(sum(req, 'tokens_out'), t.tokensOut);
      assert.equal(sum(req, 'cache_read_tokens'), t.cacheReads);
      assert.equal(sum(req, 'cache_write_tokens'), t.cacheWrites);
      assert.ok(Math.abs(sum(req, 'cost_usd') - t.totalCost) < 1e-9);
    }
    assert.equal(all.filter((r) => r.kind === 'request').length, 4, 'the request still streaming has no usage and is not counted');
    const edits = all.filter((r) => r.kind === 'edit');
    assert.deepEqual(
      edits.map((e) => [e.lines_added, e.lines_removed]),
      [
        [4, 3],
        [3, 0],
      ],
    );
    assert.equal(all.find((r) => r.kind === 'request' && r.session_id === '1767603600000')!.model, 'claude-sonnet-4-5-20250929');
    const text = JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM sessions'));
    for (const secret of ['Refactor the auth middleware', 'sessionStore()', 'src/auth.ts', 'Current Working Directory'])
      assert.ok(!text.includes(secret), `no ${secret}`);
    await store.close();
  });

  it('Roo Code: tokensIn includes both cache counts (since #8954); index totals hold after the split', async () => {
    const store = await memoryStore();
    await scanHistories([path.join(GS, 'rooveterinaryinc.roo-cline')], store, { prices, workspaceFolders: null });
    const req = rows(store, 'roo-code-history').filter((r) => r.kind !== 'edit');
    const [t] = index(path.join(GS, 'rooveterinaryinc.roo-cline/tasks/0199f3c2-6a1b-7c4d-9e2f-3a4b5c6d7e8f/history_item.json'));
    assert.equal(sum(req, 'tokens_in') + sum(req, 'cache_read_tokens') + sum(req, 'cache_write_tokens'), t!.tokensIn);
    assert.equal(sum(req, 'tokens_out'), t!.tokensOut);
    assert.equal(sum(req, 'cache_read_tokens'), t!.cacheReads);
    assert.equal(sum(req, 'cache_write_tokens'), t!.cacheWrites);
    assert.ok(Math.abs(sum(req, 'cost_usd') - t!.totalCost) < 1e-9);
    assert.deepEqual(
      req.map((r) => r.kind),
      ['request', 'request', 'error'],
      'a streaming failure is an error with its usage',
    );
    const edit = rows(store, 'roo-code-history').find((r) => r.kind === 'edit')!;
    assert.deepEqual([edit.lines_added, edit.lines_removed], [1, 1]);
    await store.close();
  });

  it('Kilo Code: usage in the older api_req_finished messages; the working folder from the request text only', async () => {
    const store = await memoryStore();
    await scanHistories([path.join(GS, 'kilocode.kilo-code')], store, { prices, workspaceFolders: ['/home/dev/acme-api'] });
    const all = rows(store, 'kilo-code-history');
    // Kilo's own tally (Roo's getApiMetrics): the sums of the api_req_finished usage.
    const ui = JSON.parse(readFileSync(path.join(GS, 'kilocode.kilo-code/tasks/7c9e6679-7425-40de-944b-e07fc1f90ae7/ui_messages.json'), 'utf8')) as Array<{
      say?: string;
      text?: string;
    }>;
    const fin = ui.filter((m) => m.say === 'api_req_finished').map((m) => JSON.parse(m.text!) as Record<string, number>);
    const req = all.filter((r) => r.kind === 'request');
    assert.equal(req.length, fin.length);
    for (const [col, key] of [
      ['tokens_in', 'tokensIn'],
      ['tokens_out', 'tokensOut'],
      ['cache_read_tokens', 'cacheReads'],
      ['cache_write_tokens', 'cacheWrites'],
    ] as const) {
      assert.equal(
        sum(req, col),
        fin.reduce((a, f) => a + f[key]!, 0),
        col,
      );
    }
    assert.deepEqual(
      all.filter((r) => r.kind === 'edit').map((e) => [e.lines_added, e.lines_removed]),
      [[4, 1]],
    );
    await store.close();
  });

  it('filters to the workspace by the task’s working folder', async () => {
    const store = await memoryStore();
    const s = await scanHistories([GS], store, { prices, workspaceFolders: ['/home/dev/acme-api'] });
    assert.equal(s.files, 4);
    assert.equal(s.filesExcluded, 1, 'the other-proj Cline task');
    assert.equal(count(store, "SELECT count(*) FROM sessions WHERE session_id = '1767790800000'"), 0);
    await store.close();
  });
});

describe('agent histories: Gemini CLI chats', () => {
  const GEMINI = path.join(AGENTS, 'gemini/.gemini');

  it('edits from diffStat, project folder from .project_root or the legacy hash; logs.json and checkpoints are not read', async () => {
    const store = await memoryStore();
    const s = await scanHistories([GEMINI], store, { prices, workspaceFolders: ['/home/dev/acme-api'] });
    assert.equal(s.files, 5, 'four chat files and the telemetry outfile settings.json names');
    assert.equal(s.filesExcluded, 1, 'other-proj');
    const edits = rows(store, 'gemini-cli-chat').filter((r) => r.kind === 'edit');
    assert.deepEqual(
      edits.map((e) => [e.lines_added, e.lines_removed]),
      [[2, 1]],
    );
    assert.equal(count(store, "SELECT count(DISTINCT session_id) FROM sessions WHERE source = 'gemini-cli-chat'"), 3, 'main, subagent and legacy sessions');
    const text = JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM sessions'));
    for (const secret of ['token refresh', 'refreshToken', 'Read auth.ts']) assert.ok(!text.includes(secret));
    await store.close();
  });
});

describe('agent histories: Copilot CLI session logs', () => {
  const COPILOT = path.join(AGENTS, 'copilot/.copilot');

  it('one row per process × model from session.shutdown; totals equal the last shutdown’s (cumulative) modelMetrics', async () => {
    const store = await memoryStore();
    const s = await importPaths(store, [COPILOT], { prices });
    assert.equal(s.historyFiles, 7, 'two session logs and five OpenTelemetry export files');
    assert.equal(s.deadLettered, 0);
    const req = rows(store, 'copilot-cli-session').filter((r) => r.kind === 'request');
    const lines = readFileSync(path.join(COPILOT, 'session-state/5b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e/events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
    const lines2 = readFileSync(path.join(COPILOT, 'session-state/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
    // A resumed session's shutdown repeats the earlier processes' counts (cumulative): each file's last
    // shutdown holds the session's totals, and a model whose counts did not grow gets no new row.
    const last = (ls: typeof lines) => ls.filter((e) => e.type === 'session.shutdown').at(-1)!;
    const usage = [last(lines), last(lines2)].flatMap((e) =>
      Object.values(e.data.modelMetrics as Record<string, { usage: Record<string, number> }>).map((m) => m.usage),
    );
    assert.equal(req.length, 4, 'process 1: two models; process 2: one model grew; the flat file: one');
    const total = (k: string) => usage.reduce((a, u) => a + (u[k] ?? 0), 0);
    assert.equal(
      sum(req, 'tokens_in') + sum(req, 'cache_read_tokens') + sum(req, 'cache_write_tokens'),
      total('inputTokens'),
      'inputTokens includes both cache counts',
    );
    assert.equal(sum(req, 'tokens_out'), total('outputTokens'));
    assert.equal(sum(req, 'cache_read_tokens'), total('cacheReadTokens'));
    assert.equal(sum(req, 'cache_write_tokens'), total('cacheWriteTokens'));
    const first = req[0]!;
    assert.equal(first.repo_slug, 'acme/api');
    assert.equal(first.branch, 'feature/limits');
    assert.equal(JSON.parse(first.attrs as string).requests, 10);
    const edits = rows(store, 'copilot-cli-session').filter((r) => r.kind === 'edit');
    assert.deepEqual(
      edits.map((e) => [e.event_date, e.lines_added, e.lines_removed]),
      [
        ['2026-01-05', 24, 3],
        ['2026-01-06', 40, 0],
        ['2026-01-07', 0, 0],
      ],
    );
    assert.ok(!JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM sessions')).includes('limit.ts'), 'no file paths');
    await store.close();
  });
});

describe('agent histories: incremental re-reads', () => {
  it('skips unchanged files, re-reads a rewritten one, and never double counts', async () => {
    const tmp = tempDir('prodlens-histories-');
    try {
      const root = path.join(tmp.dir, 'saoudrizwan.claude-dev');
      cpSync(path.join(GS, 'saoudrizwan.claude-dev'), root, { recursive: true });
      const store = await memoryStore();
      const first = await scanHistories([root], store, { prices, workspaceFolders: null });
      assert.equal(first.inserted, 6);
      const again = await scanHistories([root], store, { prices, workspaceFolders: null });
      assert.deepEqual([again.filesRead, again.filesUnchanged, again.inserted], [0, 2, 0]);
      // Cline rewrites the file: the last request gets its usage, and a new one starts.
      const file = path.join(root, 'tasks/1767603600000/ui_messages.json');
      const msgs = JSON.parse(readFileSync(file, 'utf8')) as Array<{ ts: number; say?: string; text?: string }>;
      const last = msgs[msgs.length - 1]!;
      last.text = JSON.stringify({ ...JSON.parse(last.text!), tokensIn: 6, tokensOut: 120, cacheWrites: 300, cacheReads: 14800, cost: 0.0071 });
      writeFileSync(file, JSON.stringify(msgs));
      const third = await scanHistories([root], store, { prices, workspaceFolders: null });
      assert.deepEqual([third.filesRead, third.inserted, third.duplicates], [1, 1, 5]);
      assert.equal(count(store, "SELECT count(*) FROM sessions WHERE source = 'cline-history'"), 7);
      // The status shows when this source was last seen.
      assert.equal(count(store, "SELECT count(*) FROM source_status WHERE source = 'cline-history' AND last_event_ms > 0"), 1);
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });
});
