/**
 * Picks a few keys out of a JSON object line without `JSON.parse` of the whole line: transcript lines carry
 * prompts, thinking and tool output (often hundreds of KB) beside the few fields ProdLens reads. The picker
 * walks the object's top level (and the sub-objects the spec names), jumping over strings with a native
 * byte search, and parses only the wanted values with `JSON.parse`, so what it returns is exactly what
 * `JSON.parse` of the whole line would hold under those keys (the last copy of a repeated key wins, as
 * there). Values that are not picked are skipped by structure only: their insides are not validated. Any
 * structural surprise (a torn line, a missing colon, trailing bytes) returns null, and the caller parses the
 * line in full, which then reports the error.
 */

/** Which keys to pick: `true` parses the value; a nested spec picks inside an object value. */
export interface PickSpec {
  [key: string]: true | PickSpec;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;

class Malformed extends Error {}
const MALFORMED = new Malformed('malformed');

function ws(buf: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
  }
  return i;
}

/** Index just past the string whose opening quote is at `i`. */
function skipString(buf: Buffer, i: number, end: number): number {
  let q = i;
  for (;;) {
    q = buf.indexOf(QUOTE, q + 1);
    if (q === -1 || q >= end) throw MALFORMED;
    // An odd number of backslashes before the quote escapes it.
    let b = q - 1;
    while (buf[b] === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
  }
}

/** Index just past the value starting at `i` (whitespace already skipped). */
function skipValue(buf: Buffer, i: number, end: number): number {
  const c = buf[i];
  if (c === QUOTE) return skipString(buf, i, end);
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    for (; i < end; i++) {
      const b = buf[i]!;
      if (b === QUOTE) i = skipString(buf, i, end) - 1;
      else if (b === LBRACE || b === LBRACKET) depth++;
      else if (b === RBRACE || b === RBRACKET) {
        if (--depth === 0) return i + 1;
      }
    }
    throw MALFORMED;
  }
  // A number, true, false or null: up to the next delimiter.
  const from = i;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === COMMA || b === RBRACE || b === RBRACKET || b === 32 || b === 10 || b === 13 || b === 9) break;
  }
  if (i === from) throw MALFORMED;
  return i;
}

function keyOf(buf: Buffer, from: number, to: number): string {
  // Keys are short ASCII in practice; anything else is decoded exactly.
  for (let k = from + 1; k < to - 1; k++) {
    const b = buf[k]!;
    if (b === BACKSLASH || b >= 128) return JSON.parse(buf.toString('utf8', from, to)) as string;
  }
  return buf.toString('latin1', from + 1, to - 1);
}

/** Picks from the object at `i`; returns the index past it. */
function pickObject(buf: Buffer, i: number, end: number, spec: PickSpec, out: Record<string, unknown>): number {
  if (buf[i] !== LBRACE) throw MALFORMED;
  i = ws(buf, i + 1, end);
  if (buf[i] === RBRACE) return i + 1;
  for (;;) {
    if (buf[i] !== QUOTE) throw MALFORMED;
    const keyEnd = skipString(buf, i, end);
    const key = keyOf(buf, i, keyEnd);
    i = ws(buf, keyEnd, end);
    if (buf[i] !== COLON) throw MALFORMED;
    i = ws(buf, i + 1, end);
    if (i >= end) throw MALFORMED;
    const want = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (want === undefined) {
      i = skipValue(buf, i, end);
    } else if (want !== true && buf[i] === LBRACE) {
      const sub: Record<string, unknown> = {};
      i = pickObject(buf, i, end, want, sub);
      out[key] = sub;
    } else {
      const to = skipValue(buf, i, end);
      out[key] = JSON.parse(buf.toString('utf8', i, to)) as unknown;
      i = to;
    }
    i = ws(buf, i, end);
    const c = buf[i];
    if (c === RBRACE) return i + 1;
    if (c !== COMMA) throw MALFORMED;
    i = ws(buf, i + 1, end);
  }
}

/**
 * The wanted keys of the JSON object in `buf[start, end)`, or null when the line is not a well-formed object
 * at the levels walked (the caller then parses it in full). Keys absent from the line are absent from the
 * result; a nested spec whose key holds a non-object value gets that value parsed as is.
 */
export function pick(buf: Buffer, start: number, end: number, spec: PickSpec): Record<string, unknown> | null {
  try {
    const out: Record<string, unknown> = {};
    const i = pickObject(buf, ws(buf, start, end), end, spec, out);
    return ws(buf, i, end) === end ? out : null;
  } catch (err) {
    if (err === MALFORMED || err instanceof SyntaxError) return null;
    throw err;
  }
}
