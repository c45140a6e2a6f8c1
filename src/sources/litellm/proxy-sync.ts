import { createHash } from 'node:crypto';
import { addIngestResult, emptyIngestResult, type Batch, type IngestResult } from '../../core/model';
import { normalizeSpendLogs } from '../../core/normalize/litellm-spend-logs';
import { silentLogger, systemClock, type Clock } from '../../core/ports';
import type { PriceTable } from '../../core/pricing';
import type { Store } from '../../core/store/store';
import { LiteLlmProxyClient, LiteLlmProxyError, type ProxyClientOptions } from './proxy-client';
import { isRecord } from '../../core/guards';
import { utcDay } from '../../core/day';

/**
 * Pulls the `LiteLLM_SpendLogs` rows of a team's LiteLLM proxy into the store (opt-in: only when the user
 * gives a proxy URL and key). Endpoints (BerriAI/litellm `litellm/proxy/spend_tracking/
 * spend_management_endpoints.py`): `GET /spend/logs/v2?start_date=&end_date=&page=&page_size=` — times as
 * `YYYY-MM-DD HH:MM:SS` UTC, both required, page_size ≤ 100, rows newest first, answer `{data, total, page,
 * page_size, total_pages}`; proxies without it answer 404, and then `GET /spend/logs?start_date=YYYY-MM-DD
 * &end_date=YYYY-MM-DD&summarize=false` (the rows themselves, days only; the end day is midnight, so the
 * window ends tomorrow) is used.
 *
 * Incremental by time: the checkpoint (etl_runs, one job per proxy and key) is when the last successful
 * pull started; the next one asks from there minus an overlap, because the proxy writes spend-log rows in
 * batches after a request ends and stamps them with the request's start (a long request's row appears
 * after later ones). Idempotent by `request_id`, the table's primary key and the rows' identity, so the
 * overlap and repeated pulls add nothing. The checkpoint moves only after every page is stored.
 */

export interface LiteLlmSyncOptions extends Omit<ProxyClientOptions, 'baseUrl' | 'key'> {
  url: string;
  key: string;
  prices: PriceTable;
  /** First pull only: how far back (ISO day, UTC). Default: 30 days. */
  since?: string;
  /** Re-read this much before the checkpoint. */
  overlapMs?: number;
  pageSize?: number;
  /** Journal each page (the extension); otherwise the caller flushes. */
  journal?: boolean;
  onProgress?: (p: { page: number; pages: number; rows: number }) => void;
}

export interface LiteLlmSyncSummary extends IngestResult {
  url: string;
  endpoint: '/spend/logs/v2' | '/spend/logs';
  /** The window asked for (ISO). */
  from: string;
  to: string;
  pages: number;
  rows: number;
  requests: number;
  retries: number;
  waitedMs: number;
}

export const DEFAULT_OVERLAP_MS = 60 * 60_000;
const DEFAULT_FIRST_DAYS = 30;
/** The proxy's clock may run ahead of ours: the window's end is a little in the future. */
const CLOCK_SLACK_MS = 5 * 60_000;

/** The etl_runs job of a proxy and key (a hash of the key: another key may see other rows). */
export function liteLlmJob(baseUrl: string, key: string): string {
  return `litellm-proxy:${baseUrl}#${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the v2 endpoint's format. */
function proxyTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export async function syncLiteLlmProxy(store: Store, opts: LiteLlmSyncOptions): Promise<LiteLlmSyncSummary> {
  const logger = opts.logger ?? silentLogger;
  const clock: Clock = opts.clock ?? systemClock;
  const client = new LiteLlmProxyClient({ ...opts, baseUrl: opts.url, key: opts.key });
  const job = liteLlmJob(client.baseUrl, opts.key);
  const startedAt = clock.now();
  const checkpoint = store.getLastCheckpoint(job);
  const fromMs = checkpoint
    ? Date.parse(checkpoint) - (opts.overlapMs ?? DEFAULT_OVERLAP_MS)
    : opts.since
      ? Date.parse(`${opts.since}T00:00:00Z`)
      : startedAt - DEFAULT_FIRST_DAYS * 86_400_000;
  const toMs = startedAt + CLOCK_SLACK_MS;
  const summary: LiteLlmSyncSummary = {
    ...emptyIngestResult(),
    url: client.baseUrl,
    endpoint: '/spend/logs/v2',
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    pages: 0,
    rows: 0,
    requests: 0,
    retries: 0,
    waitedMs: 0,
  };
  const receivedAt = new Date(startedAt).toISOString();
  const store_ = async (rows: unknown[]) => {
    const batch: Batch = normalizeSpendLogs(rows, { prices: opts.prices, receivedAt });
    summary.rows += rows.length;
    addIngestResult(summary, opts.journal ? await store.ingest(batch) : store.ingestUnjournaled(batch));
  };
  try {
    try {
      await pullV2(client, fromMs, toMs, opts, summary, store_);
    } catch (err) {
      if (!(err instanceof LiteLlmProxyError && err.kind === 'not-found')) throw err;
      logger.info(`${client.baseUrl} has no /spend/logs/v2; reading /spend/logs by day`);
      summary.endpoint = '/spend/logs';
      await pullV1(client, fromMs, toMs, opts, summary, store_);
    }
  } catch (err) {
    const e =
      err instanceof LiteLlmProxyError && err.kind === 'not-found'
        ? new LiteLlmProxyError(
            'not-found',
            `${client.baseUrl} has no spend-log endpoint (/spend/logs/v2 and /spend/logs answered 404): check the proxy URL — it is the proxy's root, e.g. https://litellm.example.com`,
            404,
          )
        : err;
    if (!(e instanceof LiteLlmProxyError && e.kind === 'cancelled')) store.recordJobError(job, (e as Error).message);
    throw e;
  } finally {
    Object.assign(summary, { requests: client.stats.requests, retries: client.stats.retries, waitedMs: client.stats.waitedMs });
  }
  store.setCheckpoint(job, new Date(startedAt).toISOString(), { endpoint: summary.endpoint, rows: summary.rows });
  logger.info(
    `${client.baseUrl}${summary.endpoint}: ${summary.rows} row(s) in ${summary.pages} page(s), ${summary.inserted} new, ${summary.duplicates} already stored`,
  );
  return summary;
}

async function pullV2(
  client: LiteLlmProxyClient,
  fromMs: number,
  toMs: number,
  opts: LiteLlmSyncOptions,
  summary: LiteLlmSyncSummary,
  store: (rows: unknown[]) => Promise<void>,
): Promise<void> {
  const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 100));
  let pages = 1;
  for (let page = 1; page <= pages; page++) {
    const body = await client.getJson('/spend/logs/v2', { start_date: proxyTime(fromMs), end_date: proxyTime(toMs), page, page_size: pageSize });
    if (!isRecord(body) || !Array.isArray(body.data))
      throw new LiteLlmProxyError(
        'bad-answer',
        `${client.baseUrl}/spend/logs/v2 did not answer a page of spend logs ({data: […], total_pages}): is it a LiteLLM proxy?`,
      );
    if (page === 1 && typeof body.total_pages === 'number' && Number.isSafeInteger(body.total_pages)) pages = Math.max(1, Math.min(body.total_pages, 100_000));
    summary.pages++;
    if (body.data.length) await store(body.data);
    opts.onProgress?.({ page, pages, rows: summary.rows });
    if (!body.data.length) break;
  }
}

async function pullV1(
  client: LiteLlmProxyClient,
  fromMs: number,
  toMs: number,
  opts: LiteLlmSyncOptions,
  summary: LiteLlmSyncSummary,
  store: (rows: unknown[]) => Promise<void>,
): Promise<void> {
  // The end day is compared as its midnight: ask up to the day after.
  const body = await client.getJson('/spend/logs', { start_date: utcDay(fromMs), end_date: utcDay(toMs + 86_400_000), summarize: 'false' });
  if (!Array.isArray(body))
    throw new LiteLlmProxyError('bad-answer', `${client.baseUrl}/spend/logs did not answer a list of spend-log rows: is it a LiteLLM proxy?`);
  summary.pages = 1;
  if (body.length) await store(body);
  opts.onProgress?.({ page: 1, pages: 1, rows: summary.rows });
}
