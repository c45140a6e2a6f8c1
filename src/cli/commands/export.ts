import { availableParallelism } from 'node:os';
import path from 'node:path';
import { version as PRODLENS_VERSION } from '../../../package.json';
import { ExportCancelledError, exportParquet, type ExportSummary } from '../../core/export/exporter';
import { UnsafePathError } from '../../core/export/paths';
import { MIN_SECRET_LENGTH, Pseudonymizer } from '../../core/export/pseudonymize';
import { scoped } from '../../core/ports';
import { cliLogger, cliTimeZone, openCliStore, parseCommandArgs, parseDay, resolveDbPath, type CliIO, type Command } from '../context';
import { CliError, EXIT_OK, usageError } from '../errors';

export const SECRET_ENV = 'PRODLENS_TEAM_SECRET';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const exportCommand: Command = {
  summary: 'export the store as hive-partitioned Parquet for the central team (--out DIR)',
  help: [
    'Usage: prodlens export --out DIR [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--repo OWNER/NAME]',
    '                       [--timezone ZONE] [--pseudonymize] [--threads N] [--json] [--db FILE]',
    '',
    'Writes sessions, metric_points, commits, pull_requests and _aggregates/… as Parquet (ZSTD) under DIR,',
    'partitioned by event_date and repo, plus DIR/_manifest.json (layout and schema: docs/export.md).',
    'Exporting again into the same DIR rewrites only partitions whose data changed; an interrupted export',
    'leaves the previous one intact. DIR must be empty or a previous export.',
    '',
    '  --since/--until   inclusive UTC days (event_date, the partition key)',
    "  --timezone ZONE   IANA zone of local_date and of the exported correlations' days (default",
    "                    $PRODLENS_TIMEZONE, else this machine's zone)",
    '  --repo            only this repository (daily_session_metrics and correlations are then left out)',
    `  --pseudonymize    replace developer ids and author names/emails by an HMAC keyed with $${SECRET_ENV}`,
    `                    (the team's shared secret, at least ${MIN_SECRET_LENGTH} characters)`,
    '  --threads N       threads encoding Parquet (default: the number of CPUs); 1 encodes on the main',
    '                    thread, N > 1 adds N - 1 worker threads',
    '  --json            print the summary as JSON',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, {
      out: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      repo: { type: 'string' },
      pseudonymize: { type: 'boolean' },
      json: { type: 'boolean' },
      timezone: { type: 'string' },
      threads: { type: 'string' },
    });
    const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64)
      throw usageError(`--threads must be a whole number from 1 to 64, got ${JSON.stringify(values.threads)}`);
    const timeZone = cliTimeZone(values.timezone, io);
    if (!values.out) throw usageError('--out DIR is required');
    const since = parseDay(values.since, '--since');
    const until = parseDay(values.until, '--until');
    if (since && until && since > until) throw usageError(`--since ${since} is after --until ${until}`);
    if (values.repo !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(values.repo)) throw usageError(`--repo must be OWNER/NAME, got ${JSON.stringify(values.repo)}`);
    let pseudonymizer: Pseudonymizer | undefined;
    if (values.pseudonymize) {
      const secret = io.env[SECRET_ENV];
      if (!secret || secret.length < MIN_SECRET_LENGTH) {
        throw usageError(`--pseudonymize needs the team's shared secret in $${SECRET_ENV} (at least ${MIN_SECRET_LENGTH} characters)`);
      }
      pseudonymizer = new Pseudonymizer(secret);
    }
    const outDir = path.resolve(io.cwd, values.out);
    const logger = cliLogger(io, !!values.verbose);
    const store = await openCliStore(resolveDbPath(values.db, io), logger, true, false, timeZone);
    let summary: ExportSummary;
    try {
      summary = await exportParquet(store, {
        outDir,
        filter: { since, until, repo: values.repo },
        pseudonymizer,
        signal: io.signal,
        logger: scoped(logger, 'export'),
        exporterVersion: PRODLENS_VERSION,
        threads,
        onProgress: values.verbose ? (p) => p.phase !== 'writing' && logger.info(`[export] ${p.phase} (${p.filesStaged} files staged)`) : undefined,
      });
    } catch (err) {
      if (err instanceof ExportCancelledError) throw new CliError(`export cancelled; the previous export in ${outDir} is unchanged`);
      if (err instanceof UnsafePathError) throw new CliError(err.message);
      if ((err as NodeJS.ErrnoException).code) throw new CliError(`cannot write ${outDir}: ${(err as Error).message}`);
      throw new CliError((err as Error).message);
    } finally {
      await store.close();
    }
    io.stdout(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return EXIT_OK;
  },
};

function formatSummary(s: ExportSummary): string {
  const mib = (s.bytes / 2 ** 20).toFixed(1);
  const lines = [
    `Exported ${s.rows} rows in ${s.files} files (${mib} MiB) to ${s.outDir} in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  ${s.filesWritten} written, ${s.filesUnchanged} unchanged, ${s.filesRemoved} removed${s.recovered ? ', finished an interrupted commit first' : ''}`,
    ...Object.entries(s.datasets).map(([name, d]) => `  ${name.padEnd(22)} ${String(d.files).padStart(6)} files ${String(d.rows).padStart(10)} rows`),
    `Manifest: ${s.manifestPath}`,
    '',
  ];
  return lines.join('\n');
}
