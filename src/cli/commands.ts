import type { Command } from './context';

/**
 * Every subcommand by name; features register theirs here. Each is loaded when it runs, so a command pays
 * only for its own code: `prodlens info` does not initialise the price table, Arrow or protobuf (~30 MiB of
 * resident memory and ~0.1 s of start-up), and the launching process of a relaunched `prodlens import`
 * (src/cli/main.ts) loads no command at all. `require`, not `import()`: esbuild makes each a lazily
 * initialised module of the same bundle, and the unit tests (tsx's CommonJS hook) resolve it like any import.
 */
export const COMMANDS: Record<string, () => Command> = {
  collect: () => {
    const { collectCommand } = require('./commands/collect') as typeof import('./commands/collect');
    return collectCommand;
  },
  import: () => {
    const { importCommand } = require('./commands/import') as typeof import('./commands/import');
    return importCommand;
  },
  report: () => {
    const { reportCommand } = require('./commands/report') as typeof import('./commands/report');
    return reportCommand;
  },
  info: () => {
    const { infoCommand } = require('./commands/info') as typeof import('./commands/info');
    return infoCommand;
  },
  'scan-transcripts': () => {
    const { scanTranscriptsCommand } = require('./commands/scan-transcripts') as typeof import('./commands/scan-transcripts');
    return scanTranscriptsCommand;
  },
  'sync-git': () => {
    const { syncGitCommand } = require('./commands/sync-git') as typeof import('./commands/sync-git');
    return syncGitCommand;
  },
  'sync-github': () => {
    const { syncGitHubCommand } = require('./commands/sync-github') as typeof import('./commands/sync-github');
    return syncGitHubCommand;
  },
  'sync-litellm': () => {
    const { syncLiteLlmCommand } = require('./commands/sync-litellm') as typeof import('./commands/sync-litellm');
    return syncLiteLlmCommand;
  },
  export: () => {
    const { exportCommand } = require('./commands/export') as typeof import('./commands/export');
    return exportCommand;
  },
  prune: () => {
    const { pruneCommand } = require('./commands/prune') as typeof import('./commands/prune');
    return pruneCommand;
  },
  compact: () => {
    const { compactCommand } = require('./commands/prune') as typeof import('./commands/prune');
    return compactCommand;
  },
  team: () => {
    const { teamCommand } = require('./commands/team') as typeof import('./commands/team');
    return teamCommand;
  },
};

/** The command list (loads every command for its summary). */
export function usage(): string {
  const names = Object.keys(COMMANDS);
  const commands = names.map((n) => COMMANDS[n]!());
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((n, i) => `  ${n.padEnd(width)}  ${commands[i]!.summary}`);
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
