import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A stand-in LiteLLM proxy on 127.0.0.1 serving recorded, real-shaped answers (test/fixtures/litellm/proxy):
 * `/spend/logs/v2` pages as the proxy's FastAPI endpoint returns them, the proxy's 401 and 429 bodies, and
 * `/spend/logs?summarize=false` for proxies without v2. `script` decides per request what to answer.
 */

export const PROXY_FIXTURES = path.resolve(__dirname, '../../fixtures/litellm/proxy');
export const GOOD_KEY = 'sk-prodlens-test-9f8e7d';

export interface SeenRequest {
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
}

export type Answer = { status: number; body: string; headers?: Record<string, string> };
export type Script = (req: SeenRequest, n: number) => Answer | undefined;

export function fixture(name: string): string {
  return readFileSync(path.join(PROXY_FIXTURES, name), 'utf8');
}

/** The recorded answers of a proxy with /spend/logs/v2 (three pages of three rows) and a key check. */
export const recorded: Script = (req) => {
  if (req.auth !== `Bearer ${GOOD_KEY}`) return { status: 401, body: fixture('error-401.json') };
  if (req.path === '/spend/logs/v2') {
    if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(req.query.start_date ?? '') || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(req.query.end_date ?? '')) {
      return {
        status: 400,
        body: JSON.stringify({ error: { message: 'Start date and end date are required', type: 'bad_request', param: 'None', code: '400' } }),
      };
    }
    if (Number(req.query.page_size) > 100) return { status: 422, body: JSON.stringify({ detail: [{ type: 'less_than_equal', loc: ['query', 'page_size'] }] }) };
    const page = Number(req.query.page ?? 1);
    if (page >= 1 && page <= 3) return { status: 200, body: fixture(`spend-logs-v2-page-${page}.json`) };
    return { status: 200, body: JSON.stringify({ data: [], total: 7, page, page_size: 3, total_pages: 3 }) };
  }
  return { status: 404, body: fixture('error-404.json') };
};

export class StandInProxy {
  readonly seen: SeenRequest[] = [];
  private server: http.Server | undefined;

  constructor(public script: Script = recorded) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const seen: SeenRequest = { path: u.pathname, query: Object.fromEntries(u.searchParams), auth: req.headers.authorization };
      this.seen.push(seen);
      const a = this.script(seen, this.seen.length) ?? recorded(seen, this.seen.length)!;
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
