import type { CliIO } from './context';
import { collectCommand } from './commands/collect';
import { importCommand } from './commands/import';
import { infoCommand } from './commands/info';
import { exportCommand } from './commands/export';
import { compactCommand, pruneCommand } from './commands/prune';
import { reportCommand } from './commands/report';
import { scanTranscriptsCommand } from './commands/scan-transcripts';
import { syncGitCommand } from './commands/sync-git';
import { syncGitHubCommand } from './commands/sync-github';
import { syncLiteLlmCommand } from './commands/sync-litellm';

/** A `prodlens` subcommand. */
export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Full usage text for `prodlens <command> --help`. */
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Every subcommand by name; features register theirs here. */
export const COMMANDS: Record<string, Command> = {
  collect: collectCommand,
  import: importCommand,
  report: reportCommand,
  info: infoCommand,
  'scan-transcripts': scanTranscriptsCommand,
  'sync-git': syncGitCommand,
  'sync-github': syncGitHubCommand,
  'sync-litellm': syncLiteLlmCommand,
  export: exportCommand,
  prune: pruneCommand,
  compact: compactCommand,
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: prodlens <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Common options: --db FILE (default $PRODLENS_DB or .prodlens/prodlens.sqlite), --verbose',
    'Exit codes: 0 success, 1 bad usage, 2 bad data or I/O.',
    '',
  ].join('\n');
}
