import { version as PRODLENS_VERSION } from '../../../package.json';
import { generateToken, MIN_TOKEN_LENGTH } from '../../collector/auth';
import { defaultNormalizers } from '../../collector/normalizers';
import { readWorkspaceVcs, type WorkspaceVcs } from '../../collector/node-git-workspace';
import { DEFAULT_COLLECTOR_PORT } from '../../collector/options';
import { CollectorServer } from '../../collector/server';
import { shellExports, agentEnvironment, type OtlpProtocol } from '../../collector/setup';
import { scoped } from '../../core/ports';
import { BundledPriceTable } from '../../core/pricing';
import { cliLogger, openCliStore, parseCommandArgs, resolveDbPath, type CliIO, type Command } from '../context';
import { CliError, EXIT_OK, usageError } from '../errors';
import { cliAttributor } from './scan-transcripts';

/** Environment variable read for the token when --token is not given. */
export const TOKEN_ENV = 'PRODLENS_COLLECTOR_TOKEN';

/** @public Loaded when it runs (src/cli/commands.ts). */
export const collectCommand: Command = {
  summary: 'run the local collector in the foreground (OTLP/HTTP, ProdLens events, LiteLLM)',
  help: [
    'Usage: prodlens collect [--port N] [--token T] [--protocol http/protobuf|http/json] [--developer ID] [--json] [--db FILE]',
    '',
    `Runs the ProdLens collector on 127.0.0.1 until Ctrl+C (SIGINT) or SIGTERM, then writes the database snapshot.`,
    `  --port N      port to listen on (default ${DEFAULT_COLLECTOR_PORT}, or a free port if that one is busy; 0 = any free port)`,
    `  --token T     bearer token clients must send (default $${TOKEN_ENV}, else a new random token is printed)`,
    '  --protocol P  OTLP protocol shown in the printed agent setup (default http/protobuf)',
    '  --developer ID',
    '                developer given to records that name none (default $PRODLENS_DEVELOPER, else git',
    '                user.email of the current folder; with neither they stay without one)',
    '  --json        print one JSON line when listening ({"event":"listening","endpoint","port","token",',
    '                "database","environment"}) and one when stopped ({"event":"stopped","accepted","refused"})',
    '',
    'Routes: POST /v1/logs, /v1/metrics, /v1/traces (OTLP JSON or protobuf, gzip/deflate), POST /v1/events',
    '(ProdLens JSON/NDJSON), POST /v1/litellm (LiteLLM generic API logger), GET /health.',
  ].join('\n'),
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(args, {
      port: { type: 'string' },
      token: { type: 'string' },
      protocol: { type: 'string' },
      json: { type: 'boolean' },
      developer: { type: 'string' },
    });
    const port = parsePort(values.port);
    const protocol = (values.protocol ?? 'http/protobuf') as OtlpProtocol;
    if (protocol !== 'http/protobuf' && protocol !== 'http/json') throw usageError('--protocol must be http/protobuf or http/json');
    const given = values.token ?? io.env[TOKEN_ENV];
    if (given !== undefined && given.length < MIN_TOKEN_LENGTH) throw usageError(`the token must have at least ${MIN_TOKEN_LENGTH} characters`);
    const token = given ?? generateToken();

    const developer = await cliAttributor(io, values.developer).developer();
    const logger = cliLogger(io, !!values.verbose);
    const dbPath = resolveDbPath(values.db, io);
    const store = await openCliStore(dbPath, logger);
    let vcs: WorkspaceVcs = await readWorkspaceVcs(io.cwd);
    // The branch may change while the collector runs; re-read it now and then.
    const refresh = setInterval(() => void readWorkspaceVcs(io.cwd).then((v) => (vcs = v)), 15_000);
    refresh.unref();
    const prices = new BundledPriceTable();
    const server = new CollectorServer({
      token,
      port: port ?? DEFAULT_COLLECTOR_PORT,
      fallbackToFreePort: port === undefined,
      store: async () => store,
      normalizers: defaultNormalizers(),
      prices: () => prices,
      defaults: () => ({ repo_slug: vcs.repo_slug, branch: vcs.branch, developer_id: developer }),
      logger: scoped(logger, 'collect'),
      version: PRODLENS_VERSION,
    });
    try {
      await server.start();
    } catch (err) {
      clearInterval(refresh);
      await store.close();
      const e = err as NodeJS.ErrnoException;
      throw new CliError(e.code === 'EADDRINUSE' ? `port ${port} is in use; choose another with --port (0 = any free port)` : `cannot listen: ${e.message}`);
    }
    const endpoint = server.endpoint!;
    const environment = agentEnvironment({ endpoint, token, protocol, repoUrl: vcs.repoUrl, branch: vcs.branch });
    if (values.json) io.stdout(`${JSON.stringify({ event: 'listening', endpoint, port: server.port, token, database: dbPath, environment })}\n`);
    else
      io.stdout(
        [
          `ProdLens collector listening on ${endpoint} (database ${dbPath})`,
          `Token: ${token}${given === undefined ? `  (generated; pass --token or set ${TOKEN_ENV} to keep it across runs)` : ''}`,
          '',
          'To send from agents started in another shell, set:',
          shellExports(environment),
          '',
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
    await waitForAbort(io.signal);
    clearInterval(refresh);
    await server.stop();
    await store.close();
    const h = server.health();
    if (values.json) io.stdout(`${JSON.stringify({ event: 'stopped', accepted: h.requests.accepted, refused: h.requests.refused })}\n`);
    else io.stdout(`Stopped after ${h.requests.accepted} accepted request(s); database snapshot written.\n`);
    return EXIT_OK;
  },
};

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw usageError(`--port must be a number from 0 to 65535, got ${JSON.stringify(v)}`);
  return n;
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
