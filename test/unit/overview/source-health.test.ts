import assert from 'node:assert/strict';
import { assessSourceHealth } from '../../../src/core/overview/source-health';
import type { SourceStatus } from '../../../src/core/store/usage-reader';

const H = 3_600_000;
const now = Date.parse('2026-01-07T12:00:00Z');
const row = (source: string, hoursAgo: number | null): SourceStatus => ({
  source,
  lastEventMs: hoursAgo === null ? null : now - hoursAgo * H,
  lastReceivedMs: now - (hoursAgo ?? 0) * H,
  recordsReceived: 10,
  deadLetters: 0,
});

describe('source health', () => {
  it('flags a channel that stopped while another channel of the same agent kept sending', () => {
    const rows = assessSourceHealth([row('claude-code-transcript', 0.1), row('claude-code-otel', 5), row('gemini-cli-otel', 30), row('editor', 1)], now);
    assert.deepEqual(
      rows.map((r) => [r.source, r.level, r.behind?.source ?? null]),
      [
        ['claude-code-otel', 'silent', 'claude-code-transcript'],
        ['claude-code-transcript', 'active', null],
        ['editor', 'active', null],
        ['gemini-cli-otel', 'idle', null],
      ],
    );
    assert.equal(rows[0]!.behind?.gapMs, 4.9 * H);
  });

  it('does not flag an agent nobody used today, or a small gap between channels', () => {
    const rows = assessSourceHealth([row('claude-code-transcript', 40), row('claude-code-otel', 60), row('codex-otel', 0.5), row('codex-transcript', 2)], now);
    assert.deepEqual(
      rows.map((r) => [r.source, r.level]),
      [
        ['codex-otel', 'active'],
        ['codex-transcript', 'active'],
        ['claude-code-transcript', 'idle'],
        ['claude-code-otel', 'idle'],
      ],
    );
  });

  it('uses the time received when records carried no time', () => {
    const [r] = assessSourceHealth([row('litellm', null)], now);
    assert.equal(r!.lastSeenMs, now);
    assert.equal(r!.level, 'active');
  });
});
