import type { Clock } from '../../core/ports';
import { setTimeout as sleepFor } from 'node:timers/promises';

/** Waits `ms`, rejecting early when `signal` aborts (tests inject one that only records the wait). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** How hard the client retries; waits are bounded in total so a sync never hangs for an hour. */
export interface RetryPolicy {
  /** Retries of one request (not counting the first attempt). */
  maxRetries: number;
  /** Total time one sync may spend waiting for rate limits and backoff, ms. */
  maxTotalWaitMs: number;
  /** First backoff after a 5xx or network error, ms; doubles each retry. */
  baseDelayMs: number;
  /** Wait after a secondary rate limit that names no time (GitHub: "at least one minute"), ms; doubles each retry. */
  secondaryDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  maxTotalWaitMs: 120_000,
  baseDelayMs: 1000,
  secondaryDelayMs: 60_000,
};

/** What a failed response looked like (an Octokit RequestError, reduced to what the decision needs). */
export interface FailedResponse {
  status: number;
  headers: Record<string, string | number | undefined>;
  message: string;
  /** No HTTP response at all (refused, DNS, TLS): Octokit reports these as status 500. */
  noResponse?: boolean;
}

/** Retries of a request that got no response: a wrong URL should fail in seconds, not minutes. */
const MAX_NO_RESPONSE_RETRIES = 2;

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false };

/**
 * Whether and when to retry a failed request, following GitHub's documented rules
 * (docs "Rate limits for the REST API", "Exceeding the rate limit"):
 * - 403/429 with `retry-after`: wait that many seconds.
 * - 403/429 with `x-ratelimit-remaining: 0`: wait until `x-ratelimit-reset` (epoch seconds).
 * - 429, or 403 whose message says "secondary rate limit", without either header: wait at least a
 *   minute, doubling on each retry.
 * - 500/502/503/504 and network failures (Octokit reports them as status 500): exponential backoff.
 * Anything else (401, 404, 422, a plain 403 for missing permissions, 304) is not retried.
 */
export function retryDecision(res: FailedResponse, attempt: number, nowMs: number, policy: RetryPolicy): RetryDecision {
  if (attempt >= policy.maxRetries) return { retry: false };
  const h = (name: string) => {
    const v = res.headers[name];
    return v === undefined ? undefined : String(v);
  };
  if (res.status === 403 || res.status === 429) {
    const retryAfter = h('retry-after');
    if (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim())) {
      return { retry: true, delayMs: Number(retryAfter) * 1000, reason: `${res.status} retry-after ${retryAfter}s` };
    }
    const reset = h('x-ratelimit-reset');
    if (h('x-ratelimit-remaining') === '0' && reset !== undefined && /^\d+$/.test(reset)) {
      // One extra second: the reset instant is rounded down to whole seconds.
      return {
        retry: true,
        delayMs: Math.max(0, Number(reset) * 1000 - nowMs) + 1000,
        reason: `${res.status} rate limit exhausted until ${new Date(Number(reset) * 1000).toISOString()}`,
      };
    }
    if (res.status === 429 || /secondary rate limit|abuse/i.test(res.message)) {
      return { retry: true, delayMs: policy.secondaryDelayMs * 2 ** attempt, reason: `${res.status} secondary rate limit` };
    }
    return { retry: false };
  }
  if (res.noResponse && attempt >= MAX_NO_RESPONSE_RETRIES) return { retry: false };
  if ([500, 502, 503, 504].includes(res.status)) {
    return { retry: true, delayMs: policy.baseDelayMs * 2 ** attempt, reason: `${res.status} server error` };
  }
  return { retry: false };
}

/** The sync gave up waiting: the rate limit (or an outage) outlasts the allowed wait. */
export class RetryBudgetError extends Error {
  constructor(
    message: string,
    /** When a retry could succeed (epoch ms), if known. */
    readonly retryAt: number | null,
    readonly lastError: unknown,
  ) {
    super(message);
  }
}

/** Real waiting with `node:timers/promises` (cancellable). */
export const realSleep: Sleep = async (ms, signal) => {
  await sleepFor(ms, undefined, { signal });
};

/** Counters of one client's traffic (shown in sync summaries). */
export interface RequestStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Of which answered 304 Not Modified (free of rate limit). */
  notModified: number;
  retries: number;
  waitedMs: number;
  /** `x-ratelimit-remaining` of the last response that carried it. */
  rateRemaining: number | null;
}

export function emptyStats(): RequestStats {
  return { requests: 0, notModified: 0, retries: 0, waitedMs: 0, rateRemaining: null };
}

/**
 * The retry loop Octokit's `request` hook runs: calls `send` until it succeeds, fails for good, or the
 * total wait would exceed the budget. Cancellation (`signal`) stops both the wait and the request.
 */
export async function withRetries<T>(
  send: () => Promise<T>,
  deps: { policy: RetryPolicy; sleep: Sleep; clock: Clock; stats: RequestStats; signal?: AbortSignal; onRetry?: (reason: string, delayMs: number) => void },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    deps.stats.requests++;
    try {
      const res = await send();
      noteRate(deps.stats, (res as { headers?: FailedResponse['headers'] }).headers);
      return res;
    } catch (err) {
      const failed = asFailedResponse(err);
      if (failed) noteRate(deps.stats, failed.headers);
      if (failed?.status === 304) deps.stats.notModified++;
      if (deps.signal?.aborted || !failed) throw err;
      const d = retryDecision(failed, attempt, deps.clock.now(), deps.policy);
      if (!d.retry) throw err;
      if (deps.stats.waitedMs + d.delayMs > deps.policy.maxTotalWaitMs) {
        const at = deps.clock.now() + d.delayMs;
        throw new RetryBudgetError(
          `GitHub asked to wait ${Math.ceil(d.delayMs / 1000)} s (${d.reason}), beyond the ${Math.round(deps.policy.maxTotalWaitMs / 1000)} s this sync may wait; try again after ${new Date(at).toISOString()}`,
          at,
          err,
        );
      }
      deps.onRetry?.(d.reason, d.delayMs);
      deps.stats.retries++;
      deps.stats.waitedMs += d.delayMs;
      await deps.sleep(d.delayMs, deps.signal);
    }
  }
}

function noteRate(stats: RequestStats, headers: FailedResponse['headers'] | undefined): void {
  const v = headers?.['x-ratelimit-remaining'];
  if (v !== undefined && /^\d+$/.test(String(v))) stats.rateRemaining = Number(v);
}

/** An Octokit RequestError's status, headers and message; null for other errors (bugs, aborts). */
export function asFailedResponse(err: unknown): FailedResponse | null {
  if (!err || typeof err !== 'object' || (err as Error).name === 'AbortError') return null;
  const e = err as { status?: unknown; response?: { headers?: FailedResponse['headers']; data?: unknown }; message?: unknown };
  if (typeof e.status !== 'number') return null;
  const data = e.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : typeof e.message === 'string' ? e.message : '';
  return { status: e.status, headers: e.response?.headers ?? {}, message, noResponse: e.response === undefined };
}
