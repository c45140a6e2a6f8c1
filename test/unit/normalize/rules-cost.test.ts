import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { buildEvent } from '../../../src/core/normalize/event';
import { normalizeLiteLlm } from '../../../src/core/normalize/litellm';
import { normalizeOtlpLogs } from '../../../src/core/normalize/otlp-logs';
import { BUNDLED_PRICES, BUNDLED_PRICE_VERSION, BundledPriceTable } from '../../../src/core/pricing';
import { clone, ctx, dropAttr, fixture, logRecords, only, rawAttr } from './helpers';

const AT = Date.UTC(2026, 0, 5, 10);

/** Cost rules: reported wins; else an estimate from the dated table (with its version); unknown model → unknown. */
describe('cost rules', () => {
  it('bundles the price package version that pricing.ts names', () => {
    const pkg = JSON.parse(readFileSync(require.resolve('@pydantic/genai-prices').replace(/dist[/\\]index\.c?js$/, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    assert.equal(pkg.name, BUNDLED_PRICES.package);
    assert.equal(pkg.version, BUNDLED_PRICES.version, 'update BUNDLED_PRICES (version and publication date) with the dependency');
  });

  it('keeps the cost the source reported, even where the table would estimate another', () => {
    const b = normalizeOtlpLogs(fixture('otlp/claude-code-logs-js.json'), ctx());
    const e = only(b, (x) => x.model === 'claude-sonnet-4-5-20250929' && x.kind === 'request', 'request');
    const reported = Number(rawAttr(logRecords(fixture('otlp/claude-code-logs-js.json'))[1]!.attributes, 'cost_usd'));
    assert.equal(e.cost_usd, reported);
    assert.equal(e.cost_source, 'reported');
    assert.equal(e.price_version, null);
    const est = new BundledPriceTable().estimate(e.model, e, e.ts_ms);
    assert.ok(est && est.cost_usd !== reported, 'the fixture must make the distinction visible');
  });

  it('estimates a missing cost from the price table and records the table version', () => {
    const doc = clone(fixture('otlp/claude-code-logs-js.json'));
    dropAttr(logRecords(doc)[1]!.attributes, 'cost_usd');
    const e = only(normalizeOtlpLogs(doc, ctx()), (x) => x.model === 'claude-sonnet-4-5-20250929' && x.kind === 'request', 'request');
    assert.equal(e.cost_source, 'estimated');
    assert.equal(e.price_version, BUNDLED_PRICE_VERSION);
    // Against the package itself: genai-prices counts cache tokens inside input_tokens.
    const want = calcPrice(
      {
        input_tokens: e.tokens_in! + e.cache_read_tokens! + e.cache_write_tokens!,
        output_tokens: e.tokens_out!,
        cache_read_tokens: e.cache_read_tokens!,
        cache_write_tokens: e.cache_write_tokens!,
      },
      e.model!,
      { timestamp: new Date(e.ts_ms) },
    )!.total_price;
    assert.ok(Math.abs(e.cost_usd! - want) <= 1e-12 * want);
  });

  it('gives an unknown model cost_source unknown and a null cost, not a silent $0', () => {
    const b = normalizeLiteLlm(fixture('litellm/payloads-json-array.json'), ctx());
    const e = only(b, (x) => x.model === 'acme-internal-coder-7b', 'unknown-model payload');
    assert.equal(e.cost_usd, null);
    assert.equal(e.cost_source, 'unknown');
    assert.equal(e.price_version, null);
    assert.ok(e.tokens_in! > 0, 'tokens are still kept');
  });

  it('applies tiered prices above 200k input tokens', () => {
    const t = new BundledPriceTable();
    const below = t.estimate('claude-sonnet-4-5', { tokens_in: 150_000, tokens_out: 1000, cache_read_tokens: 0, cache_write_tokens: 0 }, AT)!;
    const above = t.estimate('claude-sonnet-4-5', { tokens_in: 250_000, tokens_out: 1000, cache_read_tokens: 0, cache_write_tokens: 0 }, AT)!;
    const perTokBelow = below.cost_usd / 151_000;
    assert.ok(above.cost_usd / 251_000 > perTokBelow * 1.5, 'the long-context tier must raise the rate');
    // Cache reads count towards the tier threshold too.
    const viaCache = t.estimate('claude-sonnet-4-5', { tokens_in: 150_000, tokens_out: 1000, cache_read_tokens: 100_000, cache_write_tokens: 0 }, AT)!;
    const want = calcPrice({ input_tokens: 250_000, output_tokens: 1000, cache_read_tokens: 100_000 }, 'claude-sonnet-4-5', {
      timestamp: new Date(AT),
    })!.total_price;
    assert.ok(Math.abs(viaCache.cost_usd - want) <= 1e-12 * want);
  });

  it('prices a provider-prefixed model name (LiteLLM style) like the bare name', () => {
    const t = new BundledPriceTable();
    const u = { tokens_in: 1000, tokens_out: 100, cache_read_tokens: null, cache_write_tokens: null };
    assert.deepEqual(t.estimate('anthropic/claude-sonnet-4-5', u, AT), t.estimate('claude-sonnet-4-5', u, AT));
  });

  it('matches genai-prices exactly (to rounding) for any usage, below and above the tiers', () => {
    const t = new BundledPriceTable();
    const models = ['claude-sonnet-4-5', 'claude-opus-4-1', 'gpt-4o', 'gpt-4o-mini', 'gemini-2.5-pro', 'gemini-2.5-flash', 'deepseek-chat'];
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.nat(400_000),
        fc.nat(50_000),
        fc.nat(300_000),
        fc.nat(20_000),
        fc.integer({ min: 0, max: 86_400_000 * 30 }),
        (m, i, o, r, w, dt) => {
          const at = AT + dt;
          const usage = { tokens_in: i, tokens_out: o, cache_read_tokens: r, cache_write_tokens: m.startsWith('claude') ? w : 0 };
          const got = t.estimate(m, usage, at);
          const want = calcPrice(
            { input_tokens: i + r + usage.cache_write_tokens, output_tokens: o, cache_read_tokens: r, cache_write_tokens: usage.cache_write_tokens },
            m,
            { timestamp: new Date(at) },
          );
          assert.ok(got && want);
          assert.ok(
            Math.abs(got.cost_usd - want.total_price) <= 1e-9 * Math.max(want.total_price, 1e-9),
            `${m} ${JSON.stringify(usage)}: ${got.cost_usd} vs ${want.total_price}`,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('switches to the tier price exactly where genai-prices does (whole input, cache included, above 200k)', () => {
    const t = new BundledPriceTable();
    for (const total of [199_999, 200_000, 200_001, 200_002]) {
      const usage = { tokens_in: total - 150_000, tokens_out: 10, cache_read_tokens: 100_000, cache_write_tokens: 50_000 };
      const want = calcPrice({ input_tokens: total, output_tokens: 10, cache_read_tokens: 100_000, cache_write_tokens: 50_000 }, 'claude-sonnet-4-5', {
        timestamp: new Date(AT),
      })!;
      const got = t.estimate('claude-sonnet-4-5', usage, AT)!;
      assert.ok(Math.abs(got.cost_usd - want.total_price) <= 1e-12, `${total}: ${got.cost_usd} vs ${want.total_price}`);
    }
  });

  it('uses an override before the bundled table, labelled as such', () => {
    const t = new BundledPriceTable({ 'acme-internal-*': { input_mtok: 1, output_mtok: 2 } }, 'prices.json');
    const r = buildEvent(
      { source: 'prodlens', kind: 'request', time: AT, identity: ['x'], model: 'acme-internal-coder-7b', tokens_in: 1_000_000, tokens_out: 500_000 },
      { prices: t },
    );
    assert.ok(r.ok);
    assert.equal(r.value.cost_usd, 2);
    assert.equal(r.value.cost_source, 'estimated');
    assert.match(r.value.price_version!, /prices\.json/);
  });
  it('a table reused over many days prices each day as a fresh table does, across a dated price change', () => {
    // claude-opus-4-6 changes price on 2026-03-13 in the bundled data; the others keep theirs all month.
    // Also a LiteLLM-style name of the dated model and a name the table does not know; days out of order.
    const models = ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'gpt-5', 'anthropic/claude-opus-4-6', 'no-such-model-x'];
    const usage = { tokens_in: 250_000, tokens_out: 1200, cache_read_tokens: 30_000, cache_write_tokens: 900 };
    const reused = new BundledPriceTable();
    const costs = new Set<number>();
    const days = Array.from({ length: 31 }, (_, i) => ((i * 17) % 31) + 1);
    assert.equal(new Set(days).size, 31);
    for (const day of days) {
      for (const model of models) {
        const at = Date.UTC(2026, 2, day, 12);
        const fresh = new BundledPriceTable().estimate(model, usage, at);
        assert.deepEqual(reused.estimate(model, usage, at), fresh, `${model} on 2026-03-${day}`);
        if (model === 'claude-opus-4-6' && fresh) costs.add(fresh.cost_usd);
        if (model === 'no-such-model-x') assert.equal(fresh, null);
        else assert.ok(fresh, `${model} is priced`);
      }
    }
    assert.ok(costs.size >= 2, 'the month spans a price change');
  });

  it('a reused table prices each side of a dated price change as a fresh table does, to the millisecond, in any order', () => {
    // claude-opus-4-6 and claude-sonnet-4-6 change price at 2026-03-13T00:00Z; the table keeps one resolution
    // per price period, so the last millisecond before and the first at the change must still differ.
    const change = Date.UTC(2026, 2, 13);
    const times = [change, change - 1, Date.UTC(2025, 0, 1), change + 86_400_000 * 200, change + 1, change - 86_400_000 * 40, change - 1];
    const usage = { tokens_in: 250_000, tokens_out: 1200, cache_read_tokens: 30_000, cache_write_tokens: 900 };
    for (const model of ['claude-opus-4-6', 'claude-sonnet-4-6', 'anthropic/claude-sonnet-4-6', 'claude-sonnet-4-5']) {
      for (const order of [times, [...times].reverse()]) {
        const reused = new BundledPriceTable();
        for (const at of order) assert.deepEqual(reused.estimate(model, usage, at), new BundledPriceTable().estimate(model, usage, at), `${model} at ${at}`);
      }
      const t = new BundledPriceTable();
      if (model !== 'claude-sonnet-4-5') assert.notEqual(t.estimate(model, usage, change - 1)!.cost_usd, t.estimate(model, usage, change)!.cost_usd, model);
    }
  });
});
