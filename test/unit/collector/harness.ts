import http from 'node:http';
import path from 'node:path';
import { CollectorServer } from '../../../src/collector/server';
import type { CollectorLimits, CollectorNormalizers, WorkspaceDefaults } from '../../../src/collector/options';
import { defaultNormalizers } from '../../../src/collector/normalizers';
import { BundledPriceTable } from '../../../src/core/pricing';
import { Store } from '../../../src/core/store/store';
import { sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

export const TOKEN = 'test-token-0123456789abcdef';

export interface Running {
  server: CollectorServer;
  url: string;
  port: number;
  store: () => Promise<Store>;
  dbPath: string;
  /** Rows of a query against the running store. */
  rows(sql: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

/** A real collector on 127.0.0.1 (free port) over a real sql.js store in a temp folder. */
export async function startCollector(
  o: { limits?: Partial<CollectorLimits>; defaults?: WorkspaceDefaults; normalizers?: CollectorNormalizers } = {},
): Promise<Running> {
  const tmp = tempDir('prodlens-collector-');
  const dbPath = path.join(tmp.dir, 'prodlens.sqlite');
  let opened: Promise<Store> | undefined;
  const store = () => (opened ??= (async () => Store.open({ path: dbPath, sql: await sqlLoader.load(), snapshotDelayMs: 60_000 }))());
  const prices = new BundledPriceTable();
  const server = new CollectorServer({
    token: TOKEN,
    port: 0,
    store,
    normalizers: o.normalizers ?? defaultNormalizers(),
    prices: () => prices,
    defaults: o.defaults ? () => o.defaults! : undefined,
    version: 'test',
    limits: o.limits,
  });
  const port = await server.start();
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    store,
    dbPath,
    async rows(sql) {
      const r = rawDatabaseForTests(await store()).exec(sql);
      return r[0]?.values ?? [];
    },
    async close() {
      await server.stop();
      if (opened) await (await opened).close();
      tmp.cleanup();
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json(): any;
}

/** One HTTP request with node:http (no client-side retries or rewriting). */
export function request(url: string, o: { method?: string; path: string; headers?: Record<string, string | number>; body?: Buffer | string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${o.path}`, { method: o.method ?? 'POST', headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.body !== undefined) req.end(o.body);
    else req.end();
  });
}

export const auth = { Authorization: `Bearer ${TOKEN}` };

/** POSTs a JSON body with the token. */
export function postJson(url: string, p: string, doc: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return request(url, { path: p, headers: { ...auth, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(doc) });
}

/** An OTLP attribute list from a plain object, as the OpenTelemetry JS JSON exporter writes it. */
export function kv(o: Record<string, string | number | boolean>): Array<{ key: string; value: Record<string, unknown> }> {
  return Object.entries(o).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: v } : { doubleValue: v },
  }));
}

/** A Claude Code `api_request` log export (the shape FORMATS.md documents), `n` records. */
export function claudeApiRequests(n: number, o: { session?: string; offset?: number; repoUrl?: string } = {}): unknown {
  const session = o.session ?? 'c0ffee00-0000-4000-8000-000000000001';
  const base = 1767607200000;
  const resourceAttrs: Record<string, string> = { 'service.name': 'claude-code', 'service.version': '2.1.0', 'os.type': 'linux', 'host.arch': 'x64' };
  if (o.repoUrl) resourceAttrs['vcs.repository.url.full'] = o.repoUrl;
  return {
    resourceLogs: [
      {
        resource: { attributes: kv(resourceAttrs) },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events', version: '2.1.0' },
            logRecords: Array.from({ length: n }, (_, i) => {
              const k = (o.offset ?? 0) + i;
              const t = base + k * 1000;
              return {
                timeUnixNano: `${t}000000`,
                observedTimeUnixNano: `${t}000000`,
                body: { stringValue: 'claude_code.api_request' },
                attributes: kv({
                  'event.name': 'api_request',
                  'event.timestamp': new Date(t).toISOString(),
                  'event.sequence': k,
                  'session.id': session,
                  'user.id': 'user-hash-1',
                  'user.email': 'dev@example.com',
                  'prompt.id': `p-${k}`,
                  model: 'claude-sonnet-4-5',
                  cost_usd: 0.0123,
                  duration_ms: 1500 + k,
                  input_tokens: 100 + k,
                  output_tokens: 50,
                  cache_read_tokens: 10,
                  cache_creation_tokens: 5,
                }),
              };
            }),
          },
        ],
      },
    ],
  };
}
