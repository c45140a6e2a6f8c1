import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as v from 'valibot';
import { isValidPayload, LiteLlmPayloadSchema } from '../../../src/core/normalize/litellm';
import { isValidEvent, ProdLensEventSchema } from '../../../src/core/normalize/prodlens-event';
import { fixture } from './helpers';

/** Values of every JSON type, and typical near-misses. */
const anyValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 4 }),
  fc.constantFrom('x'.repeat(257), 'y'.repeat(1025), ''),
  fc.constantFrom(...['request', 'edit', 'chat', 'editor', 'prodlens', 'nowhere']),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Objects built from a valid example by replacing, removing or adding keys (nested objects too). */
function variants(base: Record<string, unknown>, extraKeys: string[]) {
  const keys = [...Object.keys(base), ...extraKeys];
  return fc.array(fc.tuple(fc.constantFrom(...keys), anyValue, fc.nat(3)), { maxLength: 4 }).map((edits) => {
    const o: Record<string, unknown> = JSON.parse(JSON.stringify(base));
    for (const [k, val, op] of edits) {
      if (op === 0) delete o[k];
      else if (op === 3 && o[k] && typeof o[k] === 'object' && !Array.isArray(o[k])) {
        const inner = o[k] as Record<string, unknown>;
        const ik = Object.keys(inner)[0] ?? 'x';
        inner[ik] = val;
      } else o[k] = val;
    }
    return o;
  });
}

describe('fast validity checks agree with the valibot schemas', () => {
  it('LiteLLM payload', () => {
    const base = (fixture('litellm/payloads-json-array.json') as Array<Record<string, unknown>>)[1]!;
    assert.ok(isValidPayload(base));
    const seen = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(variants(base, ['unknown_field']), (o) => {
        const ok = isValidPayload(o);
        seen[ok ? 'valid' : 'invalid']++;
        assert.equal(ok, v.is(LiteLlmPayloadSchema, o), JSON.stringify(o).slice(0, 300));
      }),
      { numRuns: 2000 },
    );
    assert.ok(seen.valid > 100 && seen.invalid > 100, `both verdicts exercised: ${JSON.stringify(seen)}`);
  });

  it('ProdLens event', () => {
    const events = fixture('prodlens/events.json') as Array<Record<string, unknown>>;
    for (const e of events) assert.ok(isValidEvent(e));
    const seen = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...events), fc.nat(), (e, seed) => {
        const o = fc.sample(variants(e, ['token_in', 'event_id', 'source', 'attrs', 'kind']), { numRuns: 1, seed })[0]!;
        const ok = isValidEvent(o);
        seen[ok ? 'valid' : 'invalid']++;
        assert.equal(ok, v.is(ProdLensEventSchema, o), JSON.stringify(o).slice(0, 300));
      }),
      { numRuns: 2000 },
    );
    assert.ok(seen.valid > 100 && seen.invalid > 100, `both verdicts exercised: ${JSON.stringify(seen)}`);
  });
});
