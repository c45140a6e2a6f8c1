import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new collector token: 32 random bytes, base64url (43 characters, safe in headers and env values). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Shortest token accepted, so a typo like `--token 1` does not leave the collector guessable. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Whether an `Authorization` header carries `Bearer <token>`. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of the guess (timingSafeEqual needs equal lengths).
 */
export function checkBearer(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  const given = createHash('sha256')
    .update(m?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && m !== null;
}
