import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const FIXTURES = path.join(__dirname, '../../fixtures/github/acme-widgets');

/** The recorded responses of acme/widgets (test/fixtures/github/acme-widgets), loaded fresh per server. */
export interface GitHubData {
  pulls: Record<string, unknown>[];
  details: Map<number, Record<string, unknown>>;
  events: Map<number, Record<string, unknown>[]>;
  commits: Record<string, unknown>[];
}

export function loadFixtures(): GitHubData {
  const read = (f: string) => JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8'));
  const data: GitHubData = { pulls: read('pulls.json'), details: new Map(), events: new Map(), commits: read('commits.json') };
  for (const f of readdirSync(FIXTURES)) {
    const pull = /^pull-(\d+)\.json$/.exec(f);
    if (pull) data.details.set(Number(pull[1]), read(f));
    const ev = /^issue-(\d+)-events\.json$/.exec(f);
    if (ev) data.events.set(Number(ev[1]), read(f));
  }
  return data;
}

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/** A request as the server received it. */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  status: number;
}

/** A scripted failure: the next `times` requests to `path` get this response instead. */
export interface Fault {
  path: string;
  times: number;
  status: number;
  headers?: Record<string, string>;
  body: string;
  contentType?: string;
}

/**
 * A stand-in for api.github.com on 127.0.0.1 serving the recorded acme/widgets responses the way GitHub
 * does: token auth, `per_page`/`page` pagination with `Link` headers pointing at `/repositories/{id}/…`,
 * weak ETags with 304 answers to a matching `If-None-Match` (not counted against the rate limit),
 * `x-ratelimit-*` headers, `since` on commits, and scripted faults (403 secondary limit, 502, …).
 */
export class FakeGitHub {
  readonly seen: Seen[] = [];
  readonly faults: Fault[] = [];
  data: GitHubData = loadFixtures();
  /** Rate limit used by 200 responses; 304s are free, as on GitHub. */
  rateUsed = 0;
  readonly rateLimit = 5000;
  readonly rateReset = Math.floor(Date.parse('2026-01-10T01:00:00Z') / 1000);
  private server: http.Server | undefined;
  private base = '';

  constructor(
    readonly token = 'ghp_testtoken',
    readonly owner = 'acme',
    readonly repo = 'widgets',
    readonly repoId = 734219845,
  ) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests whose path (without query) is `p`. */
  requestsTo(p: string): Seen[] {
    return this.seen.filter((s) => s.path === p);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.base);
    const seen: Seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, status: 0 };
    this.seen.push(seen);
    const send = (status: number, body: string, headers: Record<string, string> = {}, contentType = 'application/json; charset=utf-8') => {
      seen.status = status;
      res.writeHead(status, {
        ...(body ? { 'content-type': contentType } : {}),
        'x-github-api-version-selected': '2022-11-28',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': `C2A4:3B1F:${this.seen.length.toString(16).toUpperCase()}:1F5D2C8:65A0F1B2`,
        'x-ratelimit-limit': String(this.rateLimit),
        'x-ratelimit-remaining': String(this.rateLimit - this.rateUsed),
        'x-ratelimit-reset': String(this.rateReset),
        'x-ratelimit-used': String(this.rateUsed),
        'x-ratelimit-resource': 'core',
        vary: 'Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With',
        ...headers,
      });
      res.end(body);
    };
    const fault = this.faults.find((f) => f.path === url.pathname && f.times > 0);
    if (fault) {
      fault.times--;
      send(fault.status, fault.body, fault.headers, fault.contentType);
      return;
    }
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      send(401, JSON.stringify(fixture('bad-credentials.json')));
      return;
    }
    const found = this.route(url);
    if (!found) {
      send(404, JSON.stringify(fixture('not-found.json')));
      return;
    }
    const { body, link } = found;
    const text = JSON.stringify(body);
    const etag = `W/"${createHash('sha256').update(text).digest('hex')}"`;
    const common: Record<string, string> = { etag, 'cache-control': 'private, max-age=60, s-maxage=60', ...(link ? { link } : {}) };
    if (req.headers['if-none-match'] === etag) {
      send(304, '', common);
      return;
    }
    this.rateUsed++;
    send(200, text, common);
  }

  private route(url: URL): { body: unknown; link?: string } | null {
    const p = url.pathname;
    // The authenticated user (GET /user): the login the sync runs as.
    if (p === '/user') return { body: fixture('user.json') };
    const repoPrefix = `(?:/repos/${this.owner}/${this.repo}|/repositories/${this.repoId})`;
    const m = (re: string) => new RegExp(`^${repoPrefix}${re}$`).exec(p);
    let r: RegExpExecArray | null;
    if (m('/pulls')) {
      const sorted = [...this.data.pulls].sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
      return this.paginate(url, 'pulls', sorted);
    }
    if ((r = m('/pulls/(\\d+)'))) {
      const d = this.data.details.get(Number(r[1]));
      return d ? { body: d } : null;
    }
    if ((r = m('/issues/(\\d+)/events'))) {
      const e = this.data.events.get(Number(r[1]));
      return e ? this.paginate(url, `issues/${r[1]}/events`, e) : null;
    }
    if (m('/commits')) {
      const since = url.searchParams.get('since');
      const list = this.data.commits.filter((c) => !since || String((c.commit as { committer: { date: string } }).committer.date) >= since);
      return this.paginate(url, 'commits', list);
    }
    return null;
  }

  /** GitHub-style pages: `per_page` (default 30, max 100), `page`, and a Link header to the others. */
  private paginate(url: URL, resource: string, items: unknown[]): { body: unknown; link?: string } {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const at = (n: number) => {
      const q = new URLSearchParams(url.searchParams);
      q.set('page', String(n));
      return `<${this.base}/repositories/${this.repoId}/${resource}?${q.toString()}>`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`${at(page - 1)}; rel="prev"`);
    if (page < last) rels.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
    if (page > 1) rels.push(`${at(1)}; rel="first"`);
    return { body: items.slice((page - 1) * perPage, page * perPage), ...(rels.length ? { link: rels.join(', ') } : {}) };
  }
}

/** The 403 GitHub sends for a secondary rate limit, with a `Retry-After`. */
export function secondaryRateLimit(p: string, retryAfterSeconds: number): Fault {
  return {
    path: p,
    times: 1,
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: JSON.stringify(fixture('secondary-rate-limit.json')),
  };
}

/** A 502 from GitHub's edge (an HTML page, not JSON). */
export function badGateway(p: string, times = 1): Fault {
  return {
    path: p,
    times,
    status: 502,
    contentType: 'text/html; charset=utf-8',
    body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n',
  };
}
