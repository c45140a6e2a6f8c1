import assert from 'node:assert/strict';
import { normalizeDocument } from '../../../src/core/normalize/detect';
import { isLiteLlmPayload, normalizeLiteLlm } from '../../../src/core/normalize/litellm';
import { clone, ctx, fixture, fixtureText, only } from './helpers';

type Payload = Record<string, unknown>;

describe('LiteLLM StandardLoggingPayload', () => {
  const array = fixture('litellm/payloads-json-array.json') as Payload[];

  it('reads a JSON array, NDJSON lines and a single payload to the same events', () => {
    const fromArray = normalizeLiteLlm(array, ctx());
    const fromLines = fixtureText('litellm/payloads.ndjson')
      .trim()
      .split('\n')
      .flatMap((l) => normalizeLiteLlm(JSON.parse(l), ctx()).events);
    assert.equal(fromArray.rejects.length, 0);
    assert.deepEqual(fromLines, fromArray.events);
    const single = normalizeDocument(fixture('litellm/single.json'), ctx()).events;
    assert.deepEqual(single, [fromArray.events[1]]);
  });

  it('maps status, reported cost, epoch-second float times and latency', () => {
    const b = normalizeLiteLlm(array, ctx());
    const first = b.events[0]!;
    assert.equal(first.timestamp, '2026-01-07T11:00:00.123Z');
    assert.equal(first.latency_ms, 2530.865);
    assert.equal(first.attrs?.ttft_ms, 677.774);
    assert.equal(first.cost_usd, 0.0082);
    assert.equal(first.cost_source, 'reported');
    assert.equal(first.developer_id, 'ana@example.com', 'key user email first');
    const failed = only(b, (e) => e.kind === 'error', 'failure payload');
    assert.equal(failed.status_code, 429);
    assert.equal(failed.attrs?.error_class, 'RateLimitError');
    const anthropic = b.events[1]!;
    assert.equal(anthropic.developer_id, 'dev-ana', 'end_user when the key has no user');
    assert.equal(anthropic.repo_slug, 'acme/api');
    assert.equal(anthropic.branch, 'main');
  });

  it('never stores messages or responses, in events or dead letters', () => {
    const b = normalizeLiteLlm(array, ctx());
    const bad = clone(array[0]!);
    bad.prompt_tokens = { nested: true };
    const r = normalizeLiteLlm(bad, ctx());
    for (const text of [JSON.stringify(b), JSON.stringify(r)]) {
      assert.ok(!text.includes('refactor src/auth.ts'));
      assert.ok(!text.includes('Here is the refactor'));
    }
  });

  it('rejects a payload whose fields have the wrong types, naming the field', () => {
    const bad = clone(array[0]!);
    bad.prompt_tokens = { nested: true };
    const r = normalizeLiteLlm(bad, ctx());
    assert.equal(r.events.length, 0);
    assert.equal(r.rejects.length, 1);
    assert.match(r.rejects[0]!.reason, /^invalid LiteLLM payload: prompt_tokens: /);
    const neg = clone(array[0]!);
    neg.completion_tokens = -3;
    assert.match(normalizeLiteLlm(neg, ctx()).rejects[0]!.reason, /negative/);
  });

  it('is recognised by shape', () => {
    assert.ok(array.every(isLiteLlmPayload));
    assert.ok(!isLiteLlmPayload({ timestamp: '2026-01-05T10:00:00Z', kind: 'request' }));
    assert.ok(!isLiteLlmPayload({ resourceLogs: [] }));
  });
});
