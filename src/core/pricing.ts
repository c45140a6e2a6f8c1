import type { calcPrice as CalcPrice } from '@pydantic/genai-prices';

/**
 * Cost estimates from a dated, bundled price table: the npm package `@pydantic/genai-prices` (data for
 * Anthropic, OpenAI, Google and others, including tiered prices above 200k input tokens), overridable per
 * model by the user. No price data is ever downloaded.
 */

/** The bundled table's identity. A unit test checks the installed package matches this version. */
export const BUNDLED_PRICES = {
  package: '@pydantic/genai-prices',
  version: '0.1.8',
  /** Publication date of that package version on the npm registry. */
  date: '2026-09-23',
} as const;

/** The price data is ~0.5 MB of object literals: evaluated on first estimate, not at activation. */
let calcPriceFn: typeof CalcPrice | undefined;
function calcPrice(...args: Parameters<typeof CalcPrice>): ReturnType<typeof CalcPrice> {
  calcPriceFn ??= (require('@pydantic/genai-prices') as { calcPrice: typeof CalcPrice }).calcPrice;
  return calcPriceFn(...args);
}

export const BUNDLED_PRICE_VERSION = `genai-prices ${BUNDLED_PRICES.version} (${BUNDLED_PRICES.date})`;

/** USD per million tokens. */
export interface PriceOverride {
  input_mtok: number;
  output_mtok: number;
  cache_read_mtok?: number;
  cache_write_mtok?: number;
}

/** Model name (case-insensitive) or a prefix ending in `*` → prices. */
export type PriceOverrides = Record<string, PriceOverride>;

export interface Usage {
  /** Input tokens excluding cache reads and writes (the canonical `tokens_in`). */
  tokens_in: number | null;
  tokens_out: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
}

export interface PriceEstimate {
  cost_usd: number;
  /** Which table priced it, shown wherever the cost is shown. */
  price_version: string;
}

export interface PriceTable {
  /** The table's label and date, e.g. `genai-prices 0.1.8 (2026-09-23)`. */
  readonly version: string;
  /** Estimated cost, or null when the model is unknown or there are no tokens to price. */
  estimate(model: string | null, usage: Usage, atMs: number): PriceEstimate | null;
}

/** The bundled table with optional user overrides (a setting / `--prices FILE`). */
export class BundledPriceTable implements PriceTable {
  readonly version: string;
  private readonly overrides: Array<[string, boolean, PriceOverride]>;
  private readonly cache = new Map<string, ReturnType<typeof CalcPrice> | null>();

  constructor(overrides: PriceOverrides = {}, overridesLabel = 'user prices') {
    this.overrides = Object.entries(overrides).map(([k, v]) => {
      const key = k.trim().toLowerCase();
      return key.endsWith('*') ? [key.slice(0, -1), true, v] : [key, false, v];
    });
    this.version = this.overrides.length ? `${BUNDLED_PRICE_VERSION} + ${overridesLabel}` : BUNDLED_PRICE_VERSION;
  }

  estimate(model: string | null, usage: Usage, atMs: number): PriceEstimate | null {
    if (!model) return null;
    const input = usage.tokens_in ?? 0;
    const output = usage.tokens_out ?? 0;
    const cacheRead = usage.cache_read_tokens ?? 0;
    const cacheWrite = usage.cache_write_tokens ?? 0;
    if (usage.tokens_in === null && usage.tokens_out === null && usage.cache_read_tokens === null && usage.cache_write_tokens === null) return null;
    const m = model.trim().toLowerCase();
    const override = this.findOverride(m);
    if (override) {
      const cost =
        (input * override.input_mtok +
          output * override.output_mtok +
          cacheRead * (override.cache_read_mtok ?? override.input_mtok) +
          cacheWrite * (override.cache_write_mtok ?? override.input_mtok)) /
        1e6;
      return { cost_usd: cost, price_version: this.version };
    }
    // genai-prices counts cache reads and writes inside input_tokens; tiers apply to that total.
    const result = calcPrice(
      { input_tokens: input + cacheRead + cacheWrite, output_tokens: output, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite },
      m,
      { timestamp: new Date(atMs) },
    );
    if (!result) return null;
    return { cost_usd: result.total_price, price_version: BUNDLED_PRICE_VERSION };
  }

  /** Whether the table knows the model at all (for `cost_source = unknown`). */
  knows(model: string): boolean {
    const m = model.trim().toLowerCase();
    if (this.findOverride(m)) return true;
    if (!this.cache.has(m)) this.cache.set(m, calcPrice({ input_tokens: 1, output_tokens: 1 }, m));
    return this.cache.get(m) !== null;
  }

  private findOverride(m: string): PriceOverride | undefined {
    for (const [key, prefix, v] of this.overrides) if (prefix ? m.startsWith(key) : m === key) return v;
    return undefined;
  }
}
