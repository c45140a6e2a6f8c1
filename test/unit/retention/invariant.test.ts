import assert from 'node:assert/strict';
import fc from 'fast-check';
import { reanchor } from '../../../src/core/retention/reanchor';
import type { ContentChange } from '../../../src/core/retention/region';
import { SimDoc } from './sim';

const ALPHABET = ['a', 'b', ' ', '\n', 'let x = 1;\n', '\r\n', '}'];

/** A random edit against a document of length `len`: insert, delete or replace, anywhere. */
function arbChange(len: number): fc.Arbitrary<ContentChange> {
  return fc
    .tuple(fc.nat({ max: len }), fc.nat({ max: 12 }), fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 }))
    .map(([at, n, parts]) => ({ rangeOffset: at, rangeLength: Math.min(n, len - at), text: parts.join('') }));
}

describe('retention: tracker invariant over random edit sequences', () => {
  it('a region that is not deleted always holds exactly the document text at its offsets', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 })), { minLength: 1, maxLength: 3 }),
            fc.boolean(),
          ),
          { maxLength: 40 },
        ),
        (steps) => {
          const d = new SimDoc('head\nlet x = 1;\nmiddle\nlet y = 2;\ntail\n');
          const r1 = d.insertAi(5, 'AI one\nAI two\n', 'a');
          const r2 = d.insertAi(d.text.length - 5, 'second block\n', 'b');
          for (const [raw, doReanchor] of steps) {
            // Build the event's changes sequentially so each offset is valid for the text left by the previous.
            let len = d.text.length;
            const changes: ContentChange[] = [];
            for (const [at, n, parts] of raw) {
              const off = at % (len + 1);
              const c = { rangeOffset: off, rangeLength: Math.min(n, len - off), text: parts.join('') };
              changes.push(c);
              len += c.text.length - c.rangeLength;
            }
            d.now += 1000;
            d.event(changes);
            for (const r of [r1, r2]) {
              if (doReanchor && r.pendingText !== null) reanchor(r, d.now);
              if (!r.detached) assert.equal(d.at(r), r.text);
              else assert.equal(r.start, r.end);
              assert.ok(r.start >= 0 && r.end <= d.text.length);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('arbitrary single changes keep offsets inside the document', () => {
    fc.assert(
      fc.property(fc.array(arbChange(40), { maxLength: 30 }), (changes) => {
        const d = new SimDoc('0123456789'.repeat(4));
        const r = d.insertAi(10, 'XXXXXXXXXX');
        for (const c of changes) {
          const off = Math.min(c.rangeOffset, d.text.length);
          d.event([{ rangeOffset: off, rangeLength: Math.min(c.rangeLength, d.text.length - off), text: c.text }]);
          if (r.pendingText !== null) reanchor(r, d.now);
          if (!r.detached) assert.equal(d.at(r), r.text);
        }
      }),
      { numRuns: 300 },
    );
  });
});
