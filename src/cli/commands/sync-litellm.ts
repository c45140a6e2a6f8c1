import { BundledPriceTable } from '../../core/pricing';
import { scoped } from '../../core/ports';
import { LiteLlmProxyError, proxyBaseUrl } from '../../sources/litellm/proxy-client';
import { DEFAULT_OVERLAP_MS, syncLiteLlmProxy, type LiteLlmSyncSummary } from '../../sources/litellm/proxy-sync';
import { cliLogger, openCliStore, parseCommandArgs, parseDay, resolveDbPath, type CliIO, type Command } from '../context';
import { CliError, EXIT_OK, usageError } from '../errors';

const KEY_VARS = ['PRODLENS_LITELLM_KEY', 'LITELLM_API_KEY'] as const;

/** @public Loaded when it runs (src/cli/commands.ts). */
export const syncLiteLlmCommand: Command = {
  summary: 'pull request spend logs from a team LiteLLM proxy (opt-in; incremental)',
  help: [
    'Usage: prodlens sync-litellm --url URL [--since YYYY-MM-DD] [--overlap MINUTES] [--json] [--db FILE]',
    '',
    "Reads the proxy's LiteLLM_SpendLogs rows (GET /spend/logs/v2, else /spend/logs on older proxies) into the",
    'database as source litellm-spend-logs: tokens, reported spend, model, user, team and key alias. Incremental:',
    'each run asks from the last successful run minus an overlap; rows are identified by request_id, so nothing',
    'is stored twice. Only counts and metadata are kept, never messages or responses.',
    'The key comes from PRODLENS_LITELLM_KEY or LITELLM_API_KEY (a proxy key allowed to read spend logs).',
    "  --url URL          the proxy's root, e.g. https://litellm.example.com (or $PRODLENS_LITELLM_URL)",
    '  --since DAY        first run only: how far back to read (default: 30 days)',
    `  --overlap MINUTES  re-read this much before the last run (default: ${DEFAULT_OVERLAP_MS / 60_000})`,
    '  --json             print the summary as JSON',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, { url: { type: 'string' }, since: { type: 'string' }, overlap: { type: 'string' }, json: { type: 'boolean' } });
    const rawUrl = values.url ?? io.env.PRODLENS_LITELLM_URL;
    if (!rawUrl) throw usageError("--url URL is required (the LiteLLM proxy's root, e.g. https://litellm.example.com)");
    const url = proxyBaseUrl(rawUrl);
    if (!url) throw usageError(`--url must be an http(s) URL such as https://litellm.example.com, got ${JSON.stringify(rawUrl)}`);
    const since = parseDay(values.since, '--since');
    const overlap = values.overlap === undefined ? undefined : Number(values.overlap);
    if (overlap !== undefined && !(Number.isFinite(overlap) && overlap >= 0))
      throw usageError(`--overlap must be a number of minutes, got ${JSON.stringify(values.overlap)}`);
    const keyVar = KEY_VARS.find((k) => io.env[k]?.trim());
    const key = keyVar ? io.env[keyVar]!.trim() : undefined;
    if (!key)
      throw new CliError(
        `no LiteLLM proxy key: set ${KEY_VARS.join(' or ')} to a proxy key allowed to read spend logs, e.g. LITELLM_API_KEY=sk-… prodlens sync-litellm --url ${url}`,
      );
    const logger = cliLogger(io, !!values.verbose);
    const store = await openCliStore(resolveDbPath(values.db, io), logger, false);
    let summary: LiteLlmSyncSummary;
    try {
      summary = await syncLiteLlmProxy(store, {
        url,
        key,
        prices: new BundledPriceTable(),
        since: since ?? undefined,
        overlapMs: overlap === undefined ? undefined : overlap * 60_000,
        signal: io.signal,
        logger: scoped(logger, 'litellm'),
        keyHint: keyVar,
      });
    } catch (err) {
      if (err instanceof LiteLlmProxyError)
        throw new CliError(err.kind === 'cancelled' ? 'cancelled; what was read is kept, the next run starts where the last complete one did' : err.message);
      throw err;
    } finally {
      await store.close();
    }
    io.stdout(
      values.json
        ? `${JSON.stringify(summary, null, 2)}\n`
        : `${summary.url}${summary.endpoint} from ${summary.from} to ${summary.to}: ${summary.rows} row(s) in ${summary.pages} page(s), ${summary.inserted} new, ${summary.duplicates} already stored, ${summary.updated} updated, ${summary.deadLettered} dead-lettered\n` +
            `  ${summary.requests} request(s), ${summary.retries} retried (${(summary.waitedMs / 1000).toFixed(1)} s waited)\n`,
    );
    return EXIT_OK;
  },
};
