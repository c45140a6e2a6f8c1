import assert from 'node:assert/strict';
import { classifyEvent, looksCopied, looksPasted, type EventFacts } from '../../../src/core/retention/classify';

const FN = 'function add(a, b) {\n  return a + b;\n}\n';

function facts(over: Partial<EventFacts>): EventFacts {
  return {
    changes: [],
    reason: null,
    active: true,
    cursors: [10],
    sinceTyping: Infinity,
    saving: false,
    gitBusy: false,
    bulk: false,
    reload: false,
    revert: false,
    minChars: 8,
    ...over,
  };
}

describe('retention: detection rules', () => {
  it('an accepted inline completion: one block at the cursor, typed prefix skipped, confirmed by the cursor', () => {
    // The user typed "fu" (offsets 10-12, cursor at 12); the completion replaces it with the whole function.
    const c = classifyEvent(facts({ changes: [{ rangeOffset: 10, rangeLength: 2, text: FN }], cursors: [12], sinceTyping: 300 }));
    assert.equal(c.rejected, null);
    assert.deepEqual(c.candidates, [{ changeIndex: 0, offset: 2, length: FN.length - 2, detection: 'inline', confidence: 0.8, needsCursorAtEnd: true }]);
  });

  it('typing, Enter with indentation, auto-closed pairs and backspace are typing, not AI', () => {
    for (const change of [
      { rangeOffset: 10, rangeLength: 0, text: 'x' },
      { rangeOffset: 10, rangeLength: 0, text: '\n    ' },
      { rangeOffset: 10, rangeLength: 0, text: '()' },
      { rangeOffset: 9, rangeLength: 1, text: '' },
    ]) {
      const c = classifyEvent(facts({ changes: [change] }));
      assert.equal(c.typing, true);
      assert.equal(c.candidates.length, 0);
    }
  });

  it('undo and redo, save participants, git operations, reverts and bulk edits are not AI', () => {
    const big = [{ rangeOffset: 10, rangeLength: 0, text: FN }];
    assert.equal(classifyEvent(facts({ changes: big, reason: 'undo' })).rejected, 'undo');
    assert.equal(classifyEvent(facts({ changes: big, reason: 'redo' })).rejected, 'redo');
    assert.equal(classifyEvent(facts({ changes: big, saving: true })).rejected, 'save-participant');
    assert.equal(classifyEvent(facts({ changes: big, gitBusy: true, reload: true, active: false })).rejected, 'git');
    assert.equal(classifyEvent(facts({ changes: big, revert: true })).rejected, 'revert');
    assert.equal(classifyEvent(facts({ changes: big, bulk: true, active: false })).rejected, 'bulk');
  });

  it('formatting (many small edits in one event) and renames (identifier-only) are not AI', () => {
    const fmt = Array.from({ length: 8 }, (_, i) => ({ rangeOffset: 100 - i * 10, rangeLength: 1, text: '  ' }));
    fmt.push({ rangeOffset: 5, rangeLength: 0, text: 'const value = compute();' });
    assert.equal(classifyEvent(facts({ changes: fmt, active: true, sinceTyping: 10_000 })).rejected, 'format');
    const rename = [
      { rangeOffset: 40, rangeLength: 3, text: 'totalAmountInCents' },
      { rangeOffset: 4, rangeLength: 3, text: 'totalAmountInCents' },
    ];
    assert.equal(classifyEvent(facts({ changes: rename, active: false })).rejected, 'small');
  });

  it('an edit applied to a document that is not the active editor is a workspace (chat/agent) edit', () => {
    const c = classifyEvent(facts({ changes: [{ rangeOffset: 0, rangeLength: 0, text: FN }], active: false, cursors: [] }));
    assert.deepEqual(
      c.candidates.map((x) => [x.detection, x.confidence, x.needsCursorAtEnd]),
      [['workspace-edit', 0.6, false]],
    );
  });

  it('an edit away from the cursor of the active document: AI when the user is idle, the user when typing', () => {
    const ch = [{ rangeOffset: 200, rangeLength: 0, text: FN }];
    assert.equal(classifyEvent(facts({ changes: ch, sinceTyping: 500 })).rejected, 'user-active');
    assert.equal(classifyEvent(facts({ changes: ch, sinceTyping: 60_000 })).candidates[0]!.detection, 'workspace-edit');
  });

  it('a reload from disk (clean before and after) is an on-disk edit, one candidate per substantial change', () => {
    const c = classifyEvent(facts({ changes: [{ rangeOffset: 0, rangeLength: 30, text: FN }], reload: true }));
    assert.deepEqual(
      c.candidates.map((x) => [x.detection, x.offset, x.length]),
      [['disk', 0, FN.length]],
    );
  });

  it('inserts below the minimum size are ignored', () => {
    const c = classifyEvent(facts({ changes: [{ rangeOffset: 10, rangeLength: 0, text: 'a + b;' }], active: false }));
    assert.equal(c.rejected, 'small');
  });

  it('paste: equal to the clipboard, a line of it (multi-cursor), or re-indented', () => {
    assert.equal(looksPasted(FN, FN), true);
    assert.equal(looksPasted('  return a + b;', FN), true);
    assert.equal(looksPasted(FN.replace(/\n/g, '\r\n').replace('  return', '      return'), FN), true);
    assert.equal(looksPasted(FN, 'something else entirely'), false);
    assert.equal(looksPasted(FN, ''), false);
  });

  it('without the clipboard (VS Code for the Web): copied when found in an open document, indentation ignored', () => {
    const other = `// utils\nclass Calc {\n    add(a, b) {\n        return a + b;\n    }\n}\n`;
    // Copied out of a class (deeper indentation) and pasted at the top level.
    assert.equal(looksCopied('add(a, b) {\n  return a + b;\n}', ['unrelated text', other]), true);
    assert.equal(looksCopied(FN.replace(/\n/g, '\r\n'), [FN]), true);
    assert.equal(looksCopied(FN, ['function add(a, b) {\n  return a - b;\n}\n']), false);
    assert.equal(looksCopied(FN, []), false);
    assert.equal(looksCopied('   \n', [FN]), false);
  });
});
