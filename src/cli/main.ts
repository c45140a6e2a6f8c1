import { version as PRODLENS_VERSION } from '../../package.json';
import type { CliIO } from './context';
import { CliError, EXIT_DATA, EXIT_OK, EXIT_USAGE, usageError } from './errors';
import { COMMANDS, usage } from './commands';

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
  const command = COMMANDS[name];
  try {
    if (!command) throw usageError(`unknown command ${JSON.stringify(name)}`);
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

if (require.main === module) {
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => controller.abort(new Error(sig)));
  }
  // A command whose work never settles (a bug) must not look like success when Node runs out of work.
  let settled = false;
  process.on('exit', (code) => {
    if (!settled) {
      process.stderr.write('prodlens: the command stopped before finishing (internal error); nothing after this point was done\n');
      process.exitCode = code || EXIT_DATA;
    }
  });
  runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
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
