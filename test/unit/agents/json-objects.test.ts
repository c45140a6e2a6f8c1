import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { scanJsonObjects } from '../../../src/sources/agents/json-objects';
import { tempDir } from '../helpers/events';

describe('scanJsonObjects (telemetry files: pretty-printed or one object a line)', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => (tmp = tempDir('prodlens-objects-')));
  after(() => tmp.cleanup());
  const write = (name: string, text: string) => {
    const p = path.join(tmp.dir, name);
    writeFileSync(p, text);
    return p;
  };
  const scan = (p: string, from = 0, line = 1, limit = Infinity, max?: number) => {
    const got: Array<[string, number]> = [];
    const r = scanJsonObjects(p, from, line, Math.min(limit, Buffer.byteLength(require('node:fs').readFileSync(p))), (t, l) => void got.push([t, l]), max);
    return { got, r };
  };

  it('cuts concatenated pretty-printed objects, with braces and quotes inside strings and multi-byte text', () => {
    const a = JSON.stringify({ prompt: 'fix func main() { return } and the "quoted" bit \\ }', n: 1 }, null, 2);
    const b = JSON.stringify({ s: 'ünïcödé ✓ {', nested: { deep: [1, { x: '}' }] } }, null, 2);
    const p = write('a.log', `${a}\n${b}\n`);
    const { got, r } = scan(p);
    assert.deepEqual(
      got.map(([t]) => JSON.parse(t)),
      [JSON.parse(a), JSON.parse(b)],
    );
    assert.deepEqual(
      got.map(([, l]) => l),
      [1, a.split('\n').length + 1],
    );
    assert.equal(r.offset, Buffer.byteLength(`${a}\n${b}\n`));
    assert.deepEqual(r.junkLines, []);
  });

  it('leaves a half-written object for the next pass and resumes at the offset and line it returned', () => {
    const a = '{"a":1}\n';
    const b = '{\n  "b": "x{y"\n}\n';
    const p = write('b.log', a + b.slice(0, 9));
    const first = scan(p);
    assert.deepEqual([first.got.length, first.r.offset, first.r.line], [1, a.length, 2]);
    writeFileSync(p, a + b);
    const second = scan(p, first.r.offset, first.r.line);
    assert.deepEqual(second.got, [['{\n  "b": "x{y"\n}', 2]]);
  });

  it('reports text outside objects by line and skips oversized objects without losing the rest', () => {
    const p = write('c.log', `garbage line\n{"big":"${'x'.repeat(5000)}"}\n{"ok":true}\n`);
    const { got, r } = scan(p, 0, 1, Infinity, 1024);
    assert.deepEqual(
      got.map(([t]) => t),
      ['{"ok":true}'],
    );
    assert.deepEqual(r.junkLines, [1]);
    assert.deepEqual(r.oversized, [2]);
  });

  it('any JSON values, pretty or compact, are cut back exactly; no input throws', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })), { maxLength: 6 }), fc.boolean(), (objs, pretty) => {
        const text = objs.map((o) => JSON.stringify(o, null, pretty ? 2 : 0)).join('\n') + '\n';
        const p = write('p.log', text);
        const { got } = scan(p);
        assert.deepEqual(
          got.map(([t]) => JSON.parse(t) as unknown),
          objs.map((o) => JSON.parse(JSON.stringify(o)) as unknown),
        );
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const p = write('q.log', s);
        const { r } = scan(p);
        assert.ok(r.offset <= Buffer.byteLength(s));
      }),
      { numRuns: 200 },
    );
  });
});
