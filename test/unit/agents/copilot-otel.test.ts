import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scanHistories } from '../../../src/sources/agents';
import { importPaths } from '../../../src/sources/import-paths';
import { prices, tempDir } from '../helpers/events';
import { count, memoryStore } from '../transcripts/helpers';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const COPILOT = path.resolve(__dirname, '../../fixtures/agents/copilot/.copilot');
const SESSION = '5b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e';

/**
 * A copy of the fixture home as ccusage 20.0.24 reads it: `session-state/<id>/events.jsonl` and
 * `otel/*.jsonl`. The older flat `session-state/<id>.jsonl` layout (which ProdLens also reads) is left
 * out of the copy, since ccusage does not read it and the comparison is over the same files.
 */
function homeCopy(dir: string): string {
  const home = path.join(dir, 'home');
  cpSync(COPILOT, path.join(home, '.copilot'), { recursive: true });
  rmSync(path.join(home, '.copilot/session-state/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b.jsonl'));
  return home;
}

describe('Copilot CLI OpenTelemetry export', () => {
  it('a call made by a process whose shutdown is in the session log is that shutdown’s duplicate; later calls count', async () => {
    const store = await memoryStore();
    await importPaths(store, [COPILOT], { prices });
    const rows = rawDatabaseForTests(store).exec(
      `SELECT o.event_date, COUNT(*), SUM(o.duplicate_of IS NOT NULL), SUM(t.source = 'copilot-cli-session')
         FROM sessions o LEFT JOIN sessions t ON t.trace_hash = o.duplicate_of
        WHERE o.source = 'copilot-cli-otel' AND o.session_id = ? GROUP BY o.event_date ORDER BY 1`,
      [SESSION],
    )[0]!.values;
    // 2026-01-05: 12 calls of process 1; 2026-01-06: 14 calls of process 2 + 2 of the running process 3.
    assert.deepEqual(rows, [
      ['2026-01-05', 12, 12, 12],
      ['2026-01-06', 16, 14, 14],
    ]);
    // Each call points at its own process's row of the same model: the first shutdown at or after it.
    const wrong = count(
      store,
      `SELECT COUNT(*) FROM sessions o JOIN sessions t ON t.trace_hash = o.duplicate_of
        WHERE o.source = 'copilot-cli-otel' AND (t.model IS NOT o.model OR t.ts_ms < o.ts_ms OR EXISTS (
          SELECT 1 FROM sessions x WHERE x.source = 'copilot-cli-session' AND x.session_id = o.session_id AND x.ts_ms >= o.ts_ms AND x.ts_ms < t.ts_ms))`,
    );
    assert.equal(wrong, 0);
    // Spans without usage, agent summaries and metrics are counted as skipped, not stored.
    assert.equal(count(store, "SELECT COUNT(*) FROM sessions WHERE source = 'copilot-cli-otel' AND kind <> 'request'"), 0);
    const one = JSON.parse(
      rawDatabaseForTests(store).exec("SELECT attrs FROM sessions WHERE source = 'copilot-cli-otel' ORDER BY ts_ms LIMIT 1")[0]!.values[0]![0] as string,
    ) as Record<string, unknown>;
    assert.equal(one.premium_requests, 1);
    assert.equal(one.agent_version, '1.0.84-4');
    const text = JSON.stringify(rawDatabaseForTests(store).exec('SELECT * FROM sessions'));
    for (const secret of ['tool_calls', 'web_fetch', 'toolu_', 'now document it']) assert.ok(!text.includes(secret), secret);
    await store.close();
  });

  it('order does not matter: the export read before the session log, then the shutdown arriving later, marks the same copies', async () => {
    const tmp = tempDir('prodlens-copilot-order-');
    try {
      const home = homeCopy(tmp.dir);
      const state = path.join(home, '.copilot/session-state', SESSION, 'events.jsonl');
      const full = readFileSync(state, 'utf8').trim().split('\n');
      const store = await memoryStore();
      // The export alone: every call counts.
      await importPaths(store, [path.join(home, '.copilot/otel')], { prices });
      assert.equal(count(store, "SELECT COUNT(*) FROM sessions WHERE source = 'copilot-cli-otel' AND duplicate_of IS NULL"), 32);
      // The session log up to the first shutdown (a process still running after it).
      const firstShutdown = full.findIndex((l) => l.includes('"session.shutdown"'));
      writeFileSync(state, full.slice(0, firstShutdown + 1).join('\n') + '\n');
      await scanHistories([path.join(home, '.copilot')], store, { prices, workspaceFolders: null });
      assert.equal(
        count(store, `SELECT COUNT(*) FROM sessions WHERE source = 'copilot-cli-otel' AND session_id = '${SESSION}' AND duplicate_of IS NOT NULL`),
        12,
      );
      // The rest of the log, with the second shutdown.
      writeFileSync(state, full.join('\n') + '\n');
      const s = await scanHistories([path.join(home, '.copilot')], store, { prices, workspaceFolders: null });
      assert.equal(s.reconciled, 14);
      assert.equal(count(store, `SELECT COUNT(*) FROM sessions WHERE source = 'copilot-cli-otel' AND session_id = '${SESSION}' AND duplicate_of IS NULL`), 2);
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('reads only what was appended, leaves a half-written line for the next pass, starts over on a replaced file', async () => {
    const tmp = tempDir('prodlens-copilot-tail-');
    try {
      const otel = path.join(tmp.dir, '.copilot/otel');
      cpSync(path.join(COPILOT, 'otel'), otel, { recursive: true });
      const file = path.join(otel, 'copilot-otel-20260107-140000.jsonl');
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      const chats = lines.filter((l) => l.includes('"chat '));
      writeFileSync(file, chats[0] + '\n' + chats[1]!.slice(0, 100));
      const store = await memoryStore();
      const opts = { prices, workspaceFolders: null };
      const first = await scanHistories([file], store, opts);
      assert.deepEqual([first.filesRead, first.inserted], [1, 1], 'the complete line only');
      appendFileSync(file, chats[1]!.slice(100) + '\n' + chats[2] + '\n');
      const second = await scanHistories([file], store, opts);
      assert.deepEqual([second.inserted, second.duplicates, second.filesReset], [2, 0, 0]);
      assert.equal(second.bytesRead, Buffer.byteLength(chats[1]! + '\n' + chats[2] + '\n'), 'from the half-written line on');
      const third = await scanHistories([file], store, opts);
      assert.deepEqual([third.filesRead, third.filesUnchanged], [0, 1]);
      // Rotated: a new file under the same name starts with other bytes.
      writeFileSync(file, chats[2] + '\n');
      const fourth = await scanHistories([file], store, opts);
      assert.deepEqual([fourth.filesReset, fourth.inserted, fourth.duplicates], [1, 0, 1]);
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('in a workspace: a call is taken when its session ran inside the workspace (from the session log), not otherwise', async () => {
    const store = await memoryStore();
    const s = await scanHistories([COPILOT], store, { prices, workspaceFolders: ['/home/dev/acme-api'] });
    assert.equal(s.deadLettered, 0);
    // Session 5b1c… ran in /home/dev/acme-api; the pruned sessions have no log naming a folder.
    assert.deepEqual(rawDatabaseForTests(store).exec("SELECT DISTINCT session_id FROM sessions WHERE source = 'copilot-cli-otel'")[0]!.values, [[SESSION]]);
    // Attribution: the resolver hook fills what the files do not say, from the session's working folder.
    const other = await memoryStore();
    const seen: string[] = [];
    await scanHistories([COPILOT], other, {
      prices,
      workspaceFolders: null,
      attribute: (cwd) => {
        seen.push(cwd);
        return { developer_id: 'dev@acme.example', repo_slug: 'acme/other', branch: 'main' };
      },
    });
    assert.deepEqual([...new Set(seen)].sort(), ['/home/dev/acme-api', '/home/dev/other-proj']);
    const attributed = rawDatabaseForTests(other).exec(
      "SELECT DISTINCT repo_slug, branch, developer_id FROM sessions WHERE source = 'copilot-cli-otel' AND session_id = ?",
      [SESSION],
    )[0]!.values;
    assert.deepEqual(attributed, [['acme/other', 'main', 'dev@acme.example']], 'the export says nothing, the hook fills all');
    const logRow = rawDatabaseForTests(other).exec("SELECT DISTINCT repo_slug, branch FROM sessions WHERE source = 'copilot-cli-session' AND session_id = ?", [
      SESSION,
    ])[0]!.values;
    assert.deepEqual(logRow, [['acme/api', 'feature/limits']], 'what the session log says wins');
    await store.close();
    await other.close();
  });
});
