import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { version as PRODLENS_VERSION } from '../../package.json';
import type { CliIO } from './context';
import { CliError, EXIT_DATA, EXIT_OK, EXIT_USAGE, usageError } from './errors';
import { COMMANDS, usage } from './commands';

/** For the CLI's entry (launch.ts): the importer of ES modules the bundle uses. */
export { setEsmImporter } from '../core/esm-import';

/** Runs one CLI invocation and returns its exit code (never calls process.exit; tests call it directly). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  // Bare `prodlens` is someone finding their way: help, and success.
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage());
    return EXIT_OK;
  }
  if (name === '--version' || name === 'version') {
    io.stdout(`${PRODLENS_VERSION}\n`);
    return EXIT_OK;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!load) throw usageError(`unknown command ${JSON.stringify(name)}`);
    const command = load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${command.help}\n`);
      return EXIT_OK;
    }
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`prodlens ${name}: ${err.message}\n`);
      return err.code;
    }
    io.stderr(`prodlens ${name}: unexpected error: ${(err as Error).stack ?? err}\n`);
    return EXIT_DATA;
  }
}

/**
 * V8 flags for the bulk commands: a larger young generation. A bulk import allocates a short-lived object
 * graph per record (parsed JSON, the normalized event, its row); with V8's default 16 MiB semi-spaces most of
 * it is scavenged several times and promoted, and garbage collection was ~20% of the CPU time of
 * `prodlens import` (bench/import.ts). The flag cannot be set from inside a running process.
 */
const BULK_V8_FLAGS = ['--max-semi-space-size=64'];
const BULK_COMMANDS = new Set(['import']);
/**
 * Inputs smaller than this are imported in this process: starting a second Node process (~0.2 s) costs more
 * than the larger young generation saves on them.
 */
const RELAUNCH_FROM_BYTES = 32 << 20;

/** Whether the arguments name only regular files (and option values) adding up to less than RELAUNCH_FROM_BYTES. */
export function smallInput(args: readonly string[]): boolean {
  let bytes = 0;
  for (const a of args) {
    if (a.startsWith('-')) continue;
    let st;
    try {
      st = statSync(a);
    } catch {
      continue; // an option's value (a developer id), or a path the command reports as missing
    }
    if (!st.isFile()) return false; // a folder: its size is not known without reading it
    bytes += st.size;
  }
  return bytes < RELAUNCH_FROM_BYTES;
}

/**
 * Runs a bulk command in a child Node process with BULK_V8_FLAGS (same stdio, exit code and signals); false
 * when this process should run the command itself (not a bulk command, already relaunched, a small input, or
 * PRODLENS_NO_RELAUNCH set).
 */
function relaunchWithBulkFlags(): boolean {
  const name = process.argv[2];
  if (!name || !BULK_COMMANDS.has(name) || process.env.PRODLENS_NO_RELAUNCH) return false;
  if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return false;
  if (smallInput(process.argv.slice(3))) return false;
  // The IPC channel tells the child when this process is gone (killed): it then stops as if cancelled.
  const child = spawn(process.execPath, [...process.execArgv, ...BULK_V8_FLAGS, ...process.argv.slice(1)], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  // Ctrl-C reaches both processes (one process group); a signal sent to this one alone is passed on. The
  // child finishes what it was doing (a cancelled import keeps what it read) and its exit code is ours.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('error', (err) => {
    process.stderr.write(`prodlens: cannot start ${process.execPath}: ${err.message}\n`);
    process.exitCode = EXIT_DATA;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : EXIT_DATA);
  });
  return true;
}

/**
 * Runs the command of this process's arguments: the CLI's entry (dist/cli.js, src/cli/launch.ts) calls this
 * once it has loaded this bundle (dist/cli-main.js).
 */
export function main(): void {
  if (relaunchWithBulkFlags()) return;
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => controller.abort(new Error(sig)));
  }
  // Relaunched by relaunchWithBulkFlags: a parent that disappears cancels the command (what was done is kept).
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => controller.abort(new Error('the prodlens process that started this one exited')));
  }
  // A command whose work never settles (a bug) must not look like success when Node runs out of work.
  let settled = false;
  process.on('exit', (code) => {
    if (!settled) {
      process.stderr.write('prodlens: the command stopped before finishing (internal error); nothing after this point was done\n');
      process.exitCode = code || EXIT_DATA;
    }
  });
  // A reader that stops early (`prodlens report --json | head`) closes the pipe: the rest of the output goes
  // nowhere and the command finishes as it would have (Node would otherwise end on an unhandled EPIPE).
  let stdoutClosed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && !stdoutClosed) throw err;
    stdoutClosed = true;
  });
  runCli(process.argv.slice(2), {
    stdout: (t) => {
      if (!stdoutClosed) process.stdout.write(t);
    },
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    isTTY: process.stdout.isTTY === true,
  }).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (err) => {
      settled = true;
      process.stderr.write(`${err}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

if (require.main === module) main();
