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
  return loadPriceData()(...args);
}

/**
 * Evaluates the bundled price data now (~40 ms) rather than at the first estimate: the reading thread does
 * it while it waits for its first file.
 */
export function loadPriceData(): typeof CalcPrice {
  return (calcPriceFn ??= (require('@pydantic/genai-prices') as { calcPrice: typeof CalcPrice }).calcPrice);
}

/** How a table names the overrides it was given, unless told otherwise. */
export const DEFAULT_OVERRIDES_LABEL = 'user prices';

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

/**
 * How one model prices on one UTC day, resolved once through `calcPrice` and then reused: estimating is on
 * the per-record hot path, and a full `calcPrice` (provider and model matching) costs 40–250 µs. Between
 * tier thresholds the price is linear in each token kind, so per-token rates are probed once per region;
 * models whose price depends on the time of day go through `calcPrice` every time.
 */
type Resolved =
  | { kind: 'unknown' }
  | { kind: 'dynamic'; modelId: string; providerId: string | undefined }
  | { kind: 'linear'; modelId: string; providerId: string | undefined; regions: Region[] };

/**
 * Prices are linear in each token kind between tier thresholds (a tier applies to the whole request once
 * its input — cache reads and writes included — exceeds the threshold), so rates are probed once per region.
 */
interface Region {
  /** Applies when the request's whole input is above this (exclusive), up to the next region's start. */
  above: number;
  c0: number;
  rIn: number;
  rOut: number;
  rRead: number;
  rWrite: number;
}

const PROBE = 1000;
const MAX_RESOLVED = 10_000;

function tierStarts(prices: Record<string, unknown>): number[] {
  const starts = new Set<number>();
  for (const v of Object.values(prices)) {
    if (v && typeof v === 'object' && Array.isArray((v as { tiers?: unknown }).tiers)) {
      for (const t of (v as { tiers: Array<{ start?: unknown }> }).tiers) if (typeof t.start === 'number' && Number.isFinite(t.start)) starts.add(t.start);
    }
  }
  return [...starts].sort((a, b) => a - b);
}

/**
 * The start times (epoch ms, ascending) of a model's dated prices when every constraint is a start date (as
 * genai-prices reads it: `new Date(start_date)`); undefined for undated prices or any other constraint.
 */
function dateStarts(prices: unknown): number[] | undefined {
  if (!Array.isArray(prices)) return undefined;
  const starts: number[] = [];
  for (const p of prices) {
    const c = (p as { constraint?: { type?: unknown; start_date?: unknown } } | null)?.constraint;
    if (c === undefined) continue;
    if (c?.type !== 'start_date' || typeof c.start_date !== 'string') return undefined;
    const t = new Date(c.start_date).getTime();
    if (!Number.isFinite(t)) return undefined;
    starts.push(t);
  }
  return starts.sort((a, b) => a - b);
}

/** How many of the (ascending) start times are not after `atMs`. */
function startedBy(starts: number[], atMs: number): number {
  let n = 0;
  while (n < starts.length && starts[n]! <= atMs) n++;
  return n;
}

function hasTimeOfDayPrice(prices: unknown): boolean {
  return (
    Array.isArray(prices) &&
    prices.some(
      (p) =>
        (p as { constraint?: { type?: string; start_time?: unknown } })?.constraint?.type === 'time_of_date' ||
        (p as { constraint?: { start_time?: unknown } })?.constraint?.start_time !== undefined,
    )
  );
}

/** `calcPrice` that never throws (it throws on inconsistent usage; a price lookup must not stop a normalizer). */
function safeCalc(usage: Parameters<typeof calcPrice>[0], model: string, providerId: string | undefined, at: Date): ReturnType<typeof calcPrice> {
  try {
    return calcPrice(usage, model, providerId ? { timestamp: at, providerId } : { timestamp: at });
  } catch {
    return null;
  }
}

/** The bundled table with optional user overrides (a setting / `--prices FILE`). */
export class BundledPriceTable implements PriceTable {
  readonly version: string;
  private readonly overrides: Array<[string, boolean, PriceOverride]>;
  private readonly resolved = new Map<string, Resolved>();
  /** Per model (and provider): the price entry of the last day resolved, and its resolution. */
  private readonly byPrice = new Map<string, { price: unknown; resolved: Resolved }>();
  /**
   * Models whose resolution is the same on every day: the table has one undated price for them, or does
   * not know them (genai-prices matches a name to a provider and model whatever the time, and only then
   * picks among dated prices). Their other days skip calcPrice (~0.5 ms per call on the table's regexes).
   */
  private readonly undated = new Map<string, Resolved>();
  /**
   * Models whose dated prices all start on a date (no time-of-day prices): their start times, ascending.
   * genai-prices takes, from the end of the list, the first price without a constraint or whose start date
   * is not after the time, so which one applies depends only on how many start dates are not after it; a
   * resolution is kept per such count (`periodResolved`), not per UTC day (a scan spans many days, each
   * a ~0.5 ms calcPrice to learn which price applies).
   */
  private readonly periods = new Map<string, number[]>();
  private readonly periodResolved = new Map<string, Resolved>();

  /** What the table was built from: a worker thread builds the same table from it (transcript scan). */
  readonly spec: { overrides: PriceOverrides; label: string };

  constructor(overrides: PriceOverrides = {}, overridesLabel = DEFAULT_OVERRIDES_LABEL) {
    this.spec = { overrides, label: overridesLabel };
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
    const r = this.resolve(m, atMs);
    if (r.kind === 'unknown') return null;
    // genai-prices counts cache reads and writes inside input_tokens; tiers apply to that total.
    const allInput = input + cacheRead + cacheWrite;
    if (r.kind === 'linear') {
      let g = r.regions[0]!;
      for (const region of r.regions) if (allInput > region.above) g = region;
      const cost = g.c0 + input * g.rIn + output * g.rOut + cacheRead * g.rRead + cacheWrite * g.rWrite;
      return { cost_usd: cost, price_version: BUNDLED_PRICE_VERSION };
    }
    const result = safeCalc(
      { input_tokens: allInput, output_tokens: output, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite },
      r.modelId,
      r.providerId,
      new Date(atMs),
    );
    if (!result) return null;
    return { cost_usd: result.total_price, price_version: BUNDLED_PRICE_VERSION };
  }

  /** Whether the table knows the model at all (for `cost_source = unknown`). */
  knows(model: string, atMs = Date.now()): boolean {
    const m = model.trim().toLowerCase();
    if (this.findOverride(m)) return true;
    return this.resolve(m, atMs).kind !== 'unknown';
  }

  /**
   * Resolves a model on a UTC day (dated price changes start on a day). A `provider/model` name (LiteLLM's
   * style) that the table does not know as such is retried through genai-prices' LiteLLM provider mapping.
   */
  private resolve(m: string, atMs: number): Resolved {
    const same = this.undated.get(m);
    if (same) return same;
    const starts = Number.isFinite(atMs) ? this.periods.get(m) : undefined;
    const periodKey = starts ? `${m}\u0000${startedBy(starts, atMs)}` : undefined;
    if (periodKey) {
      const inPeriod = this.periodResolved.get(periodKey);
      if (inPeriod) return inPeriod;
    }
    const key = `${m}\u0000${Math.floor(atMs / 86_400_000)}`;
    const hit = this.resolved.get(key);
    if (hit) return hit;
    if (this.resolved.size >= MAX_RESOLVED) this.resolved.clear();
    const at = new Date(atMs);
    let providerId: string | undefined;
    let base = safeCalc({ input_tokens: 0, output_tokens: 0 }, m, undefined, at);
    if (!base && m.includes('/')) {
      providerId = 'litellm';
      base = safeCalc({ input_tokens: 0, output_tokens: 0 }, m, providerId, at);
    }
    let r: Resolved;
    // Another day with the same price entry (genai-prices returns one object per dated price): the same
    // resolution, without its ~10 probing calcPrice calls (~0.2 ms each; a transcript scan spans many days).
    const prior = base ? this.byPrice.get(`${m}\u0000${providerId ?? ''}`) : undefined;
    if (!base) r = { kind: 'unknown' };
    else if (prior && prior.price === base.model_price) r = prior.resolved;
    else if (hasTimeOfDayPrice(base.model.prices)) r = { kind: 'dynamic', modelId: m, providerId };
    else {
      const total = (u: Parameters<typeof calcPrice>[0]) => safeCalc(u, m, providerId, at)?.total_price ?? NaN;
      const starts = tierStarts(base.model_price as Record<string, unknown>);
      const bounds = [-1, ...starts];
      const regions: Region[] = [];
      for (let i = 0; i < bounds.length; i++) {
        const above = bounds[i]!;
        const next = bounds[i + 1] ?? Infinity;
        // Probe at an input inside the region, with room for the probe amounts before the next threshold.
        const t = above + 1 + PROBE;
        if (t + PROBE > next) break;
        const c = total({ input_tokens: t });
        const rIn = (total({ input_tokens: t + PROBE }) - c) / PROBE;
        const rOut = (total({ input_tokens: t, output_tokens: PROBE }) - c) / PROBE;
        // A cache read or write replaces that many uncached input tokens of the same total input.
        const rRead = (total({ input_tokens: t, cache_read_tokens: PROBE }) - c) / PROBE + rIn;
        const rWrite = (total({ input_tokens: t, cache_write_tokens: PROBE }) - c) / PROBE + rIn;
        regions.push({ above, c0: c - t * rIn, rIn, rOut, rRead, rWrite });
      }
      const linear = regions.length === bounds.length && regions.every((g) => [g.c0, g.rIn, g.rOut, g.rRead, g.rWrite].every(Number.isFinite));
      r = linear ? { kind: 'linear', modelId: m, providerId, regions } : { kind: 'dynamic', modelId: m, providerId };
    }
    if (base) {
      if (this.byPrice.size >= MAX_RESOLVED) this.byPrice.clear();
      this.byPrice.set(`${m}\u0000${providerId ?? ''}`, { price: base.model_price, resolved: r });
    }
    // (A time genai-prices cannot use makes calcPrice throw for dated prices only: not a reason to keep "unknown".)
    if ((base ? !Array.isArray(base.model.prices) : Number.isFinite(atMs)) && this.undated.size < MAX_RESOLVED) this.undated.set(m, r);
    else this.resolved.set(key, r);
    if (base && Number.isFinite(atMs) && this.periodResolved.size < MAX_RESOLVED) {
      const startTimes = dateStarts(base.model.prices);
      if (startTimes) {
        this.periods.set(m, startTimes);
        this.periodResolved.set(`${m}\u0000${startedBy(startTimes, atMs)}`, r);
      }
    }
    return r;
  }

  private findOverride(m: string): PriceOverride | undefined {
    for (const [key, prefix, v] of this.overrides) if (prefix ? m.startsWith(key) : m === key) return v;
    return undefined;
  }
}
