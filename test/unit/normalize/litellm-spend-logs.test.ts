import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { normalizeDocument } from '../../../src/core/normalize/detect';
import { isLiteLlmPayload, normalizeLiteLlm } from '../../../src/core/normalize/litellm';
import { isSpendLogRow, normalizeSpendLogs } from '../../../src/core/normalize/litellm-spend-logs';
import { clone, ctx, fixture } from './helpers';

type Row = Record<string, unknown>;

describe('LiteLLM proxy spend logs (LiteLLM_SpendLogs rows)', () => {
  const rows = fixture('litellm/spend-logs.json') as Row[];

  it('accepts a row as the proxy stores it: metadata as JSON text, cache_hit "None" (was dead-lettered)', () => {
    const b = normalizeDocument(rows[0], ctx());
    assert.deepEqual(b.rejects, []);
    assert.equal(b.events.length, 1);
    const e = b.events[0]!;
    assert.equal(e.source, 'litellm-spend-logs');
    assert.equal(e.timestamp, '2025-01-24T09:20:46.847Z');
    // prompt_tokens 33200 include 30000 cache reads and 2000 cache writes.
    assert.deepEqual([e.tokens_in, e.tokens_out, e.cache_read_tokens, e.cache_write_tokens, e.total_tokens], [1200, 750, 30000, 2000, 1950]);
    assert.equal(e.cost_usd, 0.0214575);
    assert.equal(e.cost_source, 'reported');
    assert.equal(e.latency_ms, 8750, 'request_duration_ms');
    assert.equal(e.developer_id, 'ana@example.com');
    assert.equal(e.session_id, 'b71e0c7a-3f0e-4d2a-9c51-6a8e2d4f1b30');
    assert.equal(e.repo_slug, 'acme/api');
    assert.equal(e.branch, 'main');
    assert.equal(e.attrs?.team_alias, 'platform');
    assert.equal(e.attrs?.cache_hit, undefined, '"None" is unknown, not false');
    const keyHash = createHash('sha256')
      .update(rows[0]!.api_key as string)
      .digest('hex')
      .slice(0, 16);
    assert.equal(e.attrs?.api_key_hash, keyHash);
    assert.ok(!JSON.stringify(e).includes(rows[0]!.api_key as string), 'the key hash as stored by the proxy is not kept');
  });

  it('reads dump-style times to the microsecond, object metadata, and falls back to the key alias as developer', () => {
    const e = normalizeSpendLogs(rows[1], ctx()).events[0]!;
    assert.equal(e.timestamp, '2025-01-24T10:02:11.120Z');
    assert.equal(e.latency_ms, 1883.663);
    assert.deepEqual([e.tokens_in, e.tokens_out, e.cache_read_tokens, e.cache_write_tokens], [492, 136, 1920, null]);
    assert.equal(e.developer_id, 'ci-bot');
    assert.equal(e.attrs?.cache_hit, false);
    assert.equal(e.reasoning_tokens, 0);
  });

  it('a key with no user and no alias is named by its hash, never by itself', () => {
    const row = clone(rows[1]!);
    (row.metadata as Row).user_api_key_alias = null;
    const e = normalizeSpendLogs(row, ctx()).events[0]!;
    assert.equal(
      e.developer_id,
      `key:${createHash('sha256')
        .update(row.api_key as string)
        .digest('hex')
        .slice(0, 16)}`,
    );
  });

  it('a failed call is an error event with its status code', () => {
    const e = normalizeSpendLogs(rows[2], ctx()).events[0]!;
    assert.equal(e.kind, 'error');
    assert.equal(e.status_code, 429);
    assert.equal(e.attrs?.error_class, 'RateLimitError');
    assert.ok(!JSON.stringify(e).includes('rate limited'), 'the error message is not kept');
  });

  it('is idempotent by request_id, and reads a /spend/logs/v2 page', () => {
    const a = normalizeSpendLogs(rows, ctx()).events;
    const changed = clone(rows);
    changed[0]!.spend = 0.03;
    const b = normalizeSpendLogs({ data: changed, total: 3, page: 1, page_size: 50, total_pages: 1 }, ctx()).events;
    assert.deepEqual(
      a.map((e) => e.trace_hash),
      b.map((e) => e.trace_hash),
    );
    assert.equal(b[0]!.cost_usd, 0.03);
  });

  it('dead-letters unreadable metadata and bad counts with a reason, without content', () => {
    const bad = clone(rows[0]!);
    bad.metadata = '{not json';
    bad.messages = [{ role: 'user', content: 'SECRET PROMPT' }];
    const r = normalizeSpendLogs(bad, ctx());
    assert.equal(r.events.length, 0);
    assert.match(r.rejects[0]!.reason, /metadata is neither an object nor the JSON text of one/);
    assert.ok(!r.rejects[0]!.excerpt.includes('SECRET PROMPT'));
    const neg = clone(rows[1]!);
    neg.completion_tokens = -1;
    assert.match(normalizeSpendLogs(neg, ctx()).rejects[0]!.reason, /negative/);
  });

  it('is told apart from a StandardLoggingPayload', () => {
    assert.ok(rows.every(isSpendLogRow));
    const payloads = fixture('litellm/payloads-json-array.json') as Row[];
    assert.ok(!payloads.some(isSpendLogRow));
    assert.ok(payloads.every(isLiteLlmPayload));
  });
});

describe('LiteLLM StandardLoggingPayload with string times', () => {
  const payload = fixture('litellm/single.json') as Row;

  it('gets its latency from `YYYY-MM-DD HH:MM:SS.ffffff` times', () => {
    const p = clone(payload);
    p.startTime = '2025-01-24 09:20:46.847371';
    p.endTime = '2025-01-24 09:20:49.377236';
    p.completionStartTime = '2025-01-24 09:20:47.100000';
    p.stream = true;
    const b = normalizeLiteLlm(p, ctx());
    assert.deepEqual(b.rejects, []);
    const e = b.events[0]!;
    assert.equal(e.timestamp, '2025-01-24T09:20:46.847Z');
    assert.equal(e.latency_ms, 2529.865);
    assert.equal(e.attrs?.ttft_ms, 252.629);
  });

  it('falls back to response_time when the end time is missing (not for streams)', () => {
    const p = clone(payload);
    p.startTime = '2025-01-24 09:20:46.847371';
    delete p.endTime;
    p.response_time = 2.5;
    assert.equal(normalizeLiteLlm(p, ctx()).events[0]!.latency_ms, 2500);
    p.stream = true;
    assert.equal(normalizeLiteLlm(p, ctx()).events[0]!.latency_ms, null);
  });

  it('accepts cache_hit as Python text', () => {
    const p = clone(payload);
    p.cache_hit = 'None';
    const b = normalizeLiteLlm(p, ctx());
    assert.deepEqual(b.rejects, []);
    assert.equal(b.events[0]!.attrs?.cache_hit, undefined);
    p.cache_hit = 'True';
    assert.equal(normalizeLiteLlm(p, ctx()).events[0]!.attrs?.cache_hit, true);
  });
});
