import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import { CollectorServer } from '../../../src/collector/server';
import { OTLP_PROTO } from '../../../src/collector/otlp-schema';
import { BundledPriceTable } from '../../../src/core/pricing';
import { auth, claudeApiRequests, postJson, request, startCollector, TOKEN, type Running } from './harness';
import { defaultNormalizers } from '../../../src/collector/normalizers';

const root = protobuf.parse(OTLP_PROTO).root;
const RpcStatus = root.lookupType('otlp.RpcStatus');
const LogsResponse = root.lookupType('otlp.ExportLogsServiceResponse');

describe('collector server: refusals leave it answering and lose nothing', function () {
  this.timeout(30_000);
  let c: Running;
  /** Records stored so far, and the next unused record offset. */
  let sent = 0;
  let offset = 0;

  /** Sends `n` new records and checks that every record stored so far is still there. */
  async function sendAndCheck(n = 2): Promise<void> {
    const r = await postJson(c.url, '/v1/logs', claudeApiRequests(n, { offset }));
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(r.json(), {});
    sent += n;
    offset += n;
    assert.deepEqual(await c.rows('SELECT count(*) FROM sessions'), [[sent]]);
  }

  before(async () => {
    c = await startCollector({ limits: { maxBodyBytes: 64 * 1024, headersTimeoutMs: 600, requestTimeoutMs: 1000, maxConcurrent: 2 } });
    await sendAndCheck(3);
  });
  after(async () => c.close());

  it('answers 401 with WWW-Authenticate without a token', async () => {
    const r = await request(c.url, {
      path: '/v1/logs',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(claudeApiRequests(1, { offset: 900 })),
    });
    assert.equal(r.status, 401);
    assert.match(String(r.headers['www-authenticate']), /^Bearer realm=/);
    assert.equal(r.json().code, 16);
    await sendAndCheck();
  });

  it('answers 401 to a wrong token, including one that differs only in its last character', async () => {
    for (const bad of ['Bearer nope', `Bearer ${TOKEN.slice(0, -1)}x`, `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`]) {
      const r = await request(c.url, { path: '/v1/logs', headers: { Authorization: bad, 'Content-Type': 'application/json' }, body: '{}' });
      assert.equal(r.status, 401, bad);
    }
    await sendAndCheck();
  });

  it('answers 413 to a body over the limit, from Content-Length before reading it', async () => {
    const big = Buffer.alloc(65 * 1024, 0x20);
    const r = await request(c.url, { path: '/v1/logs', headers: { ...auth, 'Content-Type': 'application/json' }, body: big });
    assert.equal(r.status, 413);
    await sendAndCheck();
  });

  it('answers 413 to a gzip bomb (small on the wire, over the limit once inflated)', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 64 * 1024, 'the bomb itself is under the limit');
    const r = await request(c.url, { path: '/v1/logs', headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: bomb });
    assert.equal(r.status, 413);
    assert.match(r.json().message, /decompressed/);
    await sendAndCheck();
  });

  it('answers 400 to a truncated gzip body and keeps a dead letter', async () => {
    const gz = zlib.gzipSync(JSON.stringify(claudeApiRequests(5, { offset: 500 })));
    const r = await request(c.url, {
      path: '/v1/logs',
      headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gz.subarray(0, gz.length - 20),
    });
    assert.equal(r.status, 400);
    assert.match(r.json().message, /decompress/);
    const letters = await c.rows("SELECT reason FROM dead_letter WHERE source = 'otlp-logs' AND reason LIKE '%decompress%'");
    assert.equal(letters.length, 1);
    await sendAndCheck();
  });

  it('accepts gzip and deflate bodies', async () => {
    for (const [enc, f] of [
      ['gzip', zlib.gzipSync],
      ['deflate', zlib.deflateSync],
    ] as const) {
      const r = await request(c.url, {
        path: '/v1/logs',
        headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': enc },
        body: f(JSON.stringify(claudeApiRequests(2, { offset }))),
      });
      assert.equal(r.status, 200, enc);
      sent += 2;
      offset += 2;
    }
    await sendAndCheck();
  });

  it('answers 400 with the parser reason to invalid JSON and keeps a dead letter', async () => {
    const prompt = 'please refactor the payment module so that it never double-charges a returning customer';
    const r = await request(c.url, {
      path: '/v1/logs',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: `{"resourceLogs": [{"prompt": "${prompt}"`,
    });
    assert.equal(r.status, 400);
    assert.match(r.json().message, /^invalid JSON: /);
    const body = `{"resourceLogs": [{"prompt": "${prompt}"`;
    const [row] = await c.rows("SELECT excerpt, input_bytes, input_hash, json_path, reason FROM dead_letter WHERE reason LIKE 'invalid JSON%'");
    assert.equal(row![0], '', 'no input text is kept');
    assert.equal(row![1], Buffer.byteLength(body));
    assert.equal(row![2], createHash('sha256').update(body).digest('hex'));
    assert.match(String(row![3]), /^\$( at byte \d+)?$/);
    const everything = JSON.stringify(await c.rows('SELECT * FROM dead_letter'));
    for (const word of ['refactor', 'payment', 'resourceLogs']) assert.ok(!everything.includes(word), `${word} is not stored`);
    assert.deepEqual(await c.rows("SELECT count(*) FROM dead_letter WHERE reason LIKE 'invalid JSON%'"), [[1]]);
    await sendAndCheck();
  });

  it('answers 400 in protobuf (google.rpc.Status) to an invalid protobuf body', async () => {
    const r = await request(c.url, {
      path: '/v1/logs',
      headers: { ...auth, 'Content-Type': 'application/x-protobuf' },
      body: Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02]),
    });
    assert.equal(r.status, 400);
    assert.equal(r.headers['content-type'], 'application/x-protobuf');
    const status = RpcStatus.toObject(RpcStatus.decode(r.body)) as { code: number; message: string };
    assert.equal(status.code, 3);
    assert.match(status.message, /invalid OTLP protobuf logs request/);
    await sendAndCheck();
  });

  it('answers 415 to a content type the route does not take', async () => {
    for (const [p, ct] of [
      ['/v1/logs', 'text/html'],
      ['/v1/logs', 'application/x-ndjson'],
      ['/v1/events', 'application/x-protobuf'],
    ]) {
      const r = await request(c.url, { path: p!, headers: { ...auth, 'Content-Type': ct! }, body: '{}' });
      assert.equal(r.status, 415, `${p} ${ct}`);
    }
    const noType = await request(c.url, { path: '/v1/logs', headers: auth, body: '{}' });
    assert.equal(noType.status, 415, 'OTLP routes need a content type');
    await sendAndCheck();
  });

  it('answers 403 to a Host header that is not loopback (DNS rebinding)', async () => {
    for (const host of ['evil.example:14318', '192.168.1.5', 'localhost.evil.example']) {
      const r = await request(c.url, { path: '/health', method: 'GET', headers: { Host: host } });
      assert.equal(r.status, 403, host);
    }
    for (const host of [`127.0.0.1:${c.port}`, `localhost:${c.port}`, `[::1]:${c.port}`]) {
      assert.equal((await request(c.url, { path: '/health', method: 'GET', headers: { Host: host } })).status, 200, host);
    }
    await sendAndCheck();
  });

  it('answers 404 to an unknown path and 405 to a GET on a POST route', async () => {
    assert.equal((await request(c.url, { path: '/v1/profiles', headers: auth, body: '{}' })).status, 404);
    assert.equal((await request(c.url, { path: '/v1/unknown', method: 'GET' })).status, 404);
    const get = await request(c.url, { path: '/v1/logs', method: 'GET', headers: auth });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    await sendAndCheck();
  });

  it('cuts off a client that sends headers and then stalls, while serving others', async () => {
    const socket = net.connect(c.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"resourceLogs":`,
    );
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    await sendAndCheck(); // the stalled request does not block others
    const started = Date.now();
    await ended;
    assert.ok(Date.now() - started < 5000, 'closed within the request timeout');
    assert.match(answer, /^HTTP\/1\.1 408/);
    await sendAndCheck();
  });

  it('cuts off a client that sends part of its headers, or nothing at all', async () => {
    for (const partial of ['POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\n', '']) {
      const socket = net.connect(c.port, '127.0.0.1');
      socket.on('connect', () => partial && socket.write(partial));
      let answer = '';
      socket.on('data', (d) => (answer += d));
      await new Promise((r) => socket.once('close', r));
      assert.match(answer, /^HTTP\/1\.1 408/, JSON.stringify(partial));
    }
    await sendAndCheck();
  });

  it('answers 429 with Retry-After when every slot is taken, then recovers', async () => {
    const stall = async () => {
      const s = net.connect(c.port, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      s.write(`POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{`);
      return s;
    };
    const held = [await stall(), await stall()];
    await new Promise((r) => setTimeout(r, 100));
    const r = await postJson(c.url, '/v1/logs', claudeApiRequests(1, { offset: 700 }));
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '1');
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await sendAndCheck();
  });

  it('answers partialSuccess naming the rejected records, and stores the others', async () => {
    const doc = claudeApiRequests(3, { offset }) as any;
    doc.resourceLogs[0].scopeLogs[0].logRecords[1].attributes.find((a: any) => a.key === 'input_tokens').value = { intValue: -5 };
    const r = await postJson(c.url, '/v1/logs', doc);
    assert.equal(r.status, 200);
    const ps = r.json().partialSuccess;
    assert.equal(ps.rejectedLogRecords, 1);
    assert.match(ps.errorMessage, /1 record\(s\) rejected: .*tokens_in/);
    sent += 2;
    offset += 3;
    await sendAndCheck();
  });

  it('answers a protobuf request with a protobuf ExportLogsServiceResponse', async () => {
    const Req = root.lookupType('otlp.ExportLogsServiceRequest');
    const body = Req.encode(Req.fromObject(claudeApiRequests(1, { offset: offset++ }) as Record<string, unknown>)).finish();
    const r = await request(c.url, { path: '/v1/logs', headers: { ...auth, 'Content-Type': 'application/x-protobuf' }, body: Buffer.from(body) });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/x-protobuf');
    assert.deepEqual(LogsResponse.toObject(LogsResponse.decode(r.body)), {});
    sent += 1;
    await sendAndCheck();
  });

  it('reports health without auth and without the token', async () => {
    const r = await request(c.url, { path: '/health', method: 'GET' });
    assert.equal(r.status, 200);
    const h = r.json();
    assert.equal(h.status, 'ok');
    assert.equal(h.store, 'open');
    assert.equal(h.sources['claude-code-otel'].events, sent);
    assert.ok(Date.parse(h.sources['claude-code-otel'].lastEventAt) > Date.now() - 60_000);
    assert.ok(!r.body.toString().includes(TOKEN));
  });
});

describe('collector server: binding and workspace defaults', function () {
  this.timeout(20_000);
  const base = { token: TOKEN, store: () => Promise.reject(new Error('unused')), normalizers: defaultNormalizers(), prices: () => new BundledPriceTable() };

  it('refuses to bind anything but loopback', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      assert.throws(() => new CollectorServer({ ...base, host }), /loopback/);
    }
    assert.throws(() => new CollectorServer({ ...base, token: 'short' }), /at least/);
  });

  it('falls back to a free port when the port is busy, unless told not to', async () => {
    const first = new CollectorServer({ ...base, port: 0 });
    const busy = await first.start();
    const second = new CollectorServer({ ...base, port: busy });
    const strict = new CollectorServer({ ...base, port: busy, fallbackToFreePort: false });
    try {
      const port = await second.start();
      assert.notEqual(port, busy);
      assert.equal(second.endpoint, `http://127.0.0.1:${port}`);
      await assert.rejects(strict.start(), /EADDRINUSE/);
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it("gives records without a repository the workspace's repo and branch", async () => {
    const c = await startCollector({ defaults: { repo_slug: 'acme/api', branch: 'feature/x' } });
    try {
      assert.equal((await postJson(c.url, '/v1/logs', claudeApiRequests(2))).status, 200);
      assert.deepEqual(await c.rows('SELECT DISTINCT repo_slug, branch FROM sessions'), [['acme/api', 'feature/x']]);
    } finally {
      await c.close();
    }
  });

  it('answers 503 with Retry-After when the database cannot be opened', async () => {
    const s = new CollectorServer({ ...base, port: 0 });
    const port = await s.start();
    try {
      const r = await postJson(`http://127.0.0.1:${port}`, '/v1/logs', claudeApiRequests(1));
      assert.equal(r.status, 503);
      assert.ok(Number(r.headers['retry-after']) >= 1);
      assert.equal((await request(`http://127.0.0.1:${port}`, { path: '/health', method: 'GET' })).json().store, 'error');
    } finally {
      await s.stop();
    }
  });
});
