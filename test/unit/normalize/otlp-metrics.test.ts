import assert from 'node:assert/strict';
import { normalizeOtlpMetrics } from '../../../src/core/normalize/otlp-metrics';
import { clone, ctx, fixture } from './helpers';

type MetricDoc = {
  resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string; sum?: { dataPoints: Array<Record<string, unknown>> } }> }> }>;
};

describe('OTLP metrics', () => {
  const b = normalizeOtlpMetrics(fixture('otlp/claude-code-metrics.json'), ctx());
  const points = (name: string) => b.metrics.filter((m) => m.name === name);

  it('stores every Claude Code counter with its attributes, ids and repository', () => {
    assert.equal(b.rejects.length, 0);
    for (const name of [
      'session.count',
      'lines_of_code.count',
      'commit.count',
      'pull_request.count',
      'cost.usage',
      'token.usage',
      'code_edit_tool.decision',
      'active_time.total',
    ]) {
      assert.ok(points(`claude_code.${name}`).length > 0, name);
    }
    const lines = points('claude_code.lines_of_code.count');
    assert.deepEqual(lines.map((m) => [m.attrs?.type, m.value]).sort(), [
      ['added', 42],
      ['removed', 7],
    ]);
    const tokens = points('claude_code.token.usage');
    assert.deepEqual(tokens.map((m) => m.attrs?.type).sort(), ['cacheCreation', 'cacheRead', 'input', 'output']);
    assert.ok(
      tokens.every((m) => m.model === 'claude-sonnet-4-5-20250929'),
      'model lifted into its column',
    );
    const decisions = points('claude_code.code_edit_tool.decision');
    assert.deepEqual(decisions.map((m) => [m.attrs?.tool, m.attrs?.decision, m.attrs?.language]).sort(), [
      ['Edit', 'accept', 'TypeScript'],
      ['Write', 'reject', 'Markdown'],
    ]);
    for (const m of points('claude_code.session.count')) {
      assert.equal(m.session_id, '0b4c8a52-6f39-4c1e-9e0f-2d3f1a7b9c10');
      assert.equal(m.developer_id, 'dana.dev@example.com');
      assert.equal(m.repo_slug, 'acme/api');
      assert.equal(m.temporality, 'delta');
      assert.equal(m.timestamp, '2026-01-05T10:01:00.000Z');
      assert.equal(m.start_ms, Date.UTC(2026, 0, 5, 10));
      assert.equal(m.attrs?.['user.email'], undefined, 'identities are columns, not attrs');
    }
  });

  it('reads asInt sent as a string and asDouble as a number', () => {
    assert.deepEqual(
      points('claude_code.commit.count').map((m) => m.value),
      [2],
    );
    assert.deepEqual(
      points('claude_code.cost.usage')
        .map((m) => m.value)
        .sort(),
      [0.000832, 0.0285978],
    );
  });

  it('stores a histogram as sum and count, keeps cumulative temporality, and skips non-AI metrics', () => {
    const sum = points('gen_ai.client.operation.duration.sum');
    const count = points('gen_ai.client.operation.duration.count');
    assert.deepEqual(
      sum.map((m) => [m.value, m.temporality, m.source, m.model]),
      [[18.25, 'cumulative', 'litellm', 'gpt-4o']],
    );
    assert.deepEqual(
      count.map((m) => m.value),
      [12],
    );
    assert.deepEqual(b.skipped, { 'metric outside the AI namespaces': 1 });
  });

  it('gives every point a distinct hash, stable on re-normalization', () => {
    const hashes = b.metrics.map((m) => m.point_hash);
    assert.equal(new Set(hashes).size, hashes.length);
    assert.deepEqual(
      normalizeOtlpMetrics(fixture('otlp/claude-code-metrics.json'), ctx()).metrics.map((m) => m.point_hash),
      hashes,
    );
  });

  it('dead-letters a point without a finite value or a time, keeping the rest', () => {
    const doc = clone(fixture('otlp/claude-code-metrics.json')) as MetricDoc;
    const dps = doc.resourceMetrics[0]!.scopeMetrics[0]!.metrics[1]!.sum!.dataPoints;
    dps[0]!.asDouble = 'NaN';
    delete dps[1]!.timeUnixNano;
    const r = normalizeOtlpMetrics(doc, ctx());
    assert.equal(r.rejects.length, 2);
    assert.equal(r.metrics.length, b.metrics.length - 2);
    assert.ok(r.rejects.every((x) => x.reason.startsWith('metric claude_code.lines_of_code.count')));
  });
});
