import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { prices, tempDir } from '../helpers/events';
import { scanTranscripts } from '../../../src/sources/transcripts';
import { memoryStore } from './helpers';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

function line(id: string, model: string, input: number, output: number, cacheRead: number): string {
  return `${JSON.stringify({
    cwd: '/w',
    sessionId: 's-price',
    version: '2.0.14',
    type: 'assistant',
    uuid: `u-${id}`,
    timestamp: '2026-01-05T10:00:00.000Z',
    requestId: `req-${id}`,
    message: {
      id,
      model,
      role: 'assistant',
      content: [],
      usage: { input_tokens: input, output_tokens: output, cache_read_input_tokens: cacheRead, cache_creation_input_tokens: 0 },
    },
  })}\n`;
}

describe('transcripts: cost', () => {
  it('applies the long-context tier above 200k input tokens, and marks unknown models unknown', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'session.jsonl');
      // Sonnet 4.5: $3/$15 per Mtok up to 200k input tokens, $6/$22.50 above (cache reads $0.30 / $0.60).
      writeFileSync(
        file,
        line('small', 'claude-sonnet-4-5-20250929', 100_000, 1_000, 0) +
          line('large', 'claude-sonnet-4-5-20250929', 50_000, 1_000, 200_000) +
          line('mystery', 'acme-model-9', 10, 10, 0),
      );
      const store = await memoryStore();
      await scanTranscripts([file], store, { prices, workspaceFolders: null });
      const rows = Object.fromEntries(
        rawDatabaseForTests(store)
          .exec("SELECT json_extract(attrs, '$.x'), model, tokens_in, cost_usd, cost_source FROM sessions ORDER BY tokens_in DESC")[0]!
          .values.map((r) => [r[2] as number, r]),
      );
      const small = rows[100_000]!;
      const large = rows[50_000]!;
      const mystery = rows[10]!;
      assert.ok(Math.abs((small[3] as number) - (100_000 * 3 + 1_000 * 15) / 1e6) < 1e-9, `below the tier: ${small[3]}`);
      // 250k prompt tokens in all (input + cache read): the whole request is priced at the higher tier.
      assert.ok(Math.abs((large[3] as number) - (50_000 * 6 + 200_000 * 0.6 + 1_000 * 22.5) / 1e6) < 1e-9, `above the tier: ${large[3]}`);
      assert.equal(large[4], 'estimated');
      assert.deepEqual([mystery[3], mystery[4]], [null, 'unknown']);
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });
});
