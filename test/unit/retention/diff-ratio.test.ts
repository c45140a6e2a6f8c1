import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATASETS } from '../../../src/core/export/datasets';
import { buildEditEvent } from '../../../src/core/retention/edit-event';
import { RetentionEngine } from '../../../src/core/retention/engine';
import { pathHash } from '../../../src/core/retention/path-hash';
import { DIFF_RATIO_DEFINITION } from '../../../src/core/retention/similarity';
import { Store } from '../../../src/core/store/store';
import { batchOf, prices, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/**
 * One meaning of `diff_ratio` (issue 13 §4): the similarity of an AI insertion's current text to what was
 * inserted, 2·M/T, 1 = unchanged, 0 = nothing left. Pinned on a real edit sequence through the engine, the
 * event builder and the store, against a longest-common-subsequence computed here independently; and the
 * same words in the docs and the export.
 */

/** Characters in common (LCS length) by plain dynamic programming — independent of the engine's Myers diff. */
function lcs(a: string, b: string): number {
  const A = Array.from(a);
  const B = Array.from(b);
  let prev = new Array<number>(B.length + 1).fill(0);
  for (let i = 1; i <= A.length; i++) {
    const cur = new Array<number>(B.length + 1).fill(0);
    for (let j = 1; j <= B.length; j++) cur[j] = A[i - 1] === B[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return prev[B.length]!;
}

const DOC = 'file:///w/src/sum.ts';
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const INSERTED = 'function sum(xs: number[]) {\n  let total = 0;\n  for (const x of xs) total += x;\n  return total;\n}\n';

describe('diff_ratio', () => {
  it('is the similarity of the insertion’s current text to the inserted text (1 = kept), on a real edit sequence', async () => {
    const e = new RetentionEngine();
    const prefix = '// utils\n';
    // The document holds a comment line; the AI inserts the function after it (an accepted inline completion).
    e.applyEvent(DOC, [{ rangeOffset: 0, rangeLength: 0, text: prefix }], T0 - 60_000);
    const [id] = e.applyEvent(DOC, [{ rangeOffset: prefix.length, rangeLength: 0, text: INSERTED }], T0, [
      { id: 'ins', changeIndex: 0, offset: 0, length: INSERTED.length },
    ]);
    assert.equal(id, 'ins');
    e.confirm('ins', {
      detection: 'inline',
      agent: 'copilot',
      confidence: 0.8,
      language: 'typescript',
      ext: 'ts',
      pathHash: pathHash('src/sum.ts'),
      sessionId: null,
      matchedTrace: null,
      repoSlug: 'acme/api',
      branch: 'main',
    });
    // The developer then: renames `total` to `acc` in its first use (typed over it), and deletes the loop line.
    let text = prefix + INSERTED;
    const replace = (from: string, to: string, at: number) => {
      const offset = text.indexOf(from, at);
      e.applyEvent(DOC, [{ rangeOffset: offset, rangeLength: from.length, text: to }], T0 + 5_000);
      text = text.slice(0, offset) + to + text.slice(offset + from.length);
    };
    replace('let total', 'let acc', 0);
    replace('  for (const x of xs) total += x;\n', '', 0);
    const current = text.slice(prefix.length);
    assert.equal(current, 'function sum(xs: number[]) {\n  let acc = 0;\n  return total;\n}\n');
    e.tick(T0 + 30_000);
    const [obs] = e.drain(T0 + 30_000);
    const expected = (2 * lcs(INSERTED, current)) / (Array.from(INSERTED).length + Array.from(current).length);
    assert.ok(expected > 0.5 && expected < 0.9, `a partly kept insertion: ${expected}`);

    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    try {
      const built = buildEditEvent(obs!, { prices });
      assert.ok(built.ok);
      await store.ingest(batchOf([built.value]));
      const [ratio, flag] = rawDatabaseForTests(store).exec("SELECT diff_ratio, accepted_flag FROM sessions WHERE kind = 'edit'")[0]!.values[0]! as [
        number,
        number,
      ];
      assert.ok(Math.abs(ratio - expected) < 1e-12, `diff_ratio ${ratio}, expected 2·LCS/T = ${expected}`);
      assert.equal(flag, ratio >= 0.7 ? 1 : 0, 'accepted_flag = diff_ratio ≥ 0.7');
    } finally {
      await store.close();
    }

    // Deleting the whole insertion leaves nothing: 0, not 1.
    e.applyEvent(DOC, [{ rangeOffset: prefix.length, rangeLength: Array.from(current).length, text: '' }], T0 + 60_000);
    e.tick(T0 + 120_000);
    const [gone] = e.drain(T0 + 120_000);
    assert.equal(gone!.survival!.ratio, 0);
    assert.equal(gone!.accepted, false);
  });

  it('has the same words in docs/events.md, docs/export.md and the export’s column description', () => {
    const col = DATASETS.find((d) => d.name === 'sessions')!.columns.find((c) => c.name === 'diff_ratio')!;
    assert.equal(col.description, DIFF_RATIO_DEFINITION);
    for (const doc of ['docs/events.md', 'docs/export.md']) {
      const row = readFileSync(path.resolve(doc), 'utf8')
        .split('\n')
        .find((l) => l.startsWith('| `diff_ratio`'));
      assert.ok(row?.includes(DIFF_RATIO_DEFINITION), `${doc}: ${row}`);
    }
    assert.match(DIFF_RATIO_DEFINITION, /1 = unchanged, 0 = deleted/);
  });
});
