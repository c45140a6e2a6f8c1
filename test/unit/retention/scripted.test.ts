import assert from 'node:assert/strict';
import { reanchor } from '../../../src/core/retention/reanchor';
import type { Region } from '../../../src/core/retention/region';
import { measureSurvival } from '../../../src/core/retention/similarity';
import { SimDoc } from './sim';

// The AI block every scenario starts from: two lines, 22 characters (11 + 11).
const B = 'let a = 1;\nlet b = 2;\n';
const TOP = '// top\n'; // 7 characters
const END = '// end\n';

function setup(): { d: SimDoc; r: Region } {
  const d = new SimDoc(TOP + END);
  const r = d.insertAi(TOP.length, B);
  return { d, r };
}

/** Measures the region the way a checkpoint does (re-anchoring a pending one first). */
function measure(d: SimDoc, r: Region) {
  if (r.pendingText !== null) reanchor(r, d.now);
  return measureSurvival(r.inserted, r.text);
}

/** The region's text must always be the document's text at the region's offsets. */
function assertInSync(d: SimDoc, r: Region): void {
  assert.equal(d.at(r), r.text, 'region text equals the document at its offsets');
}

describe('retention: scripted edit sequences', () => {
  it('typing around the insertion (right before, right after, on lines above) leaves it whole', () => {
    const { d, r } = setup();
    d.insert(r.start, 'x'); // directly before the region: outside
    d.insert(r.end, 'y'); // directly after the region: outside
    d.insert(0, '// more\n'); // a line above
    assertInSync(d, r);
    assert.equal(r.text, B);
    assert.equal(r.start, 8 + 7 + 1);
    const m = measure(d, r);
    assert.equal(m.ratio, 1);
    assert.equal(m.acceptedLines, 2);
    assert.equal(m.insertedLines, 2);
  });

  it('an edit inside: "1" becomes "10"', () => {
    const { d, r } = setup();
    d.insert(r.start + 'let a = 1'.length, '0');
    assertInSync(d, r);
    const m = measure(d, r);
    // 22 chars inserted, 23 now, all 22 in common: 2·22 / (22 + 23) = 44/45.
    assert.equal(m.ratio, 44 / 45);
    // "let a = 10;" is not a line of the insertion; "let b = 2;" still is.
    assert.equal(m.acceptedLines, 1);
  });

  it('deleting part: the second line goes', () => {
    const { d, r } = setup();
    d.delete(r.start + 11, 11);
    assertInSync(d, r);
    const m = measure(d, r);
    // 11 of 22 chars left, all in common: 2·11 / (22 + 11) = 2/3, below the 0.7 threshold.
    assert.equal(m.ratio, 2 / 3);
    assert.equal(m.acceptedLines, 1);
  });

  it('deleting all of it (exactly the region) detaches it: nothing survives', () => {
    const { d, r } = setup();
    d.delete(r.start, B.length);
    assert.equal(r.detached, true);
    assert.equal(d.text, TOP + END);
    const m = measure(d, r);
    assert.equal(m.ratio, 0); // 2·0 / (22 + 0)
    assert.equal(m.acceptedLines, 0);
  });

  it('deleting a larger selection that contains the region also deletes it', () => {
    const { d, r } = setup();
    d.delete(2, TOP.length - 2 + B.length + 3);
    assert.equal(r.detached, true);
    assert.equal(measure(d, r).ratio, 0);
  });

  it('cut and paste elsewhere moves the region: it survives whole at the new place', () => {
    const { d, r } = setup();
    d.now = 1_000;
    d.delete(r.start, B.length); // cut
    d.now = 5_000;
    d.insert(0, B); // paste above "// top"
    assert.equal(r.detached, false);
    assert.equal(r.start, 0);
    assertInSync(d, r);
    const m = measure(d, r);
    assert.equal(m.ratio, 1);
    assert.equal(m.acceptedLines, 2);
  });

  it('a paste that carries the cut text inside more text re-attaches at its place in the paste', () => {
    const { d, r } = setup();
    d.delete(r.start, B.length);
    d.insert(d.text.length, '\n' + B + '// tail\n');
    assert.equal(r.start, TOP.length + END.length + 1);
    assertInSync(d, r);
    assert.equal(measure(d, r).ratio, 1);
  });

  it('a re-paste after the move window does not bring the region back', () => {
    const d = new SimDoc(TOP + END, 60_000);
    const r = d.insertAi(TOP.length, B);
    d.now = 1_000;
    d.delete(r.start, B.length);
    d.now = 1_000 + 60_001;
    d.insert(0, B);
    assert.equal(r.detached, true);
    assert.equal(measure(d, r).ratio, 0);
  });

  it('undo then redo of the insertion (a deletion then the same text again) keeps tracking it', () => {
    const { d, r } = setup();
    const at = r.start;
    d.delete(at, B.length); // undo
    d.insert(at, B); // redo
    assert.equal(r.detached, false);
    assert.equal(r.start, at);
    assertInSync(d, r);
  });

  it('deleting the last line then undoing it (the same text re-inserted there next) restores it inside', () => {
    const { d, r } = setup();
    const at = r.start + 11;
    d.delete(at, 11);
    d.insert(at, 'let b = 2;\n');
    assertInSync(d, r);
    assert.equal(r.text, B);
  });

  it('a deletion across the region start, then its undo, restores the region part', () => {
    const { d, r } = setup();
    d.delete(3, 4 + 4); // "top\n" + "let "
    d.insert(3, 'top\nlet ');
    assertInSync(d, r);
    assert.equal(r.text, B);
    assert.equal(r.start, TOP.length);
  });

  it('text typed at the region end after a deletion there stays outside unless it is the deleted text', () => {
    const { d, r } = setup();
    d.delete(r.end - 2, 2); // ";\n"
    d.insert(r.end, '!!'); // not an undo
    assertInSync(d, r);
    assert.equal(r.text, 'let a = 1;\nlet b = 2');
  });

  it('replace-all with a text that still contains the block verbatim: the region moves there', () => {
    const { d, r } = setup();
    const next = '// header\n// top\n' + B + '// end\n';
    d.replace(0, d.text.length, next);
    assert.equal(r.pendingText, null);
    assert.equal(r.start, next.indexOf(B));
    assertInSync(d, r);
    assert.equal(measure(d, r).ratio, 1);
  });

  it('replace-all with the block edited: re-anchored on the text it shares, edges edited count as deleted', () => {
    const { d, r } = setup();
    d.replace(0, d.text.length, '// TOP\nlet z = 1;\nlet b = 2;\n// end\n');
    assert.notEqual(r.pendingText, null, 'pending until measured off the typing path');
    const m = measure(d, r);
    assertInSync(d, r);
    // The shared runs of ≥ 8 characters: " = 1;\nlet b = 2;\n" (17). "let " (4) is too short to anchor,
    // so the region starts after "z": 2·17 / (22 + 17) = 34/39.
    assert.equal(r.text, ' = 1;\nlet b = 2;\n');
    assert.equal(m.ratio, 34 / 39);
    assert.equal(m.acceptedLines, 1);
  });

  it('replace-all with unrelated text: the block is gone', () => {
    const { d, r } = setup();
    d.replace(0, d.text.length, 'completely different content\n');
    const m = measure(d, r);
    assert.equal(r.detached, true);
    assert.equal(m.ratio, 0);
    assert.equal(m.acceptedLines, 0);
  });

  it('a reload that rewrites lines above and below an untouched block keeps it whole', () => {
    // VS Code reloads a changed file as one replacement from the first to the last differing line.
    const { d, r } = setup();
    d.replace(0, d.text.length, '// top (edited)\n' + B + '// end (edited)\n');
    assert.equal(r.pendingText, null);
    assertInSync(d, r);
    assert.equal(measure(d, r).ratio, 1);
  });

  it('multi-cursor typing inside the region (changes last-first, as VS Code sends them)', () => {
    const { d, r } = setup();
    const p1 = r.start + 'let a'.length;
    const p2 = r.start + 11 + 'let b'.length;
    d.event([
      { rangeOffset: p2, rangeLength: 0, text: 'x' },
      { rangeOffset: p1, rangeLength: 0, text: 'x' },
    ]);
    assertInSync(d, r);
    assert.equal(r.text, 'let ax = 1;\nlet bx = 2;\n');
    const m = measure(d, r);
    // 22 in common, 24 now: 2·22 / (22 + 24) = 44/46.
    assert.equal(m.ratio, 44 / 46);
    assert.equal(m.acceptedLines, 0);
  });

  it('multi-cursor changes given first-to-last with running offsets (sequential reading) agree', () => {
    const { d, r } = setup();
    const p1 = r.start + 'let a'.length;
    const p2 = r.start + 11 + 'let b'.length;
    d.event([
      { rangeOffset: p1, rangeLength: 0, text: 'x' },
      { rangeOffset: p2 + 1, rangeLength: 0, text: 'x' },
    ]);
    assertInSync(d, r);
    assert.equal(r.text, 'let ax = 1;\nlet bx = 2;\n');
  });

  it('multi-cursor edits above and below shift the region by what lands above it', () => {
    const { d, r } = setup();
    const start = r.start;
    d.event([
      { rangeOffset: d.text.length, rangeLength: 0, text: '// below\n' },
      { rangeOffset: 0, rangeLength: 0, text: '// above\n' },
    ]);
    assert.equal(r.start, start + 9);
    assertInSync(d, r);
    assert.equal(measure(d, r).ratio, 1);
  });

  it('CRLF document: offsets count CR, the measure ignores line endings', () => {
    const crlf = B.replace(/\n/g, '\r\n'); // 24 characters
    const d = new SimDoc('// top\r\n// end\r\n');
    const r = d.insertAi(8, crlf);
    assert.equal(r.end - r.start, 24);
    d.insert(r.start + 'let a = 1'.length, '0');
    d.insert(0, '// new line\r\n');
    assertInSync(d, r);
    const m = measure(d, r);
    // Same as the LF case once normalized: 44/45.
    assert.equal(m.ratio, 44 / 45);
    assert.equal(m.acceptedLines, 1);
  });

  it('edits that shift lines above the region (insert 3 lines, delete one)', () => {
    const { d, r } = setup();
    d.insert(0, 'a\nb\nc\n');
    d.delete(6, TOP.length);
    assert.equal(r.start, 6);
    assertInSync(d, r);
    assert.equal(measure(d, r).ratio, 1);
  });

  it('a deletion crossing the region start removes only the region part it covers', () => {
    const { d, r } = setup();
    d.delete(3, 4 + 4); // "top\n" and "let "
    assertInSync(d, r);
    assert.equal(r.text, 'a = 1;\nlet b = 2;\n');
    // 18 chars left, all in common: 2·18 / (22 + 18) = 0.9.
    assert.equal(measure(d, r).ratio, 0.9);
  });

  it('a replacement crossing the region end: the typed text lies outside the region', () => {
    const { d, r } = setup();
    const cs = r.start + 11 + 'let b'.length;
    d.replace(cs, d.text.length - cs, 'X');
    assertInSync(d, r);
    assert.equal(r.text, 'let a = 1;\nlet b');
    // 16 left: 2·16 / (22 + 16) = 32/38.
    assert.equal(measure(d, r).ratio, 32 / 38);
    assert.equal(measure(d, r).acceptedLines, 1);
  });

  it('typing over the selected region (replace exactly it) with new text: the region is replaced', () => {
    const { d, r } = setup();
    d.replace(r.start, B.length, 'q');
    d.insert(r.end, 'uick();\n');
    const m = measure(d, r);
    assert.equal(r.detached, true);
    assert.equal(m.ratio, 0);
  });

  it('accepted_lines counts each copy of a repeated line once', () => {
    const m = measureSurvival('  }\n}\n}\nreturn x;\n', '}\nreturn x;\n');
    assert.equal(m.insertedLines, 4);
    assert.equal(m.acceptedLines, 2);
  });
});
