import { BundledPriceTable } from '../../core/pricing';
import { importPaths, type ImportSummary } from '../../sources/import-paths';
import { FolderAttributor } from '../../sources/git/attribution';
import { GitRunner } from '../../sources/git/node-git';
import { cliLogger, openCliStore, parseCommandArgs, resolveDbPath, type CliIO, type Command } from '../context';
import { CliError, EXIT_OK, usageError } from '../errors';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const importCommand: Command = {
  summary: 'import files or folders of any supported format (auto-detected)',
  help: [
    'Usage: prodlens import PATH… [--developer ID] [--json] [--db FILE]',
    '',
    'Imports OTLP JSON (requests, or the JSON lines an OpenTelemetry Collector file exporter writes), LiteLLM',
    'StandardLoggingPayload (JSON array, NDJSON or single), ProdLens events (docs/events.md), and agent',
    'transcripts (a Claude Code config or projects folder, a Codex home or sessions folder, single .jsonl',
    "files), agent histories (a Cline, Roo Code or Kilo Code global-storage folder or an editor's whole",
    'globalStorage folder, ~/.gemini, ~/.copilot, or one of their files) and LiteLLM proxy spend-log rows —',
    'every session in what you name. Folders are read recursively (.json, .jsonl, .ndjson, .gz).',
    'Importing the same input again changes nothing (it is counted as duplicates).',
    'Transcript and history rows get the repository, branch and git user.email of their working folder when',
    'it exists here; --developer ID (or $PRODLENS_DEVELOPER) names the developer of rows that name none.',
    '  --json   print {"inserted","duplicates","updated","deadLettered","metricPoints","skipped",…}',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, developer: { type: 'string' } }, true);
    if (!positionals.length) throw usageError('name at least one file or folder to import');
    if (values.developer !== undefined && !values.developer.trim()) throw usageError('--developer needs an id (an email, usually)');
    // No fallback folder: imported files may be another developer's.
    const attributor = new FolderAttributor({
      git: new GitRunner(io.env.PRODLENS_GIT || 'git'),
      developerOverride: (values.developer ?? io.env.PRODLENS_DEVELOPER)?.trim() || null,
    });
    const logger = cliLogger(io, !!values.verbose);
    const store = await openCliStore(resolveDbPath(values.db, io), logger, false);
    let summary: ImportSummary;
    try {
      // Large files are read on the reading thread while this one writes.
      summary = await importPaths(store, positionals, {
        prices: new BundledPriceTable(),
        logger,
        signal: io.signal,
        attribute: attributor.hook,
        readOnWorker: io.env.PRODLENS_IMPORT_WORKER !== '0',
      });
    } catch (err) {
      throw new CliError(`${(err as Error).message}. Check the path and try again.`);
    } finally {
      await store.close();
    }
    const skipped = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
    if (values.json) {
      const { skipped: byReason, ...rest } = summary;
      io.stdout(`${JSON.stringify({ ...rest, skipped, skippedByReason: byReason })}\n`);
    } else {
      io.stdout(
        `${summary.files + summary.transcriptFiles + summary.historyFiles} file(s): ${summary.inserted} new, ${summary.duplicates} duplicate(s), ${summary.updated} updated, ` +
          `${summary.deadLettered} dead-lettered (see \`prodlens report\` data health), ${summary.metricPoints} metric point(s)` +
          `${skipped ? `, ${skipped} skipped as telemetry noise` : ''}${summary.cancelled ? ' — cancelled, what was read is kept' : ''}\n`,
      );
    }
    return summary.cancelled ? 2 : EXIT_OK;
  },
};
