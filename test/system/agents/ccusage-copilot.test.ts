import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { importPaths } from '../../../src/sources/import-paths';
import { prices, tempDir } from '../../unit/helpers/events';
import { dayTotals, memoryStore } from '../../unit/transcripts/helpers';

const COPILOT = path.resolve(__dirname, '../../fixtures/agents/copilot/.copilot');
const CCUSAGE = path.resolve(__dirname, '../../../node_modules/.bin/ccusage');

interface CcDay {
  date: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

/** `ccusage copilot daily --json` over a Copilot home (ccusage 20.0.24, the devDependency). */
function ccusageCopilot(home: string): CcDay[] {
  const out = execFileSync(CCUSAGE, ['copilot', 'daily', '--json', '--offline', '--timezone', 'UTC'], {
    env: { PATH: process.env.PATH ?? '', HOME: home, TZ: 'UTC', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return (JSON.parse(out) as { daily: CcDay[] }).daily;
}

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

describe('Copilot CLI OpenTelemetry export next to ccusage', () => {
  it('per-day totals of the counted rows equal `ccusage copilot daily` on the same files (session logs + OTel export)', async function () {
    this.timeout(90_000);
    const tmp = tempDir('prodlens-copilot-cc-');
    try {
      const home = homeCopy(tmp.dir);
      const cc = ccusageCopilot(home);
      assert.deepEqual(
        cc.map((d) => d.date),
        ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08'],
        'ccusage found every fixture day',
      );
      const store = await memoryStore();
      const s = await importPaths(store, [path.join(home, '.copilot')], { prices });
      assert.equal(s.deadLettered, 0);
      const mine = { ...dayTotals(store, 'copilot-cli-session') };
      for (const [d, t] of Object.entries(dayTotals(store, 'copilot-cli-otel'))) {
        const m = (mine[d] ??= { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
        m.input += t.input;
        m.output += t.output;
        m.cacheRead += t.cacheRead;
        m.cacheWrite += t.cacheWrite;
      }
      for (const d of cc) {
        const m = mine[d.date]!;
        assert.ok(m, d.date);
        assert.equal(m.output, d.outputTokens, `${d.date} output`);
        assert.equal(m.cacheRead, d.cacheReadTokens, `${d.date} cache reads`);
        assert.equal(m.cacheWrite, d.cacheCreationTokens, `${d.date} cache writes`);
        if (d.date === '2026-01-08') {
          // The one call ccusage reads differently: for OTel spans it subtracts only cache reads from
          // gen_ai.usage.input_tokens, which (like Copilot's own inputTokens) includes the cache writes too.
          assert.equal(m.input, d.inputTokens - d.cacheCreationTokens, `${d.date} input`);
          assert.ok(d.cacheCreationTokens > 0);
        } else assert.equal(m.input, d.inputTokens, `${d.date} input`);
      }
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });
});
