import assert from 'node:assert/strict';
import http from 'node:http';
import * as vscode from 'vscode';
import { extensionId, readManifest } from './support/manifest';

type Api = {
  services: { context: vscode.ExtensionContext; store(): Promise<{ db: { exec(sql: string): Array<{ values: unknown[][] }> } }> };
  collector: { running?: { port?: number; endpoint?: string } };
  statusBar: { text: string; tooltipText: string; accessibleLabel: string };
};

function call(url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One Claude Code api_request log record as the OpenTelemetry JS JSON exporter writes it. */
function claudeRecord(session: string): string {
  const t = Date.UTC(2026, 0, 5, 10);
  const s = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const i = (key: string, v: number) => ({ key, value: { intValue: v } });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [s('service.name', 'claude-code'), s('service.version', '2.0.76')] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events', version: '2.0.76' },
            logRecords: [
              {
                timeUnixNano: `${t}000000`,
                body: { stringValue: 'claude_code.api_request' },
                attributes: [
                  s('event.name', 'api_request'),
                  s('event.timestamp', new Date(t).toISOString()),
                  i('event.sequence', 1),
                  s('session.id', session),
                  s('model', 'claude-sonnet-4-5'),
                  i('input_tokens', 120),
                  i('output_tokens', 30),
                  i('duration_ms', 900),
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('collector', function () {
  this.timeout(60_000);
  let api: Api;
  const env = () => api.services.context.environmentVariableCollection;

  before(async () => {
    api = (await vscode.extensions.getExtension(extensionId(readManifest()))!.activate()) as Api;
  });

  it('starts after activation and answers GET /health on 127.0.0.1 without the token', async () => {
    const endpoint = await until('the collector to listen', () => api.collector.running?.endpoint);
    assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    const h = await call(`${endpoint}/health`);
    assert.equal(h.status, 200);
    assert.equal(JSON.parse(h.body).status, 'ok');
    // The address is in the status bar's tooltip; the text keeps its room for today's numbers.
    await until(`the status bar tooltip to name ${endpoint}`, () => api.statusBar.tooltipText.includes(endpoint) || undefined);
    assert.doesNotMatch(api.statusBar.text, /:\d{2,5}\b/, 'no port number in the status bar text');
    assert.match(api.statusBar.accessibleLabel, /collector running/);
  });

  it("gives new integrated terminals the agents' endpoint and token (logs and metrics only), not cached on disk, and the workspace repository and branch", async () => {
    const endpoint = await until('the collector to listen', () => api.collector.running?.endpoint);
    await until('the terminal environment', () => env().get('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'));
    assert.equal(env().get('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT')?.value, `${endpoint}/v1/logs`);
    assert.equal(env().get('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT')?.value, `${endpoint}/v1/metrics`);
    assert.equal(env().get('CLAUDE_CODE_ENABLE_TELEMETRY')?.value, '1');
    assert.match(env().get('OTEL_EXPORTER_OTLP_LOGS_HEADERS')!.value, /^Authorization=Bearer \S{16,}$/);
    // A developer's own instrumented program keeps its endpoint: nothing generic, nothing for traces.
    for (const k of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_TRACES_EXPORTER'])
      assert.equal(env().get(k), undefined, k);
    assert.equal(env().persistent, false, 'the token is not persisted outside SecretStorage');
    const attrs = env().get('OTEL_RESOURCE_ATTRIBUTES')!.value;
    assert.ok(attrs.includes('vcs.repository.url.full=https://github.com/acme/prodlens-demo'), attrs);
    assert.ok(attrs.includes('vcs.ref.head.name=feature/report'), attrs);
    assert.ok(env().description, 'the collection explains itself');
  });

  it('stores an authorized POST /v1/logs with the workspace repository and refuses one without the token', async () => {
    const endpoint = await until('the collector to listen', () => api.collector.running?.endpoint);
    const header = await until('the auth header', () => env().get('OTEL_EXPORTER_OTLP_LOGS_HEADERS')?.value);
    const token = header.replace(/^Authorization=Bearer /, '');
    const session = `it-${Date.now()}`;
    const refused = await call(`${endpoint}/v1/logs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: claudeRecord(session) });
    assert.equal(refused.status, 401);
    const ok = await call(`${endpoint}/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: claudeRecord(session),
    });
    assert.equal(ok.status, 200, ok.body);
    const store = await api.services.store();
    const rows = store.db.exec(`SELECT source, repo_slug, branch FROM sessions WHERE session_id = '${session}'`)[0]?.values;
    assert.deepEqual(rows, [['claude-code-otel', 'acme/prodlens-demo', 'feature/report']]);
    const health = JSON.parse((await call(`${endpoint}/health`)).body);
    assert.ok(health.sources['claude-code-otel'].events >= 1, 'health reports when the source last sent data');
    assert.ok(!JSON.stringify(health).includes(token));
  });

  it('stops and removes the terminal environment when turned off, and comes back when turned on', async () => {
    const config = vscode.workspace.getConfiguration('prodlens');
    const before = await until('the collector to listen', () => api.collector.running?.endpoint);
    try {
      await config.update('collector.enabled', false, vscode.ConfigurationTarget.Workspace);
      await until('the collector to stop', () => api.collector.running === undefined || undefined);
      await until('the environment to be removed', () => env().get('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT') === undefined || undefined);
      await assert.rejects(call(`${before}/health`));
    } finally {
      await config.update('collector.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const after = await until('the collector to listen again', () => api.collector.running?.endpoint);
    assert.equal((await call(`${after}/health`)).status, 200);
    await until('the environment to come back', () => env().get('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'));
  });
});
