import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProdLensApi } from '../../src/extension/extension';
import { prodlens, waitFor, workspaceFolder, type RunningStore, rawDatabaseForTests } from './support/prodlens-api';

/**
 * An agent run for the first time after VS Code started creates its folder then: Copilot CLI's
 * `~/.copilot` with a session log and, with its OpenTelemetry file export on, `~/.copilot/otel/*.jsonl`.
 * The watcher on the nearest existing parent notices the folder and the files are read — no command, no
 * restart, well before the 5-minute periodic pass.
 */
describe('history folders created after activation', () => {
  let api: ProdLensApi;
  let store: RunningStore;

  before(async () => {
    api = await prodlens();
    store = await api.services.store();
  });

  it('a ~/.copilot made after activation: its session log and OpenTelemetry export are read by the watchers', async () => {
    const home = os.homedir();
    const copilot = path.join(home, '.copilot');
    assert.ok(!existsSync(copilot), 'the test HOME has no ~/.copilot yet');
    const session = 'e2e0c0de-1111-4222-8333-944455556666';
    const now = Date.now();
    mkdirSync(path.join(copilot, 'session-state', session), { recursive: true });
    writeFileSync(
      path.join(copilot, 'session-state', session, 'events.jsonl'),
      JSON.stringify({
        type: 'session.start',
        data: {
          sessionId: session,
          version: 1,
          producer: 'copilot-agent',
          copilotVersion: '1.0.84',
          startTime: new Date(now - 60_000).toISOString(),
          context: { cwd: workspaceFolder(), branch: 'feature/report', repository: 'acme/prodlens-demo' },
        },
        id: 'e1',
        timestamp: new Date(now - 60_000).toISOString(),
        parentId: null,
      }) + '\n',
    );
    mkdirSync(path.join(copilot, 'otel'), { recursive: true });
    const s = Math.floor((now - 30_000) / 1000);
    const span = {
      type: 'span',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      parentSpanId: '00f067aa0ba902b7',
      name: 'chat claude-sonnet-4.5',
      kind: 2,
      startTime: [s, 0],
      endTime: [s + 4, 250000000],
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'github',
        'gen_ai.request.model': 'claude-sonnet-4.5',
        'gen_ai.conversation.id': session,
        'gen_ai.usage.input_tokens': 12000,
        'gen_ai.usage.output_tokens': 321,
        'gen_ai.usage.cache_read.input_tokens': 9000,
        'gen_ai.usage.cache_write.input_tokens': 1000,
        'gen_ai.response.model': 'claude-sonnet-4.5',
        'github.copilot.cost': 1.0,
      },
      status: { code: 0 },
      events: [],
      resource: { attributes: { 'service.name': 'github-copilot', 'service.version': '1.0.84-4' } },
      instrumentationScope: { name: 'github.copilot', version: '1.0.84-4' },
    };
    writeFileSync(path.join(copilot, 'otel', 'copilot-otel-e2e.jsonl'), JSON.stringify(span) + '\n');
    const row = await waitFor(
      'the Copilot call from the export',
      () => {
        const r = rawDatabaseForTests(store).exec(
          "SELECT tokens_in, tokens_out, cache_read_tokens, cache_write_tokens FROM sessions WHERE source = 'copilot-cli-otel' AND session_id = ?",
          [session],
        )[0]?.values[0];
        return r ? r.map(Number) : undefined;
      },
      60_000,
    );
    assert.deepEqual(row, [2000, 321, 9000, 1000]);
  });
});
