import assert from 'node:assert/strict';
import { surveyCandidates } from '../../../src/core/store/survey-reader';
import { surveyEvent } from '../../../src/core/survey/answer';
import { memoryStore } from '../export/fixtures';
import { batchOf, event } from '../helpers/events';

describe('survey moments found in the store', () => {
  it('finds agent sessions that went quiet and kept insertions large enough, and drops answered ones', async () => {
    const store = await memoryStore();
    const now = Date.parse('2026-03-04T10:00:00Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    const events = [
      // Ended 10 minutes ago, 3 requests: a moment.
      ...[0, 1, 2].map((k) =>
        event({ id: `a${k}`, source: 'claude-code-otel', agent: 'claude-code', session_id: 'ended', time: iso(now - 20 * 60_000 + k * 60_000) }),
      ),
      // Still going (last request a minute ago).
      ...[0, 1, 2].map((k) => event({ id: `b${k}`, source: 'codex-otel', agent: 'codex', session_id: 'running', time: iso(now - 3 * 60_000 + k * 60_000) })),
      // Too short (one request).
      event({ id: 'c0', source: 'claude-code-otel', session_id: 'short', time: iso(now - 30 * 60_000) }),
      // Ended, but three hours ago: before the look-back.
      ...[0, 1, 2].map((k) => event({ id: `d${k}`, source: 'claude-code-otel', session_id: 'old', time: iso(now - 3 * 3_600_000 + k * 1000) })),
      // Editor insertions: 40 kept lines (a moment), 5 lines (too small), 40 lines not kept.
      event({
        id: 'big',
        source: 'editor',
        kind: 'edit',
        time: iso(now - 15 * 60_000),
        session_id: null,
        model: null,
        tokens_in: null,
        tokens_out: null,
        accepted_flag: true,
        accepted_lines: 40,
        lines_added: 40,
      }),
      event({
        id: 'small',
        source: 'editor',
        kind: 'edit',
        time: iso(now - 14 * 60_000),
        session_id: null,
        model: null,
        tokens_in: null,
        tokens_out: null,
        accepted_flag: true,
        accepted_lines: 5,
        lines_added: 5,
      }),
      event({
        id: 'undone',
        source: 'editor',
        kind: 'edit',
        time: iso(now - 13 * 60_000),
        session_id: null,
        model: null,
        tokens_in: null,
        tokens_out: null,
        accepted_flag: false,
        accepted_lines: 0,
        lines_added: 40,
      }),
    ];
    await store.ingest(batchOf(events));
    const find = () => surveyCandidates(store, { sinceMs: now - 2 * 3_600_000, nowMs: now, idleMs: 5 * 60_000, minRequests: 3, minLines: 20 });
    const found = find();
    assert.deepEqual(
      found.map((c) => [c.kind, c.sessionId, c.lines]),
      [
        ['agent-session-end', 'ended', null],
        ['ai-insertion', null, 40],
      ],
    );
    assert.equal(found[0]!.agent, 'claude-code');
    // Answer both: neither is found again.
    for (const c of found) {
      await store.ingest(
        batchOf([
          surveyEvent({
            atMs: now,
            trigger: c.kind,
            key: c.key,
            sessionId: c.sessionId,
            agent: c.agent,
            repoSlug: null,
            developerId: null,
            productivity: 3,
            fasterWithoutAi: null,
          }),
        ]),
      );
    }
    assert.deepEqual(find(), []);
    await store.close();
  });
});
