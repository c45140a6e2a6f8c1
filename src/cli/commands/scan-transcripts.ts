import { BundledPriceTable } from '../../core/pricing';
import { scanTranscripts, type ScanSummary } from '../../sources/transcripts';
import type { Command } from '../commands';
import { cliLogger, openCliStore, parseCommandArgs, resolveDbPath, type CliIO } from '../context';
import { EXIT_OK } from '../errors';

export const scanTranscriptsCommand: Command = {
  summary: 'read Claude Code and Codex transcripts (incremental; --all, PATH…)',
  help: [
    'Usage: prodlens scan-transcripts [--all] [--json] [PATH…] [--db FILE]',
    '',
    'Reads agent transcripts into the database, only what was appended since the last scan.',
    'Without PATH: the default locations (~/.claude/projects, ~/.config/claude/projects, every folder in',
    'CLAUDE_CONFIG_DIR, $CODEX_HOME or ~/.codex sessions), taking the sessions that ran inside the current',
    'folder; --all takes every session. With PATH (a Claude config or projects folder, a project folder,',
    'a Codex home or sessions folder, or single .jsonl files): every session in it.',
    '  --json   print the summary as JSON',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { all: { type: 'boolean' }, json: { type: 'boolean' } }, true);
    const logger = cliLogger(io, !!values.verbose);
    const store = await openCliStore(resolveDbPath(values.db, io), logger, false);
    let summary: ScanSummary;
    try {
      const paths = positionals.length ? positionals : null;
      summary = await scanTranscripts(paths, store, {
        prices: new BundledPriceTable(),
        workspaceFolders: paths || values.all ? null : [io.cwd],
        logger,
        signal: io.signal,
        locations: { env: io.env, home: io.env.HOME },
      });
    } finally {
      await store.close();
    }
    if (values.json) {
      io.stdout(`${JSON.stringify({ ...summary, duplicates: summary.duplicates + summary.copiesDropped })}\n`);
    } else {
      io.stdout(
        `${summary.files} transcript file(s): ${summary.filesRead} read, ${summary.filesUnchanged} unchanged, ${summary.filesExcluded} outside the workspace` +
          `${summary.filesReset ? `, ${summary.filesReset} re-read from the start` : ''}; ${(summary.bytesRead / 1e6).toFixed(1)} MB read\n` +
          `${summary.inserted} new event(s), ${summary.updated} updated, ${summary.duplicates + summary.copiesDropped} duplicate(s), ${summary.deadLettered} dead-lettered` +
          `${summary.reconciled ? `, ${summary.reconciled} OpenTelemetry copies reconciled` : ''}${summary.cancelled ? ' (cancelled)' : ''}\n`,
      );
    }
    return EXIT_OK;
  },
};
