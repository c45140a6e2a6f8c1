import { version as PRODLENS_VERSION } from '../../../package.json';
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/ports';
import { realSleep, type Sleep } from '../github/retry';

/**
 * The HTTP side of pulling spend logs from a team's LiteLLM proxy: GET with the proxy key as a bearer
 * token, bounded retries that honour `Retry-After`, and errors that say what to do. Node's own fetch
 * (undici); no other network access exists in this module.
 */

export interface ProxyRetryPolicy {
  /** Retries of one request (not counting the first attempt). */
  maxRetries: number;
  /** Total time one sync may spend waiting, ms. */
  maxTotalWaitMs: number;
  /** First backoff after a 5xx, a 429 without Retry-After, or a network error, ms; doubles each retry. */
  baseDelayMs: number;
  /** Time one request may take, ms. */
  requestTimeoutMs: number;
}

export const DEFAULT_PROXY_RETRY: ProxyRetryPolicy = { maxRetries: 5, maxTotalWaitMs: 120_000, baseDelayMs: 1000, requestTimeoutMs: 60_000 };

/** Why a pull failed, for the user: `kind` picks the advice. */
export type ProxyErrorKind = 'auth' | 'not-found' | 'unreachable' | 'rate-limited' | 'bad-answer' | 'http' | 'cancelled';

export class LiteLlmProxyError extends Error {
  constructor(
    readonly kind: ProxyErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface ProxyClientOptions {
  /** The proxy's root, e.g. `https://litellm.example.com` (a path prefix is kept). */
  baseUrl: string;
  key: string;
  signal?: AbortSignal;
  logger?: Logger;
  retry?: Partial<ProxyRetryPolicy>;
  sleep?: Sleep;
  clock?: Clock;
  /** Where to tell the user to fix the key (the CLI's variables, or the VS Code command). */
  keyHint?: string;
}

export interface ProxyStats {
  requests: number;
  retries: number;
  waitedMs: number;
}

/** Normalizes a proxy URL: http(s) only, no trailing slash, no query. Null when unusable. */
export function proxyBaseUrl(value: string): string | null {
  try {
    const u = new URL(value.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    if (u.username || u.password) return null;
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/** Seconds or an HTTP date (RFC 9110 §10.2.3) → ms to wait, or null. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export class LiteLlmProxyClient {
  readonly baseUrl: string;
  readonly stats: ProxyStats = { requests: 0, retries: 0, waitedMs: 0 };
  private readonly policy: ProxyRetryPolicy;
  private readonly logger: Logger;
  private readonly sleep: Sleep;
  private readonly clock: Clock;

  constructor(private readonly opts: ProxyClientOptions) {
    const base = proxyBaseUrl(opts.baseUrl);
    if (!base)
      throw new LiteLlmProxyError('bad-answer', `${JSON.stringify(opts.baseUrl)} is not an http(s) URL of a LiteLLM proxy (e.g. https://litellm.example.com)`);
    this.baseUrl = base;
    this.policy = { ...DEFAULT_PROXY_RETRY, ...opts.retry };
    this.logger = opts.logger ?? silentLogger;
    this.sleep = opts.sleep ?? realSleep;
    this.clock = opts.clock ?? systemClock;
  }

  /** GETs `path` with `query`; the parsed JSON body. Retries 429/5xx/network failures within the budget. */
  async getJson(path: string, query: Record<string, string | number>): Promise<unknown> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    for (let attempt = 0; ; attempt++) {
      if (this.opts.signal?.aborted) throw new LiteLlmProxyError('cancelled', 'cancelled');
      this.stats.requests++;
      let res: Response;
      try {
        const signals = [AbortSignal.timeout(this.policy.requestTimeoutMs), ...(this.opts.signal ? [this.opts.signal] : [])];
        res = await fetch(url, {
          headers: { authorization: `Bearer ${this.opts.key}`, accept: 'application/json', 'user-agent': `prodlens/${PRODLENS_VERSION}` },
          signal: AbortSignal.any(signals),
          // Never follow a redirect with the key: say where it points instead.
          redirect: 'manual',
        });
      } catch (err) {
        if (this.opts.signal?.aborted) throw new LiteLlmProxyError('cancelled', 'cancelled');
        const reason = causeOf(err);
        // A wrong URL should fail in seconds: two retries for requests that got no answer at all.
        if (attempt < Math.min(2, this.policy.maxRetries)) {
          await this.wait(this.policy.baseDelayMs * 2 ** attempt, `no answer (${reason})`);
          continue;
        }
        throw new LiteLlmProxyError('unreachable', `cannot reach the LiteLLM proxy at ${this.baseUrl}: ${reason}. Check the URL and your network`);
      }
      if (res.ok) {
        const text = await res.text();
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new LiteLlmProxyError(
            'bad-answer',
            `${url.origin}${url.pathname} answered ${res.status} with something that is not JSON: is ${this.baseUrl} a LiteLLM proxy?`,
            res.status,
          );
        }
      }
      const body = await res.text().catch(() => '');
      if (res.status >= 300 && res.status < 400) {
        const to = res.headers.get('location');
        throw new LiteLlmProxyError(
          'http',
          `${this.baseUrl} redirects (HTTP ${res.status})${to ? ` to ${to.slice(0, 200)}` : ''}: set the proxy URL to the address it redirects to`,
          res.status,
        );
      }
      if (res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504 || res.status === 500) {
        if (attempt < this.policy.maxRetries) {
          const after = retryAfterMs(res.headers.get('retry-after'), this.clock.now());
          await this.wait(
            after ?? this.policy.baseDelayMs * 2 ** attempt,
            `${res.status}${after !== null ? ` retry-after ${res.headers.get('retry-after')}` : ''}`,
          );
          continue;
        }
        throw new LiteLlmProxyError(
          res.status === 429 ? 'rate-limited' : 'http',
          `the LiteLLM proxy answered ${res.status} ${retryHint(res.status)} ${this.policy.maxRetries + 1} times; try again later`,
          res.status,
        );
      }
      throw this.failure(res.status, url, body);
    }
  }

  private async wait(ms: number, reason: string): Promise<void> {
    if (this.stats.waitedMs + ms > this.policy.maxTotalWaitMs) {
      const at = new Date(this.clock.now() + ms).toISOString();
      throw new LiteLlmProxyError(
        'rate-limited',
        `the LiteLLM proxy asked to wait ${Math.ceil(ms / 1000)} s (${reason}), beyond the ${Math.round(this.policy.maxTotalWaitMs / 1000)} s a sync may wait; try again after ${at}`,
      );
    }
    this.logger.warn(`LiteLLM proxy: ${reason}; retrying in ${(ms / 1000).toFixed(1)} s`);
    this.stats.retries++;
    this.stats.waitedMs += ms;
    try {
      await this.sleep(ms, this.opts.signal);
    } catch {
      throw new LiteLlmProxyError('cancelled', 'cancelled');
    }
  }

  private failure(status: number, url: URL, body: string): LiteLlmProxyError {
    if (status === 401 || status === 403) {
      return new LiteLlmProxyError(
        'auth',
        `the LiteLLM proxy at ${this.baseUrl} rejected the key (HTTP ${status}): check the key${this.opts.keyHint ? ` (${this.opts.keyHint})` : ''} — it must be a proxy key allowed to read spend logs`,
        status,
      );
    }
    if (status === 404) return new LiteLlmProxyError('not-found', `${url.origin}${url.pathname} does not exist (HTTP 404)`, status);
    return new LiteLlmProxyError('http', `the LiteLLM proxy answered ${status} to ${url.pathname}: ${proxyMessage(body)}`, status);
  }
}

function retryHint(status: number): string {
  return status === 429 ? '(rate limited)' : '(server error)';
}

/** The proxy's `{"error": {"message": …}}` or FastAPI's `{"detail": …}`, shortened. */
function proxyMessage(body: string): string {
  try {
    const o = JSON.parse(body) as { error?: { message?: unknown } | string; detail?: unknown };
    const m =
      typeof o.error === 'string'
        ? o.error
        : typeof o.error?.message === 'string'
          ? o.error.message
          : typeof o.detail === 'string'
            ? o.detail
            : JSON.stringify(o.detail ?? o.error ?? '');
    return m.slice(0, 200) || 'no message';
  } catch {
    return body.slice(0, 200).replace(/\s+/g, ' ') || 'no message';
  }
}

function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; name?: string; message?: string };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
