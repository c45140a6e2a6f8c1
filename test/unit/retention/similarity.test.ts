import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codePoints, countSignificantLines, measureSurvival } from '../../../src/core/retention/similarity';

interface RefPair {
  name: string;
  inserted: string;
  current: string;
  difflib_ratio: number;
}

// Written by scripts/retention-ratio-reference.py with Python's difflib.SequenceMatcher (autojunk=False).
const REF = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/retention/difflib-ratios.json'), 'utf8')) as { pairs: RefPair[] };

// Pairs where Ratcliff–Obershelp's greedy longest-block matching finds fewer common characters than the
// longest common subsequence (our M), so our ratio is higher; the size of the difference is pinned.
const LCS_ABOVE_RO: Record<string, number> = { rewritten: 0.0389, 'python-edit': 0.0059 };

describe('retention: survival measure', () => {
  it('agrees with Python difflib.SequenceMatcher.ratio() on real-shaped edits', () => {
    assert.ok(REF.pairs.length >= 15);
    for (const p of REF.pairs) {
      const ours = measureSurvival(p.inserted, p.current).ratio;
      const above = LCS_ABOVE_RO[p.name];
      if (above === undefined) assert.ok(Math.abs(ours - p.difflib_ratio) < 1e-12, `${p.name}: ${ours} vs difflib ${p.difflib_ratio}`);
      else assert.ok(Math.abs(ours - p.difflib_ratio - above) < 1e-4, `${p.name}: ${ours} vs difflib ${p.difflib_ratio} + ${above}`);
    }
  });

  it('computes 2·M/T by hand on small texts', () => {
    // "abcd" vs "abxd": M = 3 ("abd"), T = 8 → 0.75.
    assert.equal(measureSurvival('abcd', 'abxd').ratio, 0.75);
    // Both empty is a perfect match (difflib's convention); one empty is 0.
    assert.equal(measureSurvival('', '').ratio, 1);
    assert.equal(measureSurvival('abc', '').ratio, 0);
    // Code points, not UTF-16 units: "😀a" vs "😀b" has M = 1, T = 4 → 0.5.
    assert.equal(measureSurvival('😀a', '😀b').ratio, 0.5);
    assert.equal(codePoints('😀a'), 2);
  });

  it('ignores line endings: the same text in CRLF and LF is identical', () => {
    const m = measureSurvival('a\r\nb\r\n', 'a\nb\n');
    assert.equal(m.ratio, 1);
    assert.equal(m.acceptedLines, 2);
  });

  it('lines are trimmed and blank lines ignored when counting', () => {
    assert.equal(countSignificantLines('  a\n\n   \n b \r\n'), 2);
    const m = measureSurvival('if (x) {\n  y();\n}\n', '  if (x) {\n    y();\n  }\n');
    assert.equal(m.acceptedLines, 3, 're-indented lines still count');
  });

  it('large texts: aligned by lines, refined by characters, and equal to the exact measure when hunks are small', () => {
    const pair = REF.pairs.find((p) => p.name === 'rename-variable')!;
    const exact = measureSurvival(pair.inserted, pair.current);
    // A product cap below the texts' size forces the line-first path; each changed hunk is a line pair.
    const lineFirst = measureSurvival(pair.inserted, pair.current, 5_000);
    assert.equal(lineFirst.method, 'chars');
    assert.equal(lineFirst.ratio, exact.ratio);
    const reindent = REF.pairs.find((p) => p.name === 'reindent')!;
    assert.equal(measureSurvival(reindent.inserted, reindent.current, 5_000).ratio, reindent.difflib_ratio);
  });

  it('a rewritten hunk above the cap counts no common characters and says so', () => {
    const a = 'x'.repeat(50) + '\n' + 'abcdefghij'.repeat(30) + '\n';
    const b = 'x'.repeat(50) + '\n' + 'jihgfedcba'.repeat(30) + '\n';
    const m = measureSurvival(a, b, 10_000);
    assert.equal(m.method, 'capped');
    // Only the first line (51 chars) is in common: 2·51 / (352 + 352).
    assert.equal(m.ratio, (2 * 51) / (352 + 352));
  });
});
