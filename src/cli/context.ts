import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { canonicalTimeZone, isDayKey, machineTimeZone } from '../core/day';
import { scoped, type Logger } from '../core/ports';
import { SqlJsLoader } from '../core/store/node-sqljs';
import { StoreBusyError } from '../core/store/lock';
import { Store } from '../core/store/store';
import { CliError, usageError } from './errors';

/** Where the CLI's output goes; tests pass buffers. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM (long-running commands stop cleanly). */
  signal: AbortSignal;
  /** Whether stdout is a terminal (colour only then); tests leave it out. */
  isTTY?: boolean;
}

export const DEFAULT_DB = path.join('.prodlens', 'prodlens.sqlite');

/** `--db FILE`, else `$PRODLENS_DB`, else `.prodlens/prodlens.sqlite` under the current folder. */
export function resolveDbPath(flag: string | undefined, io: CliIO): string {
  return path.resolve(io.cwd, flag ?? io.env.PRODLENS_DB ?? DEFAULT_DB);
}

/** A logger on stderr (warnings and errors always; info with --verbose). */
export function cliLogger(io: CliIO, verbose: boolean): Logger {
  return {
    debug: (m) => verbose && io.stderr(`${m}\n`),
    info: (m) => verbose && io.stderr(`${m}\n`),
    warn: (m) => io.stderr(`warning: ${m}\n`),
    error: (m) => io.stderr(`error: ${m}\n`),
  };
}

/**
 * Opens the store. `timeZone` (from `cliTimeZone`) makes the local days that zone's; without it the store
 * keeps the zone its local days were last computed in (imports and syncs do not change it).
 */
export async function openCliStore(dbPath: string, logger: Logger, journal = true, readOnly = false, timeZone?: string): Promise<Store> {
  try {
    return await Store.open({ path: dbPath, sql: await new SqlJsLoader().load(), logger: scoped(logger, 'store'), journal, readOnly, timeZone });
  } catch (err) {
    if (err instanceof StoreBusyError) throw new CliError(err.message);
    throw new CliError(`cannot open database ${dbPath}: ${(err as Error).message}`);
  }
}

/** `util.parseArgs` with the shared `--db` and `--verbose` options, turning its errors into usage errors. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args,
      options: { ...options, db: { type: 'string' }, verbose: { type: 'boolean', short: 'v' } },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

/** Validates an inclusive day argument (`YYYY-MM-DD`, a real calendar day). */
export function parseDay(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isDayKey(value)) {
    throw usageError(`${flag} must be a day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The developer's time zone for local days: `--timezone`, else `$PRODLENS_TIMEZONE`, else the machine's.
 * An IANA name (Europe/Berlin, America/Los_Angeles, UTC); anything else is a usage error that says so.
 */
export function cliTimeZone(flag: string | undefined, io: CliIO): string {
  for (const [name, from] of [
    [flag, '--timezone'],
    [io.env.PRODLENS_TIMEZONE, 'PRODLENS_TIMEZONE'],
  ] as const) {
    if (name === undefined || (from === 'PRODLENS_TIMEZONE' && !name.trim())) continue;
    const canonical = canonicalTimeZone(name);
    if (!canonical) throw usageError(`${from} ${JSON.stringify(name)} is not a time zone; use an IANA name such as Europe/Berlin, America/Los_Angeles or UTC`);
    return canonical;
  }
  return machineTimeZone();
}

/** A `prodlens` subcommand. */
export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Full usage text for `prodlens <command> --help`. */
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}
