import { statSync } from 'node:fs';
import { BundledPriceTable } from '../../core/pricing';
import { resolveHistoryPath, scanHistories, type HistoryScanSummary } from '../../sources/agents';
import { collectFiles, defaultRoots, scanFiles, warmScanReader, type ScanSummary } from '../../sources/transcripts';
import type { Store } from '../../core/store/store';
import { cliLogger, openCliStore, parseCommandArgs, resolveDbPath, type CliIO, type Command } from '../context';
import { EXIT_OK, usageError } from '../errors';
import { FolderAttributor } from '../../sources/git/attribution';
import { GitRunner } from '../../sources/git/node-git';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const scanTranscriptsCommand: Command = {
  summary: 'read agent transcripts and histories: Claude Code, Codex, Cline, Roo Code, Kilo Code, Gemini CLI, Copilot CLI (incremental; --all, PATH…)',
  help: [
    'Usage: prodlens scan-transcripts [--all] [--json] [--developer ID] [PATH…] [--db FILE]',
    '',
    'Reads agent transcripts and histories into the database, only what changed since the last scan.',
    'Without PATH: the default locations (~/.claude/projects, ~/.config/claude/projects, every folder in',
    'CLAUDE_CONFIG_DIR, $CODEX_HOME or ~/.codex sessions; the Cline, Roo Code and Kilo Code folders in the',
    "editors' globalStorage; ~/.gemini/tmp or GEMINI_DATA_DIR; ~/.copilot/session-state), taking the",
    'sessions that ran inside the current folder; --all takes every session. With PATH (a Claude config or',
    "projects folder, a project folder, a Codex home or sessions folder, an agent's history folder, or",
    'single files): every session in it.',
    'Rows get the developer, repository and branch of the folder the session ran in (git origin, HEAD and',
    'user.email there, else the user.email of the current folder); docs/events.md.',
    '  --developer ID',
    '           the developer these sessions are attributed to, instead of git user.email (also',
    '           $PRODLENS_DEVELOPER); without either and without a user.email the rows have none',
    '  --json   print the summary as JSON',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { all: { type: 'boolean' }, json: { type: 'boolean' }, developer: { type: 'string' } }, true);
    const logger = cliLogger(io, !!values.verbose);
    const paths = positionals.length ? positionals : null;
    const prices = new BundledPriceTable();
    const workspaceFolders = paths || values.all ? null : [io.cwd];
    const locations = { env: io.env, home: io.env.HOME, projectFolders: [io.cwd] };
    const attribute = cliAttributor(io, values.developer).hook;
    // Named paths go to the reader that recognises them; the history readers claim theirs first.
    const historyPaths = paths?.filter((p) => resolveHistoryPath(p) !== null) ?? null;
    const transcriptPaths = paths?.filter((p) => !historyPaths!.includes(p)) ?? null;
    const files = collectFiles(transcriptPaths, defaultRoots(locations));
    const dbPath = resolveDbPath(values.db, io);
    // The reading thread starts while the store opens (sql.js compiles, the file is read), when the files
    // changed since the database was last written hold enough to read; on a first scan (no database yet) it
    // also starts reading the first files.
    const dbMtime = statSync(dbPath, { throwIfNoEntry: false })?.mtimeMs;
    let reader = warmScanReader(files, prices, { logger, changedSince: dbMtime ?? 0, firstScan: dbMtime === undefined ? { workspaceFolders } : undefined });
    let summary: ScanSummary;
    let histories: HistoryScanSummary;
    let store: Store;
    try {
      store = await openCliStore(dbPath, logger, false);
    } catch (err) {
      await reader?.close();
      throw err;
    }
    try {
      // One transaction for the whole scan, the day tables written once at its end (not per batch).
      ({ summary, histories } = await store.bulk(async () => {
        // The scan owns the reading thread from here (and closes it).
        const warm = reader;
        reader = null;
        return {
          summary: await scanFiles(files, store, { prices, workspaceFolders, logger, signal: io.signal, flush: false, attribute, reader: warm }),
          histories: await scanHistories(historyPaths, store, { prices, workspaceFolders, logger, signal: io.signal, locations, attribute }),
        };
      }));
      await store.flush();
    } finally {
      await reader?.close();
      await store.close();
    }
    if (values.json) {
      io.stdout(`${JSON.stringify({ ...summary, duplicates: summary.duplicates + summary.copiesDropped, histories })}\n`);
    } else {
      io.stdout(
        `${summary.files} transcript file(s): ${summary.filesRead} read, ${summary.filesUnchanged} unchanged, ${summary.filesExcluded} outside the workspace` +
          `${summary.filesReset ? `, ${summary.filesReset} re-read from the start` : ''}; ${(summary.bytesRead / 1e6).toFixed(1)} MB read\n` +
          `${summary.inserted} new event(s), ${summary.updated} updated, ${summary.duplicates + summary.copiesDropped} duplicate(s), ${summary.deadLettered} dead-lettered` +
          `${summary.reconciled ? `, ${summary.reconciled} OpenTelemetry copies reconciled` : ''}${summary.cancelled ? ' (cancelled)' : ''}\n` +
          `${histories.files} agent history file(s): ${histories.filesRead} read, ${histories.filesUnchanged} unchanged, ${histories.filesExcluded} outside the workspace; ` +
          `${histories.inserted} new event(s), ${histories.updated} updated, ${histories.duplicates} duplicate(s), ${histories.deadLettered} dead-lettered` +
          `${histories.reconciled ? `, ${histories.reconciled} telemetry copies of chat/session-log calls reconciled` : ''}${histories.cancelled ? ' (cancelled)' : ''}\n`,
      );
    }
    return EXIT_OK;
  },
};

/**
 * The CLI's attribution resolver: `--developer`, else `$PRODLENS_DEVELOPER`, else git `user.email` of the
 * session's folder (else of the current folder). The CLI runs git as the user asked it to (`$PRODLENS_GIT`).
 */
export function cliAttributor(io: CliIO, developer: string | undefined): FolderAttributor {
  if (developer !== undefined && !developer.trim()) throw usageError('--developer needs an id (an email, usually)');
  const override = developer ?? io.env.PRODLENS_DEVELOPER;
  return new FolderAttributor({ git: new GitRunner(io.env.PRODLENS_GIT || 'git'), developerOverride: override?.trim() || null, fallbackFolder: io.cwd });
}
