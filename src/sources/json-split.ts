/**
 * Incremental splitters that cut a stream of text chunks into JSON texts without parsing them, so files of
 * any size are read in bounded memory: one by lines (NDJSON / JSON lines) and one by top-level values
 * (pretty-printed documents, concatenated documents, and top-level arrays, which are split into their
 * elements). Each piece is reported with the 1-based line it starts on; pieces longer than `maxBytes`
 * are reported as too large instead of being kept.
 */

export interface Piece {
  /** The JSON text, or null when it was dropped for exceeding the limit or is not JSON-shaped. */
  text: string | null;
  line: number;
  /** Why `text` is null. */
  problem?: string;
}

export type PieceSink = (piece: Piece) => void;

/** Splits on `\n` (a trailing `\r` is trimmed with the rest of the whitespace); blank lines are skipped. */
export class LineSplitter {
  private carry = '';
  private line = 0;
  private dropping = false;

  constructor(
    private readonly sink: PieceSink,
    private readonly maxBytes: number,
  ) {}

  push(chunk: string): void {
    let start = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1) {
      this.line++;
      if (this.dropping) {
        this.dropping = false;
        this.carry = '';
      } else {
        const text = this.carry ? this.carry + chunk.slice(start, nl) : chunk.slice(start, nl);
        this.carry = '';
        this.emit(text);
      }
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length && !this.dropping) {
      this.carry += chunk.slice(start);
      if (this.carry.length > this.maxBytes) {
        this.sink({ text: null, line: this.line + 1, problem: `line longer than ${this.maxBytes} characters` });
        this.carry = '';
        this.dropping = true;
      }
    }
  }

  end(): void {
    if (!this.dropping && this.carry) {
      this.line++;
      this.emit(this.carry);
    }
    this.carry = '';
  }

  private emit(text: string): void {
    if (text.length > this.maxBytes) {
      this.sink({ text: null, line: this.line, problem: `line longer than ${this.maxBytes} characters` });
      return;
    }
    const t = text.trim();
    if (t) this.sink({ text: t, line: this.line });
  }
}

const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09 || c === 0xfeff;
}

/**
 * Splits a sequence of top-level JSON values; a top-level array is split into its elements. The scanner
 * only tracks strings and brackets, so a malformed element still ends where its brackets balance and the
 * rest of the file stays in step. Text outside any value is reported per line as not JSON.
 */
export class ValueSplitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  private inTopArray = false;
  /** Depth at which the current piece started (1 for top-level values, 2 for array elements). */
  private pieceDepth = 0;
  private parts: string[] = [];
  private size = 0;
  private tooLarge = false;
  private collecting = false;
  private scalar = false;
  private line = 1;
  private pieceLine = 1;
  private junkLine = 0;

  constructor(
    private readonly sink: PieceSink,
    private readonly maxBytes: number,
  ) {}

  push(chunk: string): void {
    let from = this.collecting ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (this.collecting && this.scalar && (c === COMMA || c === CLOSE_ARR || isSpace(c))) {
        this.finish(chunk, from, i);
        from = -1;
        if (c === CLOSE_ARR) this.closeTopArray();
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (!this.collecting) from = this.begin(i, true);
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (this.depth === 0 && c === OPEN_ARR) {
          this.depth = 1;
          this.inTopArray = true;
          continue;
        }
        if (!this.collecting) from = this.begin(i, false);
        this.depth++;
        continue;
      }
      if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if (this.inTopArray && this.depth === 1) {
          this.closeTopArray();
          continue;
        }
        if (this.depth === 0) {
          this.junk();
          continue;
        }
        this.depth--;
        if (this.collecting && this.depth === this.pieceDepth - 1) {
          this.finish(chunk, from, i + 1);
          from = -1;
        }
        continue;
      }
      if (isSpace(c) || (c === COMMA && this.inTopArray && this.depth === 1)) continue;
      if (!this.collecting) {
        if (this.inTopArray && this.depth === 1) from = this.begin(i, true);
        else if (this.depth === 0) this.junk();
      }
    }
    if (this.collecting && from >= 0) this.keep(chunk.slice(from));
  }

  end(): void {
    if (this.collecting && this.scalar) {
      this.collecting = false;
      this.emit();
    } else if (this.collecting || this.inTopArray) {
      this.sink({ text: null, line: this.collecting ? this.pieceLine : this.line, problem: 'truncated JSON: the file ends inside a value' });
    }
    this.collecting = false;
    this.parts = [];
  }

  private begin(i: number, scalar: boolean): number {
    this.collecting = true;
    this.scalar = scalar;
    this.pieceDepth = this.depth + 1;
    this.pieceLine = this.line;
    this.parts = [];
    this.size = 0;
    this.tooLarge = false;
    return i;
  }

  private keep(text: string): void {
    if (this.tooLarge) return;
    this.size += text.length;
    if (this.size > this.maxBytes) {
      this.tooLarge = true;
      this.parts = [];
    } else this.parts.push(text);
  }

  private finish(chunk: string, from: number, to: number): void {
    if (from >= 0) this.keep(chunk.slice(from, to));
    this.collecting = false;
    this.emit();
  }

  private emit(): void {
    if (this.tooLarge) this.sink({ text: null, line: this.pieceLine, problem: `JSON value longer than ${this.maxBytes} characters` });
    else this.sink({ text: this.parts.join(''), line: this.pieceLine });
    this.parts = [];
  }

  /** Reports text outside any value, once per line. */
  private junk(): void {
    if (this.junkLine === this.line) return;
    this.junkLine = this.line;
    this.sink({ text: null, line: this.line, problem: 'text outside any JSON value' });
  }

  private closeTopArray(): void {
    this.inTopArray = false;
    this.depth = 0;
  }
}
