import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A failed git invocation, with what git said. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }

  /** git is not installed or not on PATH. */
  get notFound(): boolean {
    return this.exitCode === null && /ENOENT/.test(this.message);
  }
}

export interface GitRunOptions {
  cwd: string;
  /** Written to git's stdin (e.g. revisions for `--stdin`). */
  input?: string;
  signal?: AbortSignal;
}

/**
 * Runs the `git` binary without a shell (arguments are never interpreted), with a fixed, predictable
 * environment: no pager, no prompts, no locale-dependent output, no optional locks.
 */
export class GitRunner {
  /**
   * @param gitPath the git binary (VS Code's `git.path` setting, else `git` on PATH)
   * @param env extra environment (tests isolate git from the machine's global configuration with it)
   */
  constructor(
    private readonly gitPath = 'git',
    private readonly env: Record<string, string> = {},
  ) {}

  /** Runs git and returns its stdout; throws GitError on a non-zero exit. */
  run(args: readonly string[], opts: GitRunOptions): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.gitPath,
        args,
        { cwd: opts.cwd, env: gitEnv(this.env), maxBuffer: 256 * 1024 * 1024, signal: opts.signal, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (err) reject(toGitError(err, args, stderr));
          else resolve(stdout);
        },
      );
      // git may exit before reading stdin (EPIPE); its exit status tells what happened.
      child.stdin?.on('error', () => {});
      child.stdin?.end(opts.input ?? '');
    });
  }

  /**
   * Streams git's stdout line by line (for `git log` over a large history: memory stays bounded).
   * `onLine` is synchronous; the promise settles when git exits.
   */
  async stream(args: readonly string[], opts: GitRunOptions, onLine: (line: string) => void): Promise<void> {
    const child = spawn(this.gitPath, args, { cwd: opts.cwd, env: gitEnv(this.env), signal: opts.signal, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    // A failed spawn also errors stdin; the 'error' on the child carries the reason.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
    const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
    let consumerError: unknown;
    try {
      for await (const line of rl) {
        try {
          onLine(line);
        } catch (err) {
          // The consumer's own failure (e.g. a database error) is not a git error: stop git, rethrow as is.
          consumerError = err;
          break;
        }
      }
      if (consumerError !== undefined) {
        child.kill();
        await exited.catch(() => undefined);
        throw consumerError;
      }
      const code = await exited;
      if (code !== 0) throw new GitError(`git ${subcommand(args)} failed (exit ${code}): ${stderr.trim()}`, args, code, stderr);
    } catch (err) {
      if (err instanceof GitError || err === consumerError) throw err;
      child.kill();
      throw toGitError(err as Error, args, stderr);
    }
  }
}

function gitEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...extra,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    LANG: 'C',
  };
}

function toGitError(err: Error & { code?: unknown }, args: readonly string[], stderr: string): GitError {
  if (err.code === 'ENOENT') return new GitError(`git was not found (ENOENT): install git or put it on PATH`, args, null, stderr);
  if (err.name === 'AbortError') return new GitError('git was cancelled (AbortError)', args, null, stderr);
  const code = typeof err.code === 'number' ? err.code : null;
  const said = stderr.trim() || err.message;
  return new GitError(`git ${subcommand(args)} failed${code === null ? '' : ` (exit ${code})`}: ${said}`, args, code, stderr);
}

/** The git subcommand among the arguments (after `-c key=value` options), for messages. */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c' || args[i] === '-C') i++;
    else if (!args[i]!.startsWith('-')) return args[i]!;
  }
  return '';
}
