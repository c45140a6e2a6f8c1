import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { prices, tempDir } from '../../unit/helpers/events';
import { scanTranscripts } from '../../../src/sources/transcripts';
import { dayTotals, FIXTURES, memoryStore, type DayTotals } from '../../unit/transcripts/helpers';

/**
 * Cross-check against ccusage (the npm package; its native binary comes in an optional dependency). Both
 * read the same fixture tree; per-day input, output, cache-read and cache-write tokens must be equal.
 * ccusage is told where to look through CLAUDE_CONFIG_DIR / CODEX_HOME, with HOME pointed at an empty
 * folder so nothing of this machine leaks in, UTC days and no pricing download (--offline).
 */
const BIN = path.resolve(__dirname, '../../../node_modules/.bin/ccusage');

interface CcusageDay {
  date: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

function ccusage(args: string[], env: Record<string, string>): Record<string, DayTotals> {
  if (!existsSync(BIN)) throw new Error(`ccusage is not installed at ${BIN}: run npm ci (it is a devDependency)`);
  const home = tempDir('prodlens-ccusage-home-');
  try {
    const out = execFileSync(BIN, [...args, '--json', '--offline', '--timezone', 'UTC'], {
      env: { PATH: process.env.PATH ?? '', HOME: home.dir, TZ: 'UTC', NO_COLOR: '1', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const days = (JSON.parse(out) as { daily: CcusageDay[] }).daily;
    const totals: Record<string, DayTotals> = {};
    for (const d of days) totals[d.date] = { input: d.inputTokens, output: d.outputTokens, cacheRead: d.cacheReadTokens, cacheWrite: d.cacheCreationTokens };
    return totals;
  } finally {
    home.cleanup();
  }
}

describe('transcripts: per-day totals equal ccusage daily on the same fixture tree', function () {
  this.timeout(120_000);

  it('Claude Code: input, output, cache-read and cache-write tokens', async () => {
    const expected = ccusage(['claude', 'daily'], { CLAUDE_CONFIG_DIR: path.join(FIXTURES, 'claude') });
    assert.ok(Object.keys(expected).length >= 3, 'ccusage found the fixture days');
    const store = await memoryStore();
    await scanTranscripts([path.join(FIXTURES, 'claude')], store, { prices, workspaceFolders: null });
    assert.deepEqual(dayTotals(store, 'claude-code-transcript'), expected);
    await store.close();
  });

  it('Codex: non-cached input, output and cached input (ccusage reports input without the cached part)', async () => {
    const expected = ccusage(['codex', 'daily'], { CODEX_HOME: path.join(FIXTURES, 'codex') });
    assert.ok(Object.keys(expected).length >= 2, 'ccusage found the fixture days');
    const store = await memoryStore();
    await scanTranscripts([path.join(FIXTURES, 'codex')], store, { prices, workspaceFolders: null });
    assert.deepEqual(dayTotals(store, 'codex-transcript'), expected);
    await store.close();
  });
});
