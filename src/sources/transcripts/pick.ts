/**
 * Picks a few keys out of a JSON object line without `JSON.parse` of the whole line: transcript lines carry
 * prompts, thinking and tool output (often hundreds of KB) beside the few fields ProdLens reads. The picker
 * walks the object's top level (and the sub-objects the spec names) in JavaScript, jumping over long strings
 * with a native byte search, copies the wanted keys and values (raw bytes, escapes and all) into a small
 * object text and parses that once with `JSON.parse`, so what it returns is exactly what `JSON.parse` of the
 * whole line would hold under those keys (the last copy of a repeated key wins, as there). Values that are not picked are skipped by structure only: their insides are not validated. Any
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

/** A spec level with its keys as bytes, grouped by length, so keys are matched without decoding them. */
interface Compiled {
  byLength: Map<number, Array<{ bytes: Uint8Array; name: string; sub: Compiled | null }>>;
  spec: PickSpec;
}

const compiled = new WeakMap<PickSpec, Compiled>();

function compile(spec: PickSpec): Compiled {
  let c = compiled.get(spec);
  if (c) return c;
  c = { byLength: new Map(), spec };
  for (const [name, want] of Object.entries(spec)) {
    // The key's text as JSON.stringify writes it (what a line written by JSON.stringify holds).
    const bytes = Buffer.from(JSON.stringify(name).slice(1, -1), 'utf8');
    const list = c.byLength.get(bytes.length) ?? [];
    list.push({ bytes, name, sub: want === true ? null : compile(want) });
    c.byLength.set(bytes.length, list);
  }
  compiled.set(spec, c);
  return c;
}

/** Growable output: the picked keys and values, copied as raw bytes. */
let out = Buffer.allocUnsafe(64 * 1024);
let outLen = 0;

function emit(buf: Buffer, from: number, to: number): void {
  const n = to - from;
  if (outLen + n + 8 > out.length) {
    const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, outLen + n + 8));
    out.copy(bigger, 0, 0, outLen);
    out = bigger;
  }
  if (n > 64) {
    buf.copy(out, outLen, from, to);
    outLen += n;
  } else {
    for (let k = from; k < to; k++) out[outLen++] = buf[k]!;
  }
}

function emitByte(b: number): void {
  if (outLen + 1 > out.length) {
    const bigger = Buffer.allocUnsafe(out.length * 2);
    out.copy(bigger, 0, 0, outLen);
    out = bigger;
  }
  out[outLen++] = b;
}

function ws(buf: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
  }
  return i;
}

/** Index just past the string whose opening quote is at `i`. */
function skipString(buf: Buffer, i: number, end: number): number {
  // Short strings (keys, ids, times) end within a few bytes: look in JavaScript first, a native search is a
  // call into C++ each time.
  const near = Math.min(end, i + 48);
  let k = i + 1;
  for (; k < near; k++) {
    const b = buf[k]!;
    if (b === QUOTE) return k + 1;
    if (b === BACKSLASH) break;
  }
  let q = k - 1;
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

/** The spec entry of the key whose quotes are at `from` and `to - 1`, or undefined. */
function match(buf: Buffer, from: number, to: number, spec: Compiled): { name: string; sub: Compiled | null } | undefined {
  const list = spec.byLength.get(to - from - 2);
  if (list === undefined) {
    // Keys written with other escapes than JSON.stringify's (rare): decode exactly.
    for (let k = from + 1; k < to - 1; k++) if (buf[k] === BACKSLASH) return slowMatch(buf, from, to, spec);
    return undefined;
  }
  for (const e of list) {
    const bytes = e.bytes;
    let k = 0;
    for (; k < bytes.length; k++) if (buf[from + 1 + k] !== bytes[k]) break;
    if (k === bytes.length) return e;
  }
  for (let k = from + 1; k < to - 1; k++) if (buf[k] === BACKSLASH) return slowMatch(buf, from, to, spec);
  return undefined;
}

function slowMatch(buf: Buffer, from: number, to: number, spec: Compiled): { name: string; sub: Compiled | null } | undefined {
  const key = JSON.parse(buf.toString('utf8', from, to)) as string;
  if (!Object.hasOwn(spec.spec, key)) return undefined;
  const want = spec.spec[key]!;
  return { name: key, sub: want === true ? null : compile(want) };
}

/** Walks the object at `i`, copying the wanted keys and values to the output; returns the index past it. */
function pickObject(buf: Buffer, i: number, end: number, spec: Compiled): number {
  if (buf[i] !== LBRACE) throw MALFORMED;
  emitByte(LBRACE);
  let first = true;
  i = ws(buf, i + 1, end);
  if (buf[i] === RBRACE) {
    emitByte(RBRACE);
    return i + 1;
  }
  for (;;) {
    if (buf[i] !== QUOTE) throw MALFORMED;
    const keyStart = i;
    const keyEnd = skipString(buf, i, end);
    const want = match(buf, keyStart, keyEnd, spec);
    i = ws(buf, keyEnd, end);
    if (buf[i] !== COLON) throw MALFORMED;
    i = ws(buf, i + 1, end);
    if (i >= end) throw MALFORMED;
    if (want === undefined) {
      i = skipValue(buf, i, end);
    } else {
      if (!first) emitByte(COMMA);
      first = false;
      emit(buf, keyStart, keyEnd);
      emitByte(COLON);
      if (want.sub !== null && buf[i] === LBRACE) {
        i = pickObject(buf, i, end, want.sub);
      } else {
        const to = skipValue(buf, i, end);
        emit(buf, i, to);
        i = to;
      }
    }
    i = ws(buf, i, end);
    const c = buf[i];
    if (c === RBRACE) {
      emitByte(RBRACE);
      return i + 1;
    }
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
  outLen = 0;
  try {
    const i = pickObject(buf, ws(buf, start, end), end, compile(spec));
    if (ws(buf, i, end) !== end) return null;
    return JSON.parse(out.toString('utf8', 0, outLen)) as Record<string, unknown>;
  } catch (err) {
    if (err === MALFORMED || err instanceof SyntaxError) return null;
    throw err;
  } finally {
    // A huge picked value (a file's text) does not keep a huge buffer alive.
    if (out.length > 1 << 20) out = Buffer.allocUnsafe(64 * 1024);
  }
}
