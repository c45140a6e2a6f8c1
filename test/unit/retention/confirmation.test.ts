import assert from 'node:assert/strict';
import { confirmInsertion, type ConfirmationProbe, type Verdict } from '../../../src/core/retention/confirmation';

/** A probe with the answers of one situation, recording which questions were asked and in what order. */
function probe(answers: Partial<{ dirty: boolean; cursor: boolean; git: boolean; bulk: boolean; paste: boolean }>, asked: string[]): ConfirmationProbe {
  return {
    dirtiedSince: async () => (asked.push('dirty'), answers.dirty ?? true),
    cursorAtEnd: async () => (asked.push('cursor'), answers.cursor ?? true),
    settle: async () => void asked.push('settle'),
    gitBusyNear: () => (asked.push('git'), answers.git ?? false),
    bulkNear: () => (asked.push('bulk'), answers.bulk ?? false),
    looksPaste: async () => (asked.push('paste'), answers.paste ?? false),
  };
}

async function decide(
  needsCursorAtEnd: boolean,
  reading: 'edit' | 'reload' | null,
  answers: Parameters<typeof probe>[0],
): Promise<{ verdict: Verdict; asked: string[] }> {
  const asked: string[] = [];
  const verdict = await confirmInsertion({ needsCursorAtEnd }, reading, probe(answers, asked));
  return { verdict, asked };
}

describe('editor capture: confirming a tentative AI insertion', () => {
  it('an inline completion stands when the cursor sits at its end and it was not pasted; git and bulk activity are not asked', async () => {
    const ok = await decide(true, null, {});
    assert.deepEqual(ok.verdict, { kind: 'confirm' });
    assert.deepEqual(ok.asked, ['cursor', 'paste']);
    assert.deepEqual((await decide(true, null, { cursor: false })).verdict, { kind: 'reject', why: 'cursor not at the end (snippet or completion list)' });
    assert.deepEqual((await decide(true, null, { paste: true })).verdict, { kind: 'reject', why: 'paste' });
  });

  it('other insertions wait for the settle time, then a git operation, a bulk change or a paste explains them', async () => {
    const ok = await decide(false, null, {});
    assert.deepEqual(ok.verdict, { kind: 'confirm' });
    assert.deepEqual(ok.asked, ['settle', 'git', 'bulk', 'paste']);
    assert.deepEqual((await decide(false, null, { git: true })).verdict, { kind: 'reject', why: 'git operation' });
    assert.deepEqual((await decide(false, null, { bulk: true })).verdict, { kind: 'reject', why: 'several files changed at once' });
    assert.deepEqual((await decide(false, null, { paste: true })).verdict, { kind: 'reject', why: 'paste' });
  });

  it('a change to a clean document: the edit reading stands if it turned dirty, the reload reading if it stayed clean', async () => {
    assert.deepEqual((await decide(false, 'edit', { dirty: true })).verdict, { kind: 'confirm' });
    assert.deepEqual((await decide(false, 'edit', { dirty: false })).verdict, { kind: 'discard' });
    assert.deepEqual((await decide(false, 'reload', { dirty: false })).verdict, { kind: 'confirm' });
    const other = await decide(false, 'reload', { dirty: true });
    assert.deepEqual(other.verdict, { kind: 'discard' });
    assert.ok(!other.asked.includes('paste'), 'a discarded reading is not checked further');
  });
});
