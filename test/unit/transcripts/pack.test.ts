import assert from 'node:assert/strict';
import { pack, unpack } from '../../../src/sources/transcripts/pack';

describe('transcripts: records packed for the reading thread', () => {
  it('come back equal: numbers, null, undefined, missing keys, strings, booleans, objects, missing records', () => {
    const rows = [
      { a: 1, b: 'x', c: null, d: undefined, e: { k: [1, 'two'] }, f: true },
      undefined,
      { a: -0, b: 'x', e: { k: [] }, f: false, g: 1e300 },
      { b: 'y', a: Number.NaN, c: 0.1 + 0.2, h: '' },
    ];
    const back = unpack(structuredClone(pack(rows)));
    assert.deepEqual(back, rows);
    assert.ok(Object.is((back[2] as { a: number }).a, -0));
    assert.ok(!('d' in (back[2] as object)) && 'd' in (back[0] as object));
    // Objects are not shared between records.
    assert.notEqual((back[0] as { e: object }).e, (back[2] as { e: object }).e);
  });
});
