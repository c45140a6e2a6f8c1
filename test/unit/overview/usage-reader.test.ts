import assert from 'node:assert/strict';
import { DayZone } from '../../../src/core/day';
import { buildOverview } from '../../../src/core/overview/overview';
import { Store } from '../../../src/core/store/store';
import { agentOfSource, recentSessions, usageBetween } from '../../../src/core/store/usage-reader';
import { batchOf, event, sqlLoader } from '../helpers/events';

async function memoryStore(): Promise<Store> {
  return Store.open({ path: null, sql: await sqlLoader.load() });
}

describe('usage reader (the ProdLens view, status bar and budgets)', () => {
  let store: Store;
  beforeEach(async () => {
    store = await memoryStore();
  });
  afterEach(() => store.close());

  it('counts a local day in its own zone: events just before and after local midnight fall on different days', async () => {
    // Los Angeles in January is UTC−8: 2026-01-06 00:00 local is 08:00Z.
    await store.ingest(
      batchOf([
        event({ id: 'late-5th', time: '2026-01-06T07:59:00Z', tokens_in: 100, tokens_out: 10, cost_usd: 1 }),
        event({ id: 'early-6th', time: '2026-01-06T08:01:00Z', tokens_in: 200, tokens_out: 20, cost_usd: 2 }),
        event({ id: 'err-6th', kind: 'error', time: '2026-01-06T20:00:00Z', status_code: 529, tokens_in: 0, tokens_out: 0 }),
        event({
          id: 'edit-6th',
          source: 'editor',
          kind: 'edit',
          time: '2026-01-06T21:00:00Z',
          accepted_flag: true,
          accepted_lines: 7,
          lines_added: 9,
          tokens_in: null,
          tokens_out: null,
          model: null,
        }),
        event({
          id: 'edit-6th-rejected',
          source: 'editor',
          kind: 'edit',
          time: '2026-01-06T21:30:00Z',
          accepted_flag: false,
          accepted_lines: 1,
          lines_added: 9,
          tokens_in: null,
          tokens_out: null,
          model: null,
        }),
        event({ id: 'next-day', time: '2026-01-07T08:00:00Z', tokens_in: 400, tokens_out: 40 }),
      ]),
    );
    const la = new DayZone('America/Los_Angeles');
    const day6 = usageBetween(store, { startMs: la.startOf('2026-01-06'), endMs: la.startOf('2026-01-07') });
    assert.deepEqual(day6, {
      requests: 1,
      errors: 1,
      totalTokens: 220,
      cacheTokens: 0,
      costUsd: 2,
      unpricedRequests: 0,
      insertions: 2,
      acceptedInsertions: 1,
      acceptedLines: 8,
    });
    const utc6 = usageBetween(store, { startMs: Date.parse('2026-01-06T00:00:00Z'), endMs: Date.parse('2026-01-07T00:00:00Z') });
    assert.equal(utc6.requests, 2, 'the UTC day holds both requests of the 6th');
    assert.equal(usageBetween(store, { startMs: 5, endMs: 5 }).requests, 0);
  });

  it('counts an unknown model’s requests as unpriced rather than free', async () => {
    await store.ingest(
      batchOf([event({ id: 'u', model: 'acme-internal-7b', time: '2026-01-06T10:00:00Z' }), event({ id: 'k', time: '2026-01-06T11:00:00Z' })]),
    );
    const t = usageBetween(store, { startMs: Date.parse('2026-01-06T00:00:00Z'), endMs: Date.parse('2026-01-07T00:00:00Z') });
    assert.equal(t.requests, 2);
    assert.equal(t.unpricedRequests, 1);
  });

  it('lists agent sessions newest first, across channels, with the model most requests used', async () => {
    await store.ingest(
      batchOf([
        // Session A: Claude Code transcript, two models, edits measured by the editor under its id.
        event({
          id: 'a1',
          source: 'claude-code-transcript',
          agent: 'claude-code',
          session_id: 'A',
          model: 'claude-sonnet-4-5',
          time: '2026-01-05T09:00:00Z',
          repo_slug: 'acme/api',
        }),
        event({
          id: 'a2',
          source: 'claude-code-transcript',
          agent: 'claude-code',
          session_id: 'A',
          model: 'claude-sonnet-4-5',
          time: '2026-01-05T09:20:00Z',
          repo_slug: 'acme/api',
        }),
        event({
          id: 'a3',
          source: 'claude-code-transcript',
          agent: 'claude-code',
          session_id: 'A',
          model: 'claude-haiku-4-5',
          time: '2026-01-05T09:30:00Z',
          repo_slug: 'acme/api',
        }),
        event({
          id: 'a-edit',
          source: 'editor',
          kind: 'edit',
          agent: 'claude-code',
          session_id: 'A',
          time: '2026-01-05T09:45:00Z',
          accepted_flag: true,
          accepted_lines: 4,
          tokens_in: null,
          tokens_out: null,
          model: null,
        }),
        // Session B: Codex through telemetry, later.
        event({ id: 'b1', source: 'codex-otel', session_id: 'B', model: 'gpt-5', time: '2026-01-06T15:00:00Z', repo_slug: 'acme/web' }),
        // Session C: only editor edits — not an agent session.
        event({ id: 'c-edit', source: 'editor', kind: 'edit', session_id: 'C', time: '2026-01-06T16:00:00Z', tokens_in: null, tokens_out: null, model: null }),
        // Session D: long before the 14-day window ending on the last request day.
        event({ id: 'd1', session_id: 'D', time: '2025-11-01T10:00:00Z' }),
        // Session E: a year and more before.
        event({ id: 'e1', session_id: 'E', time: '2023-06-01T10:00:00Z' }),
      ]),
    );
    const sessions = recentSessions(store, { limit: 2, windowDays: 14 });
    assert.deepEqual(
      sessions.map((s) => [s.sessionId, s.agent, s.model, s.modelCount, s.requests, s.repoSlug, s.sources.join('+')]),
      [
        ['B', 'codex', 'gpt-5', 1, 1, 'acme/web', 'codex-otel'],
        ['A', 'claude-code', 'claude-sonnet-4-5', 2, 3, 'acme/api', 'claude-code-transcript+editor'],
      ],
    );
    const a = sessions[1]!;
    assert.equal(a.startMs, Date.parse('2026-01-05T09:00:00Z'));
    assert.equal(a.endMs, Date.parse('2026-01-05T09:45:00Z'), 'the session lasts until its last event, edits included');
    assert.equal(a.totalTokens, 3 * 150);
    assert.deepEqual(
      recentSessions(store, { limit: 1, windowDays: 14 }).map((s) => s.sessionId),
      ['B'],
    );
    // Fewer sessions than asked for in the window: it widens until it has them, however old.
    assert.deepEqual(
      recentSessions(store, { limit: 3, windowDays: 14 }).map((s) => s.sessionId),
      ['B', 'A', 'D'],
    );
    assert.deepEqual(
      recentSessions(store, { limit: 10, windowDays: 14 }).map((s) => s.sessionId),
      ['B', 'A', 'D', 'E'],
    );
  });

  it('names the agent behind a source', () => {
    assert.equal(agentOfSource('claude-code-otel'), 'claude-code');
    assert.equal(agentOfSource('claude-code-transcript'), 'claude-code');
    assert.equal(agentOfSource('gemini-cli-otel'), 'gemini-cli');
    assert.equal(agentOfSource('codex'), 'codex');
    assert.equal(agentOfSource('litellm'), 'litellm');
    assert.equal(agentOfSource('litellm-spend-logs'), 'litellm');
    assert.equal(agentOfSource('cline-history'), 'cline');
    assert.equal(agentOfSource('gemini-cli-chat'), 'gemini-cli');
    assert.equal(agentOfSource('copilot-cli-session'), 'copilot-cli');
    assert.equal(agentOfSource('editor'), null);
    assert.equal(agentOfSource('prodlens'), null);
  });

  it('builds the view’s overview: today and this week in local days, sessions with the local day they started', async () => {
    const berlin = new DayZone('Europe/Berlin');
    // Wednesday 2026-01-07 10:00 in Berlin; the week started Monday the 5th.
    const now = Date.parse('2026-01-07T09:00:00Z');
    await store.ingest(
      batchOf([
        event({ id: 'sun', session_id: 'S0', time: '2026-01-04T22:30:00Z' }), // Sunday 23:30 Berlin: last week
        event({ id: 'mon', session_id: 'S1', time: '2026-01-04T23:30:00Z' }), // Monday 00:30 Berlin
        event({ id: 'tue', session_id: 'S2', time: '2026-01-06T12:00:00Z' }),
        event({ id: 'wed', session_id: 'S3', time: '2026-01-06T23:15:00Z' }), // Wednesday 00:15 Berlin
      ]),
    );
    const o = buildOverview(store, { nowMs: now, zone: berlin });
    assert.equal(o.timeZone, 'Europe/Berlin');
    assert.deepEqual([o.today.since, o.today.until, o.today.totals.requests], ['2026-01-07', '2026-01-07', 1]);
    assert.deepEqual([o.week.since, o.week.until, o.week.totals.requests], ['2026-01-05', '2026-01-07', 3]);
    assert.deepEqual(
      o.sessions.map((s) => [s.sessionId, s.day]),
      [
        ['S3', '2026-01-07'],
        ['S2', '2026-01-06'],
        ['S1', '2026-01-05'],
        ['S0', '2026-01-04'],
      ],
    );
  });
});
