import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { terminalEnvironment } from '../../../src/collector/setup';

/** A listener that records which OTLP paths were posted to it (and with which Authorization). */
async function listener(): Promise<{ url: string; hits: Array<{ path: string; auth: string }>; close(): Promise<void> }> {
  const hits: Array<{ path: string; auth: string }> = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push({ path: req.url ?? '', auth: String(req.headers.authorization ?? '') });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

/** Runs the developer's program with the inherited environment plus the terminal environment on top (as VS Code does). */
function runProgram(env: Record<string, string>): Promise<void> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'dev-program.ts')], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`program exited ${code}: ${err}`)))));
}

describe('terminal environment (only the agents are pointed at ProdLens)', function () {
  this.timeout(60_000);
  const TOKEN = 'tok_abcdefghijklmnop-XYZ';

  it("leaves a developer's own OTEL endpoint alone: their program's traces and logs go where they configured", async () => {
    const prodlens = await listener();
    const theirs = await listener();
    try {
      const userEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: theirs.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-team=shop' };
      const env = terminalEnvironment({ endpoint: prodlens.url, token: TOKEN }, userEnv);
      assert.equal(env.CLAUDE_CODE_ENABLE_TELEMETRY, '1', 'agent-specific variables are still set');
      assert.equal(env.GEMINI_TELEMETRY_OTLP_ENDPOINT, prodlens.url);
      await runProgram({ ...userEnv, ...env });
      assert.deepEqual(theirs.hits.map((h) => h.path).sort(), ['/v1/logs', '/v1/traces']);
      assert.deepEqual(prodlens.hits, [], 'nothing of theirs reaches ProdLens');
    } finally {
      await Promise.all([prodlens.close(), theirs.close()]);
    }
  });

  it('without their own settings, points only logs and metrics at ProdLens (with the token), never traces or the generic endpoint', async () => {
    const prodlens = await listener();
    try {
      const env = terminalEnvironment({ endpoint: prodlens.url, token: TOKEN }, {});
      for (const k of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_TRACES_EXPORTER'])
        assert.equal(env[k], undefined, k);
      // A span exporter with no endpoint of its own then uses the SDK default (localhost:4318), not ProdLens.
      await runProgram({ ...env, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '500' }).catch(() => undefined);
      assert.ok(!prodlens.hits.some((h) => h.path === '/v1/traces'), 'no traces reach ProdLens');
      const logs = prodlens.hits.filter((h) => h.path === '/v1/logs');
      assert.ok(logs.length >= 1 && logs.every((h) => h.auth === `Bearer ${TOKEN}`), JSON.stringify(prodlens.hits));
    } finally {
      await prodlens.close();
    }
  });
});
