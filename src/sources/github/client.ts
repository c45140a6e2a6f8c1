import { Octokit } from '@octokit/rest';
import { version as PRODLENS_VERSION } from '../../../package.json';
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/ports';
import { DEFAULT_API_URL } from './hosts';
import { DEFAULT_RETRY_POLICY, emptyStats, realSleep, withRetries, type RequestStats, type RetryPolicy, type Sleep } from './retry';

export { DEFAULT_API_URL };

export interface GitHubClientOptions {
  token: string;
  /** REST API root: `https://api.github.com`, `https://HOST/api/v3` for GitHub Enterprise Server. */
  baseUrl?: string;
  /** Cancels requests and waits. */
  signal?: AbortSignal;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  clock?: Clock;
}

/** A page of a GET: the parsed body, its ETag and the `Link: rel="next"` URL. */
export interface Fetched {
  status: 200;
  url: string;
  data: unknown;
  etag: string | null;
  next: string | null;
}

/** The resource is unchanged since the ETag we sent (costs no rate limit). */
export interface NotModified {
  status: 304;
  url: string;
}

/**
 * Octokit configured for ProdLens: token auth, configurable base URL, and a `request` hook that retries
 * 429/5xx and rate-limited 403s with bounded, cancellable waits (see retry.ts). Conditional GETs use the
 * ETag the caller stored; Octokit reports a 304 as an error, which `get` turns into a `NotModified`.
 */
export class GitHubClient {
  readonly octokit: Octokit;
  readonly baseUrl: string;
  readonly stats: RequestStats = emptyStats();

  constructor(opts: GitHubClientOptions) {
    const logger = opts.logger ?? silentLogger;
    this.baseUrl = (opts.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
    this.octokit = new Octokit({
      auth: opts.token,
      baseUrl: this.baseUrl,
      userAgent: `prodlens/${PRODLENS_VERSION}`,
      request: { signal: opts.signal },
      // Octokit logs every failed attempt as an error; the retry hook and the sync report what matters.
      log: { debug: () => {}, info: () => {}, warn: (m: string) => logger.warn(m), error: (m: string) => logger.debug(m) },
    });
    const deps = {
      policy: { ...DEFAULT_RETRY_POLICY, ...opts.retry },
      sleep: opts.sleep ?? realSleep,
      clock: opts.clock ?? systemClock,
      stats: this.stats,
      signal: opts.signal,
      onRetry: (reason: string, ms: number) => logger.warn(`GitHub ${reason}; retrying in ${(ms / 1000).toFixed(1)} s`),
    };
    this.octokit.hook.wrap('request', (request, options) => withRetries(async () => request(options), deps));
  }

  /** The absolute URL of a route (the key of its stored ETag). */
  url(route: string, params: Record<string, string | number>): string {
    return this.octokit.request.endpoint(`GET ${route}`, params).url;
  }

  /** GET an absolute URL, conditionally when `etag` is given. */
  async get(url: string, etag: string | null): Promise<Fetched | NotModified> {
    try {
      const res = await this.octokit.request({ method: 'GET', url, headers: etag ? { 'if-none-match': etag } : {} });
      const headers = res.headers as Record<string, string | undefined>;
      return { status: 200, url, data: res.data, etag: headers.etag ?? null, next: nextLink(headers.link) };
    } catch (err) {
      if ((err as { status?: number }).status === 304) return { status: 304, url };
      throw err;
    }
  }
}

/** The `rel="next"` target of an RFC 8288 `Link` header, as GitHub sends for paginated lists. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (m && /\brel="?next"?/.test(m[2]!)) return m[1]!;
  }
  return null;
}
