import assert from 'node:assert/strict';
import path from 'node:path';
import { Store } from '../../../src/core/store/store';
import { binary, FIXTURES } from '../../unit/helpers/cli';
import { sqlLoader, tempDir } from '../../unit/helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/**
 * The contract for outside checks: `prodlens import PATH` takes each tool's storage folder as it lies on
 * disk, or one of its files, auto-detected, and stores rows with a `source` naming the tool.
 */
describe('prodlens import: agent history folders and files (bundled binary)', function () {
  this.timeout(120_000);
  const AGENTS = path.join(FIXTURES, 'agents');
  const GS = path.join(AGENTS, 'vscode/User/globalStorage');

  const cases: Array<[string, string, string, number]> = [
    ['Cline global-storage folder', path.join(GS, 'saoudrizwan.claude-dev'), 'cline-history', 6],
    [
      'one Roo Code ui_messages.json',
      path.join(GS, 'rooveterinaryinc.roo-cline/tasks/0199f3c2-6a1b-7c4d-9e2f-3a4b5c6d7e8f/ui_messages.json'),
      'roo-code-history',
      4,
    ],
    ['~/.gemini', path.join(AGENTS, 'gemini/.gemini'), 'gemini-cli-chat', 8],
    ['one Gemini chat file', path.join(AGENTS, 'gemini/.gemini/tmp/other-proj/chats/session-2026-01-07T16-00-e1f2a3b4.jsonl'), 'gemini-cli-chat', 1],
    ['~/.copilot', path.join(AGENTS, 'copilot/.copilot'), 'copilot-cli-session', 7],
    [
      'one Copilot events.jsonl',
      path.join(AGENTS, 'copilot/.copilot/session-state/5b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e/events.jsonl'),
      'copilot-cli-session',
      5,
    ],
    ['LiteLLM spend-log rows', path.join(FIXTURES, 'litellm/spend-logs.json'), 'litellm-spend-logs', 3],
    ['one Copilot CLI OpenTelemetry export', path.join(AGENTS, 'copilot/.copilot/otel/copilot-otel-20260107-140000.jsonl'), 'copilot-cli-otel', 3],
    ['one Gemini CLI telemetry outfile', path.join(AGENTS, 'gemini/.gemini/telemetry.log'), 'gemini-cli-otel', 8],
  ];
  it('each folder or file, detected; a source naming the tool; importing again adds nothing', async () => {
    const tmp = tempDir('prodlens-import-agents-');
    try {
      const db = path.join(tmp.dir, 'p.sqlite');
      // The single files are inside the folders: name them first, on their own database, so they count.
      const r = await binary(['import', ...cases.filter((c) => !c[0].startsWith('one ')).map((c) => c[1]), '--json', '--db', db]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { deadLettered: number }).deadLettered, 0);
      const single = path.join(tmp.dir, 'single.sqlite');
      const s = await binary(['import', ...cases.filter((c) => c[0].startsWith('one ')).map((c) => c[1]), '--json', '--db', single]);
      assert.equal(s.code, 0, s.stderr);
      const counts = async (file: string) => {
        const store = await Store.open({ path: file, sql: await sqlLoader.load() });
        try {
          return Object.fromEntries(rawDatabaseForTests(store).exec('SELECT source, COUNT(*) FROM sessions GROUP BY source')[0]!.values) as Record<
            string,
            number
          >;
        } finally {
          await store.close();
        }
      };
      const all = await counts(db);
      const one = await counts(single);
      for (const [what, , source, n] of cases) assert.equal((what.startsWith('one ') ? one : all)[source], n, what);
      // ~/.copilot holds the OpenTelemetry export beside the session logs, ~/.gemini the outfile its settings name.
      assert.equal(all['copilot-cli-otel'], 32);
      assert.equal(all['gemini-cli-otel'], 8);
      const again = JSON.parse((await binary(['import', ...cases.filter((c) => !c[0].startsWith('one ')).map((c) => c[1]), '--json', '--db', db])).stdout) as {
        inserted: number;
      };
      assert.equal(again.inserted, 0);
    } finally {
      tmp.cleanup();
    }
  });
});
