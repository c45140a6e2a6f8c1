import assert from 'node:assert/strict';
import { normalizeOtlpLogs } from '../../../src/core/normalize/otlp-logs';
import { clone, ctx, dropAttr, fixture, logRecords, only, setAttr } from './helpers';

function skippedTotal(s: Record<string, number> | undefined): number {
  return Object.values(s ?? {}).reduce((a, b) => a + b, 0);
}

describe('OTLP log events', () => {
  it('maps every Claude Code event to its kind, with decisions on tool_decision only', () => {
    const b = normalizeOtlpLogs(fixture('otlp/claude-code-logs-js.json'), ctx());
    assert.equal(b.rejects.length, 0);
    assert.deepEqual(
      b.events.map((e) => [e.attrs?.event, e.kind]),
      [
        ['user_prompt', 'prompt'],
        ['api_request', 'request'],
        ['api_request', 'request'],
        ['tool_decision', 'tool'],
        ['tool_result', 'tool'],
        ['api_error', 'error'],
      ],
    );
    for (const e of b.events) {
      assert.equal(e.source, 'claude-code-otel');
      assert.equal(e.agent, 'claude-code');
      assert.equal(e.repo_slug, 'acme/api');
      assert.equal(e.branch, 'main');
    }
    assert.equal(only(b, (e) => e.attrs?.event === 'tool_decision', 'decision').accepted_flag, true);
    const result = only(b, (e) => e.attrs?.event === 'tool_result', 'result');
    assert.equal(result.accepted_flag, null, 'a tool_result repeats the decision; counting it twice would inflate acceptance');
    assert.equal(result.latency_ms, 41);
    assert.equal(result.attrs?.success, true);
    const err = only(b, (e) => e.kind === 'error', 'api_error');
    assert.equal(err.status_code, 529);
    assert.equal(err.latency_ms, 1210);
    assert.equal(only(b, (e) => e.kind === 'prompt', 'prompt').attrs?.prompt_length, 1843);
  });

  it('never stores prompt text or tool parameters', () => {
    const b = normalizeOtlpLogs(fixture('otlp/claude-code-logs-js.json'), ctx());
    const text = JSON.stringify(b);
    assert.ok(!text.includes('<REDACTED>'));
    assert.ok(!text.includes('src/app.ts'));
    const codex = JSON.stringify(normalizeOtlpLogs(fixture('otlp/codex-logs.json'), ctx()));
    for (const secret of ['npm test', 'ok 12 tests', '[REDACTED]']) assert.ok(!codex.includes(secret), secret);
    const gemini = JSON.stringify(normalizeOtlpLogs(fixture('otlp/gemini-logs.json'), ctx()));
    for (const secret of ['Here is the change', 'old_string']) assert.ok(!gemini.includes(secret), secret);
  });

  it('keeps prompt text out of dead-letter excerpts too', () => {
    const doc = clone(fixture('otlp/claude-code-logs-js.json'));
    const rec = logRecords(doc)[1]!;
    setAttr(rec.attributes, 'input_tokens', { stringValue: 'lots' });
    rec.attributes.unshift({ key: 'prompt', value: { stringValue: 'TOP SECRET PROMPT' } });
    const b = normalizeOtlpLogs(doc, ctx());
    assert.equal(b.rejects.length, 1);
    assert.match(b.rejects[0]!.reason, /claude_code\.api_request: tokens_in is not a number/);
    assert.ok(!b.rejects[0]!.excerpt.includes('TOP SECRET'));
    assert.match(b.rejects[0]!.excerpt, /^JSON object, \d+ bytes, sha256 [0-9a-f]{16}$/);
    assert.ok(b.rejects[0]!.bytes! > 0 && /^[0-9a-f]{64}$/.test(b.rejects[0]!.hash!));
  });

  it('counts Codex noise and unknown events as skipped, per reason, and keeps the rest', () => {
    const doc = fixture('otlp/codex-logs.json');
    const b = normalizeOtlpLogs(doc, ctx());
    assert.equal(b.rejects.length, 0);
    assert.equal(b.events.length + skippedTotal(b.skipped), logRecords(doc).length, 'every record is stored or counted');
    assert.deepEqual(b.skipped, {
      'codex.api_request success (request counted from codex.sse_event response.completed)': 1,
      'codex.sse_event stream progress': 1,
      'codex.turn_ttft (telemetry noise)': 1,
      'unsupported event codex.some_future_event': 1,
    });
    assert.deepEqual(
      b.events.map((e) => e.kind),
      ['session', 'prompt', 'request', 'tool', 'tool', 'error'],
    );
    const start = only(b, (e) => e.kind === 'session', 'conversation_starts');
    assert.equal(start.model, 'gpt-5-codex');
    assert.equal(start.attrs?.reasoning_effort, 'medium');
    const err = only(b, (e) => e.kind === 'error', '429');
    assert.equal(err.status_code, 429);
    assert.equal(err.attrs?.attempt, 2);
    assert.equal(only(b, (e) => e.attrs?.event === 'tool_decision', 'decision').accepted_flag, true);
    for (const e of b.events) {
      assert.equal(e.source, 'codex-otel');
      assert.equal(e.developer_id, 'sam@example.com');
    }
  });

  it('reads Gemini CLI events, with diff-stat lines from the tool_call metadata', () => {
    const b = normalizeOtlpLogs(fixture('otlp/gemini-logs.json'), ctx());
    assert.equal(b.rejects.length, 0);
    const tool = only(b, (e) => e.kind === 'tool', 'tool_call');
    assert.equal(tool.tool_name, 'replace');
    assert.equal(tool.lines_added, 12);
    assert.equal(tool.lines_removed, 4);
    assert.equal(tool.accepted_flag, true);
    assert.equal(tool.accepted_lines, 12);
    assert.equal(tool.attrs?.user_added_lines, 1);
    const err = only(b, (e) => e.kind === 'error', 'api_error');
    assert.equal(err.status_code, 429);
    assert.equal(
      b.skipped?.['GenAI semantic-convention log event (the agent event carries the same data)'],
      1,
      'the semantic duplicate of api_response is not a second request',
    );
    assert.equal(b.events.filter((e) => e.kind === 'request').length, 1);
  });

  it('accepts the older nested diffStat metadata and a rejected tool call', () => {
    const doc = clone(fixture('otlp/gemini-logs.json'));
    const rec = logRecords(doc).find((r) => r.attributes.some((a) => a.key === 'function_name'))!;
    setAttr(rec.attributes, 'metadata', {
      kvlistValue: { values: [{ key: 'diffStat', value: { kvlistValue: { values: [{ key: 'model_added_lines', value: { intValue: '5' } }] } } }] },
    });
    setAttr(rec.attributes, 'decision', { stringValue: 'reject' });
    const tool = only(normalizeOtlpLogs(doc, ctx()), (e) => e.kind === 'tool', 'tool_call');
    assert.equal(tool.lines_added, 5);
    assert.equal(tool.accepted_flag, false);
    assert.equal(tool.accepted_lines, null, 'rejected lines are not accepted lines');
  });

  it('names the event from the service when Claude Code sends only the short event.name', () => {
    const doc = clone(fixture('otlp/claude-code-logs-js.json'));
    for (const r of logRecords(doc)) delete (r as Record<string, unknown>).body;
    const b = normalizeOtlpLogs(doc, ctx());
    assert.equal(b.events.length, logRecords(doc).length);
  });

  it('dead-letters a record without any event name, and skips non-agent application logs', () => {
    const doc = clone(fixture('otlp/claude-code-logs-js.json'));
    const recs = logRecords(doc);
    const anon = clone(recs[1]!);
    dropAttr(anon.attributes, 'event.name');
    delete (anon as Record<string, unknown>).body;
    const appLog = { timeUnixNano: '1767607200000000000', body: { stringValue: 'GET /health 200' }, attributes: [] };
    recs.push(anon, appLog as never);
    const b = normalizeOtlpLogs(doc, ctx());
    assert.equal(b.rejects.length, 1);
    assert.match(b.rejects[0]!.reason, /no event name/);
    assert.equal(b.skipped?.['log record that is not an AI agent event'], 1);
  });

  it('dead-letters a request that is not OTLP logs at all', () => {
    const b = normalizeOtlpLogs({ hello: 'world' }, ctx());
    assert.equal(b.rejects.length, 1);
    assert.match(b.rejects[0]!.reason, /resourceLogs/);
    assert.equal(b.rejects[0]!.received_at, '2026-02-01T00:00:00.000Z');
  });
});
