import diffSequences from '@jest/diff-sequences';
import type { Region } from './region';
import { HUNK_PRODUCT_CAP } from './similarity';

/** Shortest run of unchanged characters that anchors a region inside a replacement window. */
const MIN_ANCHOR_CHARS = 8;

/**
 * Re-anchors a pending region (see `Region`) off the typing path. A replacement covered the whole region
 * (a file reloaded from disk replaces the lines from the first to the last that differ, so an untouched
 * region between two edited lines is covered too); `pendingText` is the region's text before it and `text`
 * the window now. The region becomes the span of the window from the first to the last run of text it
 * shares with `pendingText` (runs of at least 8 characters, extended over characters that continue them
 * unchanged, or runs of whole non-blank lines for large texts);
 * edited text at the very edges of the region therefore counts as deleted. With no shared run the region
 * is detached: its text was replaced.
 */
export function reanchor(r: Region, now: number): void {
  const old = r.pendingText;
  if (old === null) return;
  const win = r.text;
  r.pendingText = null;
  r.version += 1;
  const span = anchorSpan(old, win);
  if (!span) {
    r.text = old;
    r.detach(now);
    return;
  }
  r.text = win.slice(span[0], span[1]);
  r.start += span[0];
  r.end = r.start + r.text.length;
}

/** `[from, to)` of `win` spanned by the runs it shares with `old`, or null when it shares none. */
export function anchorSpan(old: string, win: string): [number, number] | null {
  const exact = win.indexOf(old);
  if (old.length && exact >= 0) return [exact, exact + old.length];
  if (old.length * win.length <= HUNK_PRODUCT_CAP) {
    const minRun = Math.min(MIN_ANCHOR_CHARS, old.length);
    let first: [number, number] | null = null;
    let last: [number, number] | null = null;
    diffSequences(
      old.length,
      win.length,
      (i, j) => old.charCodeAt(i) === win.charCodeAt(j),
      (n, i, j) => {
        if (n < minRun || !win.slice(j, j + n).trim()) return;
        first ??= [i, j];
        last = [i + n, j + n];
      },
    );
    if (!first || !last) return null;
    // An LCS may pair a boundary character with a later copy of it; extend the span over text that
    // continues the first and last runs unchanged.
    let [oi, from] = first as [number, number];
    while (oi > 0 && from > 0 && old.charCodeAt(oi - 1) === win.charCodeAt(from - 1)) {
      oi -= 1;
      from -= 1;
    }
    let [oe, to] = last as [number, number];
    while (oe < old.length && to < win.length && old.charCodeAt(oe) === win.charCodeAt(to)) {
      oe += 1;
      to += 1;
    }
    return [from, to];
  }
  const ol = lineSpans(old);
  const wl = lineSpans(win);
  let from = -1;
  let to = -1;
  diffSequences(
    ol.length,
    wl.length,
    (i, j) => ol[i]!.key === wl[j]!.key,
    (n, _i, j) => {
      for (let k = j; k < j + n; k++) {
        if (!wl[k]!.key) continue;
        if (from < 0) from = wl[k]!.from;
        to = wl[k]!.to;
      }
    },
  );
  return from < 0 ? null : [from, to];
}

function lineSpans(text: string): Array<{ key: string; from: number; to: number }> {
  const out: Array<{ key: string; from: number; to: number }> = [];
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    out.push({ key: text.slice(start, nl).trim(), from: start, to: Math.min(nl + 1, text.length) });
    start = nl + 1;
  }
  return out;
}
