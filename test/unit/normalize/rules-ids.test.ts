import assert from 'node:assert/strict';
import { normalizeLiteLlm } from '../../../src/core/normalize/litellm';
import { normalizeOtlpLogs } from '../../../src/core/normalize/otlp-logs';
import { normalizeOtlpSpans } from '../../../src/core/normalize/otlp-spans';
import { clone, ctx, dropAttr, fixture, logRecords, only, setAttr } from './helpers';

type Doc = { resourceLogs: Array<{ resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> } }> };

/** Id rules: documented attributes first, then resource attributes, then a regex fallback, else null. */
describe('id rules', () => {
  it('takes the session from session.id / conversation.id and the developer in the documented order', () => {
    const claude = normalizeOtlpLogs(fixture('otlp/claude-code-logs-js.json'), ctx());
    for (const e of claude.events) {
      assert.equal(e.session_id, '0b4c8a52-6f39-4c1e-9e0f-2d3f1a7b9c10');
      assert.equal(e.developer_id, 'dana.dev@example.com', 'user.email first, compared case-insensitively');
    }
    const go = normalizeOtlpLogs(fixture('otlp/claude-code-logs-go.json'), ctx());
    for (const e of go.events) assert.equal(e.developer_id, '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'account uuid before the installation user.id');
    const codex = normalizeOtlpLogs(fixture('otlp/codex-logs.json'), ctx());
    for (const e of codex.events) assert.equal(e.session_id, '0199a5c2-7d31-7c40-b1e2-3f4a5b6c7d8e', 'Codex: conversation.id');
  });

  it('falls back to resource attributes for ids, and prefers record over resource for repository and branch', () => {
    const doc = clone(fixture('otlp/claude-code-logs-js.json')) as Doc;
    const rec = logRecords(doc)[1]!;
    dropAttr(rec.attributes, 'session.id');
    dropAttr(rec.attributes, 'user.email');
    dropAttr(rec.attributes, 'user.account_uuid');
    dropAttr(rec.attributes, 'user.id');
    doc.resourceLogs[0]!.resource.attributes.push(
      { key: 'session.id', value: { stringValue: 'from-resource-session' } },
      { key: 'enduser.id', value: { stringValue: 'res-user' } },
    );
    setAttr(rec.attributes, 'vcs.repository.name', { stringValue: 'acme/override' });
    setAttr(rec.attributes, 'vcs.repository.url.full', { stringValue: 'https://github.com/acme/override.git' });
    const b = normalizeOtlpLogs(doc, ctx());
    const e = only(b, (x) => x.model === 'claude-sonnet-4-5-20250929' && x.kind === 'request', 'edited request');
    assert.equal(e.session_id, 'from-resource-session');
    assert.equal(e.developer_id, 'res-user');
    assert.equal(e.repo_slug, 'acme/override', 'record attribute over the resource one');
    assert.equal(e.branch, 'main', 'resource branch used when the record has none');
  });

  it('finds ids embedded in metadata strings with the regex fallback', () => {
    const payloads = fixture('litellm/payloads-json-array.json') as Array<Record<string, unknown>>;
    const b = normalizeLiteLlm(payloads, ctx());
    // request_tags ["team:platform", "session_id=lit-sess-9f8e7d6c"]
    assert.equal(b.events[0]!.session_id, 'lit-sess-9f8e7d6c');
    // spend_logs_metadata.note "session_id=lit-sess-9f8e7d6c user_id=ana"
    assert.equal(b.events[3]!.session_id, 'lit-sess-9f8e7d6c');
    assert.equal(b.events[3]!.developer_id, 'ana');
    // LiteLLM's span carries spend_logs_metadata as Python repr text.
    const span = only(normalizeOtlpSpans(fixture('otlp/litellm-spans.json'), ctx()), () => true, 'litellm_request');
    assert.equal(span.session_id, 'lt-sess-0042');
  });

  it('leaves ids null when nothing names them — never invented', () => {
    const doc = clone(fixture('otlp/codex-logs.json'));
    for (const r of logRecords(doc)) for (const k of ['conversation.id', 'user.email', 'user.account_id']) dropAttr(r.attributes, k);
    const b = normalizeOtlpLogs(doc, ctx());
    assert.ok(b.events.length > 0);
    for (const e of b.events) {
      assert.equal(e.session_id, null);
      assert.equal(e.developer_id, null);
    }
    const lite = normalizeLiteLlm(fixture('litellm/single.json'), ctx()).events[0]!;
    assert.equal(lite.session_id, null, 'LiteLLM trace_id groups retries, not a session: not used');
  });
});
