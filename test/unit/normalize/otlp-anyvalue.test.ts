import assert from 'node:assert/strict';
import { attrBool, decodeAnyValue, flattenAttributes } from '../../../src/core/normalize/otlp-anyvalue';

describe('OTLP AnyValue decoding', () => {
  it('decodes every AnyValue kind, with intValue as a number or a decimal string', () => {
    const m = flattenAttributes([
      { key: 's', value: { stringValue: 'text' } },
      { key: 'i_num', value: { intValue: 42 } },
      { key: 'i_str', value: { intValue: '42' } },
      { key: 'i_big', value: { intValue: '9223372036854775807' } },
      { key: 'd', value: { doubleValue: 0.25 } },
      { key: 'd_str', value: { doubleValue: '0.25' } },
      { key: 'd_nan', value: { doubleValue: 'NaN' } },
      { key: 'b', value: { boolValue: false } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
      { key: 'bytes', value: { bytesValue: 'AQID' } },
      {
        key: 'meta',
        value: {
          kvlistValue: {
            values: [
              { key: 'x', value: { intValue: 1 } },
              { key: 'y', value: { kvlistValue: { values: [{ key: 'z', value: { boolValue: true } }] } } },
            ],
          },
        },
      },
      { key: 'empty', value: {} },
      { value: { stringValue: 'no key' } },
      null,
    ]);
    assert.deepEqual(Object.fromEntries(m), {
      s: 'text',
      i_num: 42,
      i_str: 42,
      i_big: '9223372036854775807',
      d: 0.25,
      d_str: 0.25,
      d_nan: 'NaN',
      b: false,
      arr: ['a', 1],
      bytes: 'AQID',
      'meta.x': 1,
      'meta.y.z': true,
      empty: null,
    });
  });

  it('gives null for anything that is not an AnyValue, and stops at a nesting limit', () => {
    for (const bad of [null, 5, 'x', [], { intValue: {} }, { stringValue: 3 }]) assert.equal(decodeAnyValue(bad), null);
    let deep: unknown = { stringValue: 'bottom' };
    for (let i = 0; i < 50; i++) deep = { kvlistValue: { values: [{ key: 'k', value: deep }] } };
    const m = flattenAttributes([{ key: 'root', value: deep }]);
    assert.ok(
      [...m.keys()].every((k) => k.split('.').length < 12),
      'flattening stops at the depth limit',
    );
  });

  it('reads booleans sent as text', () => {
    assert.equal(attrBool('true'), true);
    assert.equal(attrBool(' False '), false);
    assert.equal(attrBool('yes'), null);
  });
});
