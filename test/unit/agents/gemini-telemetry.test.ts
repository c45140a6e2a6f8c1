import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { geminiTelemetryFiles, scanHistories, scanHistoryFiles } from '../../../src/sources/agents';
import { readGeminiTelemetryObject } from '../../../src/sources/agents/gemini-telemetry';
import { importPaths } from '../../../src/sources/import-paths';
import { prices, tempDir } from '../helpers/events';
import { count, memoryStore } from '../transcripts/helpers';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const GEMINI = path.resolve(__dirname, '../../fixtures/agents/gemini/.gemini');
const OUTFILE = path.join(GEMINI, 'telemetry.log');
const SESSION = '3f2a9c1e-8b7d-4c6e-a5f4-1d2e3f4a5b6c';
const ctx = { prices, receivedAt: '2026-02-01T00:00:00.000Z' };

type Row = Record<string, string | number | null>;
function rows(store: Awaited<ReturnType<typeof memoryStore>>, where: string): Row[] {
  const r = rawDatabaseForTests(store).exec(
    `SELECT source, kind, model, tokens_in, tokens_out, cache_read_tokens, reasoning_tokens, latency_ms, status_code, lines_added, lines_removed, accepted_flag, duplicate_of, event_date FROM sessions WHERE ${where} ORDER BY ts_ms, source`,
  )[0];
  return (r?.values ?? []).map((v) => Object.fromEntries(r!.columns.map((c, i) => [c, v[i] as string | number | null])));
}

describe('Gemini CLI telemetry outfile', () => {
  it('api_response and tool_call records (pretty-printed SDK objects) become requests, errors and tool rows; spans and metrics are skipped', async () => {
    const store = await memoryStore();
    const s = await scanHistoryFiles([{ agent: 'gemini-telemetry', path: OUTFILE }], store, { prices, workspaceFolders: null });
    assert.equal(s.deadLettered, 0);
    assert.deepEqual(s.skipped, {
      'gemini_cli.config (telemetry noise)': 1,
      'GenAI semantic-convention log event (the agent event carries the same data)': 4,
      'Gemini CLI span (its log events carry the same calls)': 1,
      'Gemini CLI metrics (its log events carry the same calls)': 1,
    });
    const req = rows(store, "source = 'gemini-cli-otel' AND kind IN ('request', 'error')");
    // input_token_count includes the cached part; tool-use prompt tokens are input; thoughts are output.
    assert.deepEqual(
      req.map((r) => [r.model, r.tokens_in, r.tokens_out, r.cache_read_tokens, r.reasoning_tokens, r.latency_ms, r.status_code]),
      [
        ['gemini-2.5-flash-lite', 812, 14, 0, 0, 881, 200],
        ['gemini-2.5-pro', 15327 - 11526 + 7, 23 + 919, 11526, 919, 7288, 200],
        ['gemini-2.5-pro', null, null, null, null, 312, 429],
        ['gemini-2.5-pro', 17810 - 15320, 188, 15320, 0, 5140, 200],
        ['gemini-2.5-flash', 18044, 9 + 112, 0, 112, 3201, 200],
      ],
    );
    const tool = rows(store, "source = 'gemini-cli-otel' AND kind = 'tool'");
    assert.deepEqual(
      tool.map((r) => [r.lines_added, r.lines_removed, r.accepted_flag]),
      [[2, 1, 1]],
      'diffStat from the metadata JSON text',
    );
    const text = JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM sessions'));
    for (const secret of ['Refactor the token refresh', 'refreshToken', 'auth.ts', 'b7a1c2d3']) assert.ok(!text.includes(secret), secret);
    await store.close();
  });

  it('`prodlens import ~/.gemini` reads the outfile its settings name; the telemetry copies of chat calls are duplicate_of the chat rows', async () => {
    const store = await memoryStore();
    const s = await importPaths(store, [GEMINI], { prices });
    assert.equal(s.deadLettered, 0);
    const copies = rows(store, `source = 'gemini-cli-otel' AND duplicate_of IS NOT NULL`);
    assert.deepEqual(
      copies.map((r) => [r.kind, r.model, r.event_date]),
      [
        ['request', 'gemini-2.5-pro', '2026-01-05'],
        ['tool', null, '2026-01-05'],
        ['request', 'gemini-2.5-pro', '2026-01-05'],
        ['request', 'gemini-2.5-flash', '2026-01-06'],
      ],
    );
    // Each copy points at the chat row of the same call.
    const pairs = rawDatabaseForTests(store).exec(
      `SELECT o.kind, t.kind, t.source, o.tokens_in + IFNULL(o.cache_read_tokens, 0) = t.tokens_in + IFNULL(t.cache_read_tokens, 0), o.tokens_out IS t.tokens_out
         FROM sessions o JOIN sessions t ON t.trace_hash = o.duplicate_of WHERE o.source = 'gemini-cli-otel'`,
    )[0]!.values;
    assert.deepEqual(pairs, [
      ['request', 'request', 'gemini-cli-chat', 1, 1],
      ['tool', 'edit', 'gemini-cli-chat', null, 1],
      ['request', 'request', 'gemini-cli-chat', 1, 1],
      ['request', 'request', 'gemini-cli-chat', 1, 1],
    ]);
    // Totals no longer double: counted = the chat's calls + the calls only the telemetry saw (the router's).
    const counted = (src: string) =>
      count(
        store,
        `SELECT SUM(tokens_in + IFNULL(cache_read_tokens, 0) + tokens_out) FROM sessions WHERE source = '${src}' AND kind = 'request' AND duplicate_of IS NULL AND session_id = '${SESSION}'`,
      );
    assert.equal(counted('gemini-cli-otel'), 812 + 14);
    assert.equal(count(store, `SELECT COUNT(*) FROM sessions WHERE source = 'gemini-cli-chat' AND duplicate_of IS NOT NULL`), 0);
    // Importing again changes nothing.
    const again = await importPaths(store, [GEMINI], { prices });
    assert.equal(again.inserted, 0);
    await store.close();
  });

  it('the settings name the outfile: user settings (relative to home), a project’s .gemini/settings.json, GEMINI_TELEMETRY_OUTFILE', () => {
    const tmp = tempDir('prodlens-gemini-settings-');
    try {
      const home = path.join(tmp.dir, 'home');
      const project = path.join(tmp.dir, 'proj');
      mkdirSync(path.join(home, '.gemini'), { recursive: true });
      mkdirSync(path.join(project, '.gemini'), { recursive: true });
      writeFileSync(path.join(home, '.gemini/settings.json'), JSON.stringify({ telemetry: { enabled: true, outfile: '/var/log/gemini.log' } }));
      writeFileSync(
        path.join(project, '.gemini/settings.json'),
        JSON.stringify({ telemetry: { enabled: true, target: 'local', outfile: '.gemini/telemetry.log' } }),
      );
      const files = geminiTelemetryFiles({ home, env: { GEMINI_TELEMETRY_OUTFILE: '~/tele.log' }, projectFolders: [project] });
      assert.deepEqual(files.sort(), ['/var/log/gemini.log', path.join(home, 'tele.log'), path.join(project, '.gemini/telemetry.log')].sort());
      assert.deepEqual(geminiTelemetryFiles({ home, env: {}, projectFolders: [] }), ['/var/log/gemini.log']);
    } finally {
      tmp.cleanup();
    }
  });

  it('in a workspace: records are taken when their session’s chat ran in it; appended records are read incrementally', async () => {
    const tmp = tempDir('prodlens-gemini-tail-');
    try {
      const home = path.join(tmp.dir, 'home');
      cpSync(GEMINI, path.join(home, '.gemini'), { recursive: true });
      const outfile = path.join(home, '.gemini/telemetry.log');
      const store = await memoryStore();
      const locations = { home, env: {}, projectFolders: [] };
      const other = await scanHistories(null, store, { prices, workspaceFolders: ['/home/dev/other-proj'], locations });
      assert.ok(other.files >= 5);
      assert.equal(count(store, "SELECT COUNT(*) FROM sessions WHERE source = 'gemini-cli-otel'"), 0, 'session 3f2a… ran in acme-api');
      // Another filter reads the file again (records the old filter dropped are wanted now).
      const mine = await scanHistories(null, store, { prices, workspaceFolders: ['/home/dev/acme-api'], locations });
      assert.equal(mine.filesReset, 1);
      assert.equal(count(store, "SELECT COUNT(*) FROM sessions WHERE source = 'gemini-cli-otel' AND kind = 'request'"), 4);
      // Gemini appends the next records; only they are read.
      const before = readFileSync(outfile, 'utf8');
      const first = before.slice(0, before.indexOf('\n}\n') + 3);
      const next = first
        .replace('"gemini_cli.config"', '"gemini_cli.api_response"')
        .replace(
          '"event.timestamp": "2026-01-05T09:58:10.500Z"',
          '"event.timestamp": "2026-01-06T08:00:00.000Z", "input_token_count": 100, "output_token_count": 5',
        )
        .replace(/"_hrTime": \[\s*1767607090,/, '"_hrTime": [ 1767686400,');
      appendFileSync(outfile, next + next.slice(0, 40));
      const tail = await scanHistories(null, store, { prices, workspaceFolders: ['/home/dev/acme-api'], locations });
      assert.deepEqual([tail.filesRead, tail.inserted, tail.filesReset], [1, 1, 0]);
      assert.equal(tail.bytesRead, Buffer.byteLength(next) + 40);
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('older SDK serializations (public hrTime/body, resource attributes as an object) read the same', () => {
    const modern = JSON.parse(
      readFileSync(OUTFILE, 'utf8')
        .split('\n}\n')
        .find((o) => o.includes('"gemini_cli.api_response"') && o.includes('15327'))! + '\n}',
    ) as Record<string, unknown>;
    const old = {
      hrTime: modern._hrTime,
      hrTimeObserved: modern._hrTimeObserved,
      body: modern._body,
      attributes: modern.attributes,
      resource: { attributes: { 'service.name': 'gemini-cli' } },
      instrumentationScope: { name: 'gemini-cli' },
    };
    const a = readGeminiTelemetryObject(modern, ctx).events[0]!;
    const b = readGeminiTelemetryObject(old, ctx).events[0]!;
    assert.equal(a.trace_hash, b.trace_hash);
    assert.deepEqual(
      [b.tokens_in, b.tokens_out, b.cache_read_tokens, b.timestamp],
      [a.tokens_in, a.tokens_out, a.cache_read_tokens, '2026-01-05T09:58:19.601Z'],
    );
  });
});
