import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter, ValueSplitter, type Piece } from '../../../src/sources/json-split';

/** Cuts text at the given (sorted, deduplicated) offsets, as a stream delivers it. */
function chunks(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(text.slice(prev, p));
    prev = p;
  }
  out.push(text.slice(prev));
  return out;
}

function run(splitter: { push(c: string): void; end(): void }, parts: string[]): void {
  for (const p of parts) splitter.push(p);
  splitter.end();
}

/** JSON values whose strings contain brackets, quotes, escapes and newlines — what trips naive scanners. */
const tricky = fc.jsonValue({ maxDepth: 4 }).map((v) => ({ v, note: 'a]}"\\\n{[' }));

describe('JSON splitters', () => {
  it('ValueSplitter yields exactly the elements of a top-level array, however the text is chunked', () => {
    fc.assert(
      fc.property(fc.array(tricky, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (items, cuts, pretty) => {
        const text = pretty ? JSON.stringify(items, null, 2) : JSON.stringify(items);
        const got: Piece[] = [];
        run(new ValueSplitter((p) => got.push(p), 1 << 20), chunks(text, cuts));
        // Compared as JSON text: JSON has no -0, and a parsed -0 would fail a strict deepEqual against 0.
        assert.equal(JSON.stringify(got.map((p) => JSON.parse(p.text!))), JSON.stringify(items));
      }),
      { numRuns: 300 },
    );
  });

  it('ValueSplitter yields a sequence of top-level documents (pretty or concatenated), with their start lines', () => {
    fc.assert(
      fc.property(fc.array(tricky, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (docs, cuts) => {
        const text = docs.map((d) => JSON.stringify(d, null, 1)).join('\n');
        const got: Piece[] = [];
        run(new ValueSplitter((p) => got.push(p), 1 << 20), chunks(text, cuts));
        assert.equal(JSON.stringify(got.map((p) => JSON.parse(p.text!))), JSON.stringify(docs));
        let line = 1;
        docs.forEach((d, i) => {
          assert.equal(got[i]!.line, line);
          line += JSON.stringify(d, null, 1).split('\n').length;
        });
      }),
      { numRuns: 300 },
    );
  });

  it('LineSplitter yields each non-blank line with its number, however the text is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            tricky.map((t) => JSON.stringify(t)),
            fc.constant(''),
            fc.constant('  \r'),
          ),
          { maxLength: 20 },
        ),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, cuts) => {
          const text = lines.join('\n');
          const got: Piece[] = [];
          run(new LineSplitter((p) => got.push(p), 1 << 20), chunks(text, cuts));
          const want = lines.map((l, i) => ({ text: l.trim(), line: i + 1 })).filter((p) => p.text);
          assert.deepEqual(got, want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports a value left open at the end of the text as truncated', () => {
    const got: Piece[] = [];
    run(new ValueSplitter((p) => got.push(p), 1 << 20), ['[{"a":1},\n{"b":']);
    assert.deepEqual(
      got.map((p) => p.text ?? p.problem),
      ['{"a":1}', 'truncated JSON: the file ends inside a value'],
    );
    assert.equal(got[1]!.line, 2);
  });
});
