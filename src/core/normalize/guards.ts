/**
 * Tiny type tests shared by the hand-written fast paths that mirror the valibot schemas (litellm.ts,
 * prodlens-event.ts). valibot remains the specification and the source of error messages; the fast
 * paths only decide "valid" quickly on the hot path, and unit tests check they agree with the schemas.
 */

export const isNullish = (x: unknown): x is null | undefined => x === null || x === undefined;
/** valibot `object`/`record` accept any non-null object (arrays included). */
export const isObjectLike = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object';
export const isNum = (x: unknown): boolean => typeof x === 'number' && !Number.isNaN(x);
export const isNumLike = (x: unknown): boolean => isNum(x) || typeof x === 'string';
export const nullishStr = (x: unknown): boolean => isNullish(x) || typeof x === 'string';
export const nullishNumLike = (x: unknown): boolean => isNullish(x) || isNumLike(x);
export const nullishBool = (x: unknown): boolean => isNullish(x) || typeof x === 'boolean';
