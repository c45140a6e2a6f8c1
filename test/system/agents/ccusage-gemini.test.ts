import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { importPaths } from '../../../src/sources/import-paths';
import { prices, tempDir } from '../../unit/helpers/events';
import { memoryStore } from '../../unit/transcripts/helpers';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const AGENTS = path.resolve(__dirname, '../../fixtures/agents');
const CCUSAGE = path.resolve(__dirname, '../../../node_modules/.bin/ccusage');

describe('Gemini CLI chats next to ccusage', () => {
  const GEMINI = path.join(AGENTS, 'gemini/.gemini');

  it('per-day input, output (+ thoughts), cache reads equal `ccusage gemini daily` on the same files', async function () {
    this.timeout(60_000);
    const home = tempDir('prodlens-ccusage-home-');
    let cc: Array<{ date: string; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number; totalTokens: number }>;
    try {
      const out = execFileSync(CCUSAGE, ['gemini', 'daily', '--json', '--offline', '--timezone', 'UTC'], {
        env: { PATH: process.env.PATH ?? '', HOME: home.dir, TZ: 'UTC', NO_COLOR: '1', GEMINI_DATA_DIR: path.join(GEMINI, 'tmp') },
        encoding: 'utf8',
        timeout: 60_000,
      });
      cc = (JSON.parse(out) as { daily: typeof cc }).daily;
    } finally {
      home.cleanup();
    }
    assert.ok(cc.length >= 3, 'ccusage found the fixture days');
    const store = await memoryStore();
    await importPaths(store, [GEMINI], { prices });
    const r = rawDatabaseForTests(store).exec(
      "SELECT event_date, SUM(tokens_in), SUM(tokens_out), SUM(cache_read_tokens), SUM(IFNULL(cache_write_tokens, 0)) FROM sessions WHERE source = 'gemini-cli-chat' AND kind = 'request' GROUP BY event_date ORDER BY event_date",
    )[0]!.values;
    // ccusage keeps thoughts out of outputTokens but in totalTokens; ProdLens bills them as output.
    const expected = cc.map((d) => [
      d.date,
      d.inputTokens,
      d.outputTokens + (d.totalTokens - d.inputTokens - d.outputTokens - d.cacheReadTokens - d.cacheCreationTokens),
      d.cacheReadTokens,
      d.cacheCreationTokens,
    ]);
    assert.deepEqual(r, expected);
    await store.close();
  });
});
