import assert from 'node:assert/strict';
import { ActivityTracker } from '../../../src/collector/activity';
import { assessSources, formatAge } from '../../../src/collector/staleness';
import { batchOf, event } from '../helpers/events';

const MIN = 60_000;

/** A tracker fed real batches at given times (events of `source`, optionally with a metric point). */
function track(steps: Array<{ at: number; source: 'claude-code-otel' | 'codex-otel'; metric?: boolean }>): ActivityTracker {
  const t = new ActivityTracker();
  steps.forEach((s, i) => {
    const b = batchOf([event({ id: `e${i}`, source: s.source })]);
    if (s.metric) {
      b.metrics.push({
        point_hash: `p${i}`,
        source: s.source,
        name: 'claude_code.token.usage',
        unit: 'tokens',
        temporality: 'delta',
        value: 1,
        start_ms: null,
        ts_ms: s.at,
        timestamp: new Date(s.at).toISOString(),
        event_date: '2026-01-05',
        session_id: null,
        developer_id: null,
        model: null,
        repo_slug: null,
        branch: null,
        device_id: null,
        attrs: null,
      });
    }
    t.record(b, s.at);
  });
  return t;
}

describe('collector staleness (status bar warning)', () => {
  it('is ok while events and metrics both arrive', () => {
    const t = track([
      { at: 0, source: 'claude-code-otel', metric: true },
      { at: 12 * MIN, source: 'claude-code-otel', metric: true },
    ]);
    const [h] = assessSources(t.snapshot(), 13 * MIN);
    assert.equal(h!.level, 'ok');
    assert.equal(h!.detail, 'events 1 min ago, metrics 1 min ago');
  });

  it("warns when Claude Code's metrics stop while its events continue", () => {
    const t = track([
      { at: 0, source: 'claude-code-otel', metric: true },
      { at: 5 * MIN, source: 'claude-code-otel' },
      { at: 11 * MIN, source: 'claude-code-otel' },
    ]);
    const [h] = assessSources(t.snapshot(), 12 * MIN);
    assert.equal(h!.level, 'stale');
    assert.match(h!.detail, /metrics have stopped while events continue/);
  });

  it('gives a new session time before expecting metrics, then warns if none came', () => {
    const early = track([
      { at: 0, source: 'claude-code-otel' },
      { at: 2 * MIN, source: 'claude-code-otel' },
    ]);
    assert.equal(assessSources(early.snapshot(), 3 * MIN)[0]!.level, 'ok');
    const late = track([
      { at: 0, source: 'claude-code-otel' },
      { at: 11 * MIN, source: 'claude-code-otel' },
    ]);
    assert.equal(assessSources(late.snapshot(), 12 * MIN)[0]!.level, 'stale');
  });

  it('does not expect metrics from sources that send only events, and calls old data idle', () => {
    const t = track([
      { at: 0, source: 'codex-otel' },
      { at: 30 * MIN, source: 'codex-otel' },
    ]);
    assert.equal(assessSources(t.snapshot(), 31 * MIN)[0]!.level, 'ok');
    assert.equal(assessSources(t.snapshot(), 95 * MIN)[0]!.level, 'idle');
    assert.equal(assessSources(t.snapshot(), 95 * MIN)[0]!.detail, 'events 1 h ago');
  });

  it('formats ages', () => {
    assert.deepEqual([30_000, 5 * MIN, 3 * 60 * MIN, 50 * 60 * MIN].map(formatAge), ['just now', '5 min ago', '3 h ago', '2 d ago']);
  });
});
