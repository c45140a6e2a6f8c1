import assert from 'node:assert/strict';
import { normalizeOtlpSpans } from '../../../src/core/normalize/otlp-spans';
import { clone, ctx, fixture, only } from './helpers';

type SpanDoc = {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
    scopeSpans: Array<{ spans: Array<Record<string, unknown>> }>;
  }>;
};

describe('OTLP spans', () => {
  it('turns OpenInference LLM spans into requests and errors, and counts other span kinds as skipped', () => {
    const b = normalizeOtlpSpans(fixture('otlp/openinference-spans.json'), ctx());
    assert.equal(b.rejects.length, 0);
    assert.deepEqual(b.skipped, { 'non-LLM span (OpenInference)': 1 });
    const ok = only(b, (e) => e.kind === 'request', 'LLM span');
    assert.equal(ok.source, 'openinference');
    assert.equal(ok.model, 'gpt-4o-2024-08-06');
    assert.equal(ok.tokens_in, 2048 - 1024);
    assert.equal(ok.cache_read_tokens, 1024);
    assert.equal(ok.total_tokens, ok.tokens_in! + ok.tokens_out!);
    assert.equal(ok.latency_ms, 2350, 'end − start');
    assert.equal(ok.session_id, 'sess-oi-1');
    assert.equal(ok.developer_id, 'dev-42');
    const err = only(b, (e) => e.kind === 'error', 'error span');
    assert.equal(err.status_code, 429);
    assert.equal(err.attrs?.status_message, 'RateLimitError: Error code: 429');
    assert.ok(!JSON.stringify(b).includes('Refactor the login handler'), 'input.value and messages are never stored');
  });

  it('reads GenAI conventions with new and old attribute names; agent, HTTP spans are not events', () => {
    const b = normalizeOtlpSpans(fixture('otlp/genai-spans.json'), ctx());
    assert.equal(b.rejects.length, 0);
    assert.deepEqual(b.skipped, { 'non-LLM span (GenAI operation)': 1, 'non-LLM span': 1 });
    const newNames = only(b, (e) => e.attrs?.provider === 'anthropic', 'new-name span');
    assert.equal(newNames.model, 'claude-sonnet-4-5-20250929', 'response model over request model');
    assert.equal(newNames.cache_write_tokens, 1000);
    assert.equal(newNames.repo_slug, 'acme/api');
    assert.equal(newNames.branch, 'fix/timeouts');
    assert.equal(newNames.developer_id, 'kim@example.com');
    assert.equal(newNames.status_code, 200);
    const oldNames = only(b, (e) => e.model === 'gpt-4o-mini', 'old-name span');
    assert.equal(oldNames.tokens_in, 1500);
    assert.equal(oldNames.tokens_out, 200);
    assert.equal(oldNames.cost_source, 'estimated');
    const tool = only(b, (e) => e.kind === 'tool', 'execute_tool span');
    assert.equal(tool.tool_name, 'run_tests');
    assert.equal(tool.latency_ms, 2000);
    for (const e of b.events) assert.equal(e.session_id, 'conv-77');
  });

  it('takes LiteLLM’s litellm_request span with its reported cost, and skips its plumbing spans', () => {
    const b = normalizeOtlpSpans(fixture('otlp/litellm-spans.json'), ctx());
    assert.equal(b.rejects.length, 0);
    assert.deepEqual(b.skipped, { 'non-LLM span': 2, 'LiteLLM raw provider span (duplicates litellm_request)': 1 });
    const e = only(b, () => true, 'litellm_request');
    assert.equal(e.source, 'litellm');
    assert.equal(e.model, 'gpt-4o');
    assert.equal(e.cost_usd, 0.000828);
    assert.equal(e.cost_source, 'reported');
    assert.equal(e.tokens_in, 36);
    assert.equal(e.developer_id, 'u-1207', 'the empty key email is skipped, the key user id used');
    assert.ok(!JSON.stringify(b).includes("what's your name"));
  });

  it('does not count spans from agents whose log events are already the record', () => {
    const doc = clone(fixture('otlp/genai-spans.json')) as SpanDoc;
    doc.resourceSpans[0]!.resource.attributes = [{ key: 'service.name', value: { stringValue: 'codex_exec' } }];
    const b = normalizeOtlpSpans(doc, ctx());
    assert.equal(b.events.length, 0);
    assert.equal(b.skipped?.['codex span (its log events are the record)'], doc.resourceSpans[0]!.scopeSpans[0]!.spans.length);
  });

  it('dead-letters an LLM span whose end precedes its start (negative latency), keeping the others', () => {
    const doc = clone(fixture('otlp/genai-spans.json')) as SpanDoc;
    const spans = doc.resourceSpans[0]!.scopeSpans[0]!.spans;
    const chat = spans[1]!;
    [chat.startTimeUnixNano, chat.endTimeUnixNano] = [chat.endTimeUnixNano, chat.startTimeUnixNano];
    const b = normalizeOtlpSpans(doc, ctx());
    assert.equal(b.rejects.length, 1);
    assert.match(b.rejects[0]!.reason, /latency_ms is negative/);
    assert.equal(b.events.length, 2);
  });

  it('identifies a span by trace and span id, whatever else changes', () => {
    const a = normalizeOtlpSpans(fixture('otlp/genai-spans.json'), ctx()).events[0]!;
    const doc = clone(fixture('otlp/genai-spans.json')) as SpanDoc;
    doc.resourceSpans[0]!.scopeSpans[0]!.spans[1]!.name = 'renamed';
    assert.equal(normalizeOtlpSpans(doc, ctx()).events[0]!.trace_hash, a.trace_hash);
  });
});
