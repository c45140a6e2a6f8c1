import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeSpendLogs } from '../../../src/core/normalize/litellm-spend-logs';
import { LiteLlmProxyError, retryAfterMs } from '../../../src/sources/litellm/proxy-client';
import { DEFAULT_OVERLAP_MS, syncLiteLlmProxy } from '../../../src/sources/litellm/proxy-sync';
import { prices } from '../helpers/events';
import { count, memoryStore } from '../transcripts/helpers';
import { fixture, GOOD_KEY, PROXY_FIXTURES, recorded, StandInProxy } from './proxy-server';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const ROWS = JSON.parse(readFileSync(path.join(PROXY_FIXTURES, 'spend-logs.json'), 'utf8')) as Array<Record<string, unknown>>;
const fixed = (iso: string) => ({ now: () => Date.parse(iso) });

describe('LiteLLM proxy pull (/spend/logs/v2 from a stand-in proxy on 127.0.0.1)', () => {
  let proxy: StandInProxy;
  let url: string;
  beforeEach(async () => {
    proxy = new StandInProxy();
    url = await proxy.start();
  });
  afterEach(() => proxy.stop());

  it('reads every page into rows idempotent by request_id; a re-run asks from the checkpoint minus the overlap and adds nothing', async () => {
    const store = await memoryStore();
    const progress: string[] = [];
    const first = await syncLiteLlmProxy(store, {
      url,
      key: GOOD_KEY,
      prices,
      pageSize: 3,
      since: '2026-01-01',
      clock: fixed('2026-01-13T08:00:00Z'),
      onProgress: (p) => progress.push(`${p.page}/${p.pages}`),
    });
    assert.deepEqual([first.endpoint, first.pages, first.rows, first.inserted, first.duplicates, first.deadLettered], ['/spend/logs/v2', 3, 7, 7, 0, 0]);
    assert.deepEqual(progress, ['1/3', '2/3', '3/3']);
    assert.deepEqual(
      proxy.seen.map((r) => [r.query.page, r.query.page_size, r.query.start_date, r.query.end_date]),
      [
        ['1', '3', '2026-01-01 00:00:00', '2026-01-13 08:05:00'],
        ['2', '3', '2026-01-01 00:00:00', '2026-01-13 08:05:00'],
        ['3', '3', '2026-01-01 00:00:00', '2026-01-13 08:05:00'],
      ],
    );
    assert.ok(proxy.seen.every((r) => r.auth === `Bearer ${GOOD_KEY}`));
    // The rows as the normalizer reads them: tokens without the cache, spend as reported cost, developer.
    const r = rawDatabaseForTests(store).exec(
      "SELECT trace_hash, tokens_in, cache_read_tokens, cache_write_tokens, cost_usd, developer_id, kind, repo_slug FROM sessions WHERE source = 'litellm-spend-logs' ORDER BY ts_ms",
    )[0]!.values;
    assert.equal(r.length, 7);
    assert.deepEqual(r[0]!.slice(1), [33200 - 30000 - 2000, 30000, 2000, 0.0214575, 'ana@example.com', 'request', 'acme/api']);
    assert.deepEqual(
      r.map((x) => x[6]),
      ['request', 'request', 'request', 'error', 'request', 'request', 'request'],
    );
    assert.equal(r[2]![5], 'ci-bot', 'the key alias when the key has no user');
    assert.equal(count(store, "SELECT COUNT(*) FROM etl_runs WHERE job LIKE 'litellm-proxy:%' AND checkpoint = '2026-01-13T08:00:00.000Z'"), 1);

    proxy.seen.length = 0;
    const again = await syncLiteLlmProxy(store, { url, key: GOOD_KEY, prices, pageSize: 3, clock: fixed('2026-01-13T09:00:00Z') });
    assert.deepEqual([again.inserted, again.duplicates, again.rows], [0, 7, 7]);
    const start = new Date(Date.parse('2026-01-13T08:00:00Z') - DEFAULT_OVERLAP_MS).toISOString().slice(0, 19).replace('T', ' ');
    assert.equal(proxy.seen[0]!.query.start_date, start);
    assert.equal(count(store, "SELECT COUNT(*) FROM sessions WHERE source = 'litellm-spend-logs'"), 7);
    // The same rows imported from a file (the UI's export) are the same events.
    const fromFile = normalizeSpendLogs(ROWS, { prices });
    assert.deepEqual(fromFile.events.map((e) => e.trace_hash).sort(), r.map((x) => x[0]).sort());
    await store.close();
  });

  it('a 429 with Retry-After is waited out and retried; the pull then completes', async () => {
    let limited = 0;
    proxy.script = (req) => {
      if (req.query.page === '2' && limited++ === 0) return { status: 429, body: fixture('error-429.json'), headers: { 'retry-after': '1' } };
      return undefined;
    };
    const store = await memoryStore();
    const started = Date.now();
    const s = await syncLiteLlmProxy(store, { url, key: GOOD_KEY, prices, pageSize: 3, since: '2026-01-01' });
    assert.deepEqual([s.inserted, s.retries, s.waitedMs, s.requests], [7, 1, 1000, 4]);
    assert.ok(Date.now() - started >= 1000, 'it really waited');
    assert.deepEqual(
      proxy.seen.map((r) => r.query.page),
      ['1', '2', '2', '3'],
    );
    await store.close();
  });

  it('401: says to check the key, stores nothing, does not move the checkpoint, records the error', async () => {
    const store = await memoryStore();
    await assert.rejects(
      syncLiteLlmProxy(store, { url, key: 'sk-wrong', prices, keyHint: 'LITELLM_API_KEY' }),
      (err: unknown) =>
        err instanceof LiteLlmProxyError &&
        err.kind === 'auth' &&
        /rejected the key \(HTTP 401\): check the key \(LITELLM_API_KEY\)/.test(err.message) &&
        !err.message.includes('sk-wrong') &&
        !err.message.includes('WxYz'),
    );
    assert.equal(proxy.seen.length, 1, 'a rejected key is not retried');
    assert.equal(count(store, 'SELECT COUNT(*) FROM sessions'), 0);
    assert.equal(count(store, "SELECT COUNT(*) FROM etl_runs WHERE checkpoint IS NULL AND last_status = 'error' AND last_error LIKE '%check the key%'"), 1);
    await store.close();
  });

  it('an older proxy without /spend/logs/v2: /spend/logs?summarize=false by day; a URL that is no proxy: a clear error', async () => {
    proxy.script = (req) => {
      if (req.path === '/spend/logs') return req.query.summarize === 'false' ? { status: 200, body: fixture('spend-logs.json') } : { status: 400, body: '{}' };
      if (req.path === '/spend/logs/v2') return { status: 404, body: fixture('error-404.json') };
      return undefined;
    };
    const store = await memoryStore();
    const s = await syncLiteLlmProxy(store, { url, key: GOOD_KEY, prices, since: '2026-01-10', clock: fixed('2026-01-13T08:00:00Z') });
    assert.deepEqual([s.endpoint, s.inserted], ['/spend/logs', 7]);
    assert.deepEqual(proxy.seen.at(-1)!.query, { start_date: '2026-01-10', end_date: '2026-01-14', summarize: 'false' });
    proxy.script = () => ({ status: 404, body: fixture('error-404.json') });
    await assert.rejects(syncLiteLlmProxy(store, { url: `${url}/not-here/`, key: GOOD_KEY, prices }), /has no spend-log endpoint .*check the proxy URL/);
    proxy.script = () => ({ status: 200, body: '<html>login</html>' });
    await assert.rejects(syncLiteLlmProxy(store, { url, key: GOOD_KEY, prices }), /not JSON: is .* a LiteLLM proxy\?/);
    await store.close();
  });

  it('cancelling stops between pages and keeps the checkpoint where it was', async () => {
    const store = await memoryStore();
    const controller = new AbortController();
    proxy.script = (req) => {
      if (req.query.page === '2') controller.abort();
      return recorded(req, 0);
    };
    await assert.rejects(
      syncLiteLlmProxy(store, { url, key: GOOD_KEY, prices, pageSize: 3, since: '2026-01-01', signal: controller.signal }),
      (e: unknown) => e instanceof LiteLlmProxyError && e.kind === 'cancelled',
    );
    assert.equal(count(store, "SELECT COUNT(*) FROM etl_runs WHERE job LIKE 'litellm-proxy:%' AND checkpoint IS NOT NULL"), 0);
    await store.close();
  });

  it('Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('7', 0), 7000);
    assert.equal(retryAfterMs('Tue, 13 Jan 2026 08:00:30 GMT', Date.parse('2026-01-13T08:00:00Z')), 30_000);
    assert.equal(retryAfterMs('soon', 0), null);
  });
});
