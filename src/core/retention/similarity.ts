import diffSequences from '@jest/diff-sequences';

/**
 * How much of an inserted block survives in the text now at its place. Definitions (README.md here):
 * - Texts are compared after normalizing line endings (`\r\n` and `\r` to `\n`), so CRLF files measure the
 *   same as LF files.
 * - `ratio` = 2·M / T, T = the two texts' lengths in Unicode code points, M = characters in common (difflib's
 *   `SequenceMatcher.ratio()` formula; 1 when both are empty). M is the longest common subsequence of
 *   characters (Myers' algorithm from `@jest/diff-sequences`) when the texts are small enough
 *   (`HUNK_PRODUCT_CAP`); larger texts are aligned by lines first and refined by characters inside each
 *   changed hunk, and a hunk still too large counts no common characters (it was rewritten, not edited),
 *   so the cost stays bounded; `method` says so. difflib's Ratcliff–Obershelp matching finds at most the
 *   LCS, so this ratio is equal to or slightly above difflib's (see the cross-check fixture).
 * - `acceptedLines` = size of the multiset intersection of the two texts' lines, each trimmed, empty ones
 *   dropped: a line of the insertion counts once for each copy of it still present.
 */
export interface Survival {
  ratio: number;
  acceptedLines: number;
  /** Trimmed non-empty lines of the inserted text. */
  insertedLines: number;
  /** Trimmed non-empty lines of the current text. */
  currentLines: number;
  /** `identical` (no diff needed), `chars` (exact), `capped` (some hunk too large for the character pass). */
  method: 'identical' | 'chars' | 'capped';
}

/**
 * Above this product of two texts' lengths (code points) a character diff is not run on them whole: the
 * texts are aligned by lines first, and a changed hunk above it counts no common characters.
 */
export const HUNK_PRODUCT_CAP = 1_000_000;

/**
 * The one meaning of the event column `diff_ratio` (issue 13 §4), word for word in docs/events.md,
 * docs/export.md and the export's column description (a test keeps them in step): the survival ratio
 * below, at the insertion's latest checkpoint. Higher means more of the AI's text kept.
 */
export const DIFF_RATIO_DEFINITION =
  "How much of an AI insertion is still there at its latest checkpoint: 2·M / T between the inserted text and the text now in its place (difflib's `SequenceMatcher.ratio()`; M = characters in common, T = both lengths). 1 = unchanged, 0 = deleted or rewritten entirely; accepted_flag = diff_ratio ≥ the accept threshold (0.7).";

/** `\r\n` and lone `\r` to `\n`. */
export function normalizeEol(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Measures `current` against `inserted` (raw document text; line endings are normalized here). */
export function measureSurvival(inserted: string, current: string, productCap = HUNK_PRODUCT_CAP): Survival {
  const a = normalizeEol(inserted);
  const b = normalizeEol(current);
  const la = significantLines(a);
  const lb = significantLines(b);
  const acceptedLines = multisetOverlap(la, lb);
  if (a === b) return { ratio: 1, acceptedLines, insertedLines: la.length, currentLines: lb.length, method: 'identical' };
  const { matched, capped } = commonChars(a, b, productCap);
  const total = codePoints(a) + codePoints(b);
  return {
    ratio: total === 0 ? 1 : (2 * matched) / total,
    acceptedLines,
    insertedLines: la.length,
    currentLines: lb.length,
    method: capped ? 'capped' : 'chars',
  };
}

/** Trimmed, non-empty lines of an already normalized text. */
export function significantLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t) out.push(t);
  }
  return out;
}

/** Trimmed non-empty lines of raw text (the `lines_added` of an insertion). */
export function countSignificantLines(text: string): number {
  return significantLines(normalizeEol(text)).length;
}

function multisetOverlap(a: string[], b: string[]): number {
  if (!a.length || !b.length) return 0;
  const counts = new Map<string, number>();
  for (const l of a) counts.set(l, (counts.get(l) ?? 0) + 1);
  let n = 0;
  for (const l of b) {
    const c = counts.get(l);
    if (c) {
      n += 1;
      counts.set(l, c - 1);
    }
  }
  return n;
}

/** Lines with their terminator kept, so joined lines reproduce the text and lengths add up. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Number of code points (Python's `len` of a str, which difflib's ratio uses). */
export function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

/**
 * Characters in common. Texts small enough for an exact character LCS get one; larger ones are aligned by
 * lines first (lines compared without leading/trailing whitespace, so re-indented code still aligns), then
 * each aligned line pair and each changed hunk is diffed by characters.
 */
function commonChars(a: string, b: string, productCap: number): { matched: number; capped: boolean } {
  const whole = charLcs(a, b, productCap);
  if (!whole.capped) return whole;
  const al = splitLines(a);
  const bl = splitLines(b);
  const at = al.map((l) => l.trim());
  const bt = bl.map((l) => l.trim());
  let matched = 0;
  let capped = false;
  let ai = 0;
  let bi = 0;
  const hunk = (aEnd: number, bEnd: number): void => {
    if (ai < aEnd && bi < bEnd) {
      const r = charLcs(al.slice(ai, aEnd).join(''), bl.slice(bi, bEnd).join(''), productCap);
      matched += r.matched;
      capped ||= r.capped;
    }
  };
  diffSequences(
    al.length,
    bl.length,
    (i, j) => at[i] === bt[j],
    (n, aStart, bStart) => {
      hunk(aStart, bStart);
      for (let k = 0; k < n; k++) {
        const x = al[aStart + k]!;
        const y = bl[bStart + k]!;
        // Same trimmed content: only surrounding whitespace can differ, so the pair's LCS is small to compute.
        matched += x === y ? codePoints(x) : charLcs(x, y, Number.POSITIVE_INFINITY).matched;
      }
      ai = aStart + n;
      bi = bStart + n;
    },
  );
  hunk(al.length, bl.length);
  return { matched, capped };
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Longest common subsequence of code points, or 0 with `capped` when the hunk is too large. */
function charLcs(a: string, b: string, productCap: number): { matched: number; capped: boolean } {
  const x: string | string[] = SURROGATE.test(a) ? Array.from(a) : a;
  const y: string | string[] = SURROGATE.test(b) ? Array.from(b) : b;
  if (x.length * y.length > productCap) return { matched: 0, capped: true };
  let matched = 0;
  diffSequences(
    x.length,
    y.length,
    (i, j) => x[i] === y[j],
    (n) => {
      matched += n;
    },
  );
  return { matched, capped: false };
}
