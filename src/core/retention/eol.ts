/**
 * Maps offsets of a document whose line endings changed (VS Code's "Change End of Line Sequence" reports
 * no content change, yet every offset after the first line break moves). `lineLengths` are the lengths of
 * the document's lines without their break; `from`/`to` are the break widths before and after (1 for LF,
 * 2 for CRLF).
 */
export function eolOffsetMapper(lineLengths: readonly number[], from: 1 | 2, to: 1 | 2): (offset: number) => number {
  const oldStarts: number[] = [];
  let s = 0;
  for (const len of lineLengths) {
    oldStarts.push(s);
    s += len + from;
  }
  return (offset) => {
    let lo = 0;
    let hi = oldStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (oldStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const col = offset - (oldStarts[lo] ?? 0);
    const len = lineLengths[lo] ?? 0;
    // Within the old break: its start maps to the new break's start, its end to the new break's end.
    const mappedCol = col <= len ? col : len + (col - len >= from ? to : 0);
    return (oldStarts[lo] ?? 0) + lo * (to - from) + mappedCol;
  };
}
