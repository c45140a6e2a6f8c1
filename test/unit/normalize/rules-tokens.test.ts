import assert from 'node:assert/strict';
import { normalizeLiteLlm } from '../../../src/core/normalize/litellm';
import { normalizeOtlpLogs } from '../../../src/core/normalize/otlp-logs';
import { normalizeOtlpSpans } from '../../../src/core/normalize/otlp-spans';
import { normalizeProdLensEvents } from '../../../src/core/normalize/prodlens-event';
import { splitInclusiveInput } from '../../../src/core/normalize/usage';
import { clone, ctx, fixture, logRecords, only, rawAttr, setAttr } from './helpers';

/** Token rules: coercion from strings/floats, derivation, negative values rejected, cache conventions. */
describe('token rules', () => {
  it('coerces counts sent as strings, intValue numbers and intValue strings alike', () => {
    const js = normalizeOtlpLogs(fixture('otlp/claude-code-logs-js.json'), ctx());
    const asStrings = only(js, (e) => e.kind === 'request' && e.model === 'claude-sonnet-4-5-20250929', 'stringValue request');
    const attrs = logRecords(fixture('otlp/claude-code-logs-js.json'))[1]!.attributes;
    assert.equal(typeof rawAttr(attrs, 'input_tokens'), 'string');
    assert.equal(asStrings.tokens_in, Number(rawAttr(attrs, 'input_tokens')));
    assert.equal(asStrings.cache_write_tokens, Number(rawAttr(attrs, 'cache_creation_tokens')));

    const asNumbers = only(js, (e) => e.model === 'claude-haiku-4-5-20251001', 'intValue-number request');
    const nattrs = logRecords(fixture('otlp/claude-code-logs-js.json'))[2]!.attributes;
    assert.equal(typeof rawAttr(nattrs, 'input_tokens'), 'number');
    assert.equal(asNumbers.tokens_in, rawAttr(nattrs, 'input_tokens'));

    const go = normalizeOtlpLogs(fixture('otlp/claude-code-logs-go.json'), ctx());
    const gattrs = logRecords(fixture('otlp/claude-code-logs-go.json'))[0]!.attributes;
    assert.equal(typeof rawAttr(gattrs, 'output_tokens'), 'string', 'Go senders write intValue as a string');
    assert.equal(only(go, (e) => e.kind === 'request', 'request').tokens_out, Number(rawAttr(gattrs, 'output_tokens')));
  });

  it('derives a missing total from the parts, and a missing part from the total', () => {
    const b = normalizeProdLensEvents(
      [
        { timestamp: '2026-01-05T10:00:00Z', kind: 'request', event_id: 't1', tokens_in: '800', tokens_out: 200 },
        { timestamp: '2026-01-05T10:00:00Z', kind: 'request', event_id: 't2', total_tokens: 1000, tokens_out: '250' },
        { timestamp: '2026-01-05T10:00:00Z', kind: 'request', event_id: 't3', total_tokens: 1000, tokens_in: 990.4 },
        { timestamp: '2026-01-05T10:00:00Z', kind: 'request', event_id: 't4', tokens_in: 5 },
      ],
      ctx(),
    );
    assert.equal(b.rejects.length, 0, JSON.stringify(b.rejects));
    const [t1, t2, t3, t4] = b.events;
    assert.equal(t1!.total_tokens, 1000);
    assert.equal(t2!.tokens_in, 750);
    assert.equal(t3!.tokens_in, 990);
    assert.equal(t3!.tokens_out, 10);
    assert.equal(t4!.tokens_out, null, 'a missing part stays missing without a total');
    assert.equal(t4!.total_tokens, null, 'a total is not invented from one part');
  });

  it('rejects negative or non-numeric counts into a dead letter instead of zeroing them', () => {
    for (const bad of [-5, '-5', 'twelve', '1e999', true]) {
      const b = normalizeProdLensEvents({ timestamp: '2026-01-05T10:00:00Z', kind: 'request', tokens_in: bad as never, tokens_out: 3 }, ctx());
      assert.equal(b.events.length, 0, `tokens_in ${String(bad)} must not produce an event`);
      assert.equal(b.rejects.length, 1);
      assert.ok(b.rejects[0]!.reason.length > 0);
    }
    const doc = clone(fixture('otlp/claude-code-logs-js.json'));
    setAttr(logRecords(doc)[1]!.attributes, 'output_tokens', { intValue: '-357' });
    const b = normalizeOtlpLogs(doc, ctx());
    assert.equal(b.rejects.length, 1);
    assert.match(b.rejects[0]!.reason, /claude_code\.api_request: tokens_out is negative/);
    assert.equal(b.events.length, logRecords(doc).length - 1, 'the other records still normalize');
  });

  it('keeps Anthropic-convention input (Claude Code) and subtracts cached input for OpenAI-style sources', () => {
    const codexDoc = fixture('otlp/codex-logs.json');
    const rec = logRecords(codexDoc).find((r) => r.attributes.some((a) => a.key === 'event.kind' && a.value.stringValue === 'response.completed'))!;
    const input = Number(rawAttr(rec.attributes, 'input_token_count'));
    const cached = Number(rawAttr(rec.attributes, 'cached_token_count'));
    const codex = only(normalizeOtlpLogs(codexDoc, ctx()), (e) => e.kind === 'request', 'codex request');
    assert.equal(codex.tokens_in, input - cached);
    assert.equal(codex.cache_read_tokens, cached);
    assert.equal(codex.reasoning_tokens, Number(rawAttr(rec.attributes, 'reasoning_token_count')));
    assert.equal(codex.total_tokens, codex.tokens_in! + codex.tokens_out!);

    const gem = only(normalizeOtlpLogs(fixture('otlp/gemini-logs.json'), ctx()), (e) => e.kind === 'request', 'gemini response');
    const grec = logRecords(fixture('otlp/gemini-logs.json')).find((r) =>
      r.attributes.some((a) => a.key === 'event.name' && a.value.stringValue === 'gemini_cli.api_response'),
    )!;
    const g = (k: string) => Number(rawAttr(grec.attributes, k));
    assert.equal(gem.tokens_in, g('input_token_count') - g('cached_content_token_count') + g('tool_token_count'));
    assert.equal(gem.tokens_out, g('output_token_count') + g('thoughts_token_count'), 'thoughts count as output');
    assert.equal(gem.reasoning_tokens, g('thoughts_token_count'));
    assert.equal(gem.tokens_in! + gem.tokens_out! + gem.cache_read_tokens!, g('total_token_count'), 'nothing lost against Gemini’s own total');

    const lite = normalizeLiteLlm(fixture('litellm/single.json'), ctx()).events[0]!;
    assert.equal(lite.tokens_in, 33200 - 30000 - 2000);
    assert.equal(lite.cache_read_tokens, 30000);
    assert.equal(lite.cache_write_tokens, 2000);

    const genai = only(normalizeOtlpSpans(fixture('otlp/genai-spans.json'), ctx()), (e) => e.model === 'claude-sonnet-4-5-20250929', 'GenAI chat span');
    assert.equal(genai.tokens_in, 6200 - 5000 - 1000);
  });

  it('keeps an inclusive-convention input as is when the cached part exceeds it (sender already excluded it)', () => {
    const r = splitInclusiveInput({ input: 100, output: 10, cacheRead: 5000 });
    assert.ok(r.ok);
    assert.equal(r.value.tokens_in, 100);
    const d = splitInclusiveInput({ input: undefined, output: 10, total: 110, cacheRead: 60 });
    assert.ok(d.ok);
    assert.equal(d.value.tokens_in, 40, 'input derived from the total, then the cache subtracted');
  });
});
