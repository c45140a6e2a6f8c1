import { createHmac } from 'node:crypto';
import { normalizeDeveloperId } from '../normalize/ids';

/** Shortest team secret accepted: a guessable key would let anyone reverse the pseudonyms of known emails. */
export const MIN_SECRET_LENGTH = 16;

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * Keyed pseudonyms for identities: HMAC-SHA256 of the identity under the team secret, hex, first 32
 * characters (128 bits). Emails are lower-cased first (as developer_id is), so the same person gets the same
 * pseudonym in events, commits and pull requests, and on every machine that uses the same secret — the
 * central team can join and count per person without seeing who it is. Without the secret the mapping cannot
 * be recomputed from a list of known emails.
 */
export class Pseudonymizer {
  private readonly cache = new Map<string, string>();
  /** Identifies the secret without revealing it, so the team can check every export used the same one. */
  readonly keyId: string;

  constructor(private readonly secret: string) {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the team secret must be at least ${MIN_SECRET_LENGTH} characters`);
    this.keyId = createHmac('sha256', secret).update('prodlens-export-key-id').digest('hex').slice(0, 12);
  }

  /** The pseudonym of an identity. */
  readonly pseudonym = (identity: string): string => {
    let p = this.cache.get(identity);
    if (p === undefined) {
      const normalized = normalizeDeveloperId(identity.trim()) ?? identity;
      p = createHmac('sha256', this.secret).update(normalized).digest('hex').slice(0, 32);
      this.cache.set(identity, p);
    }
    return p;
  };

  /** Replaces every email inside free text (the attrs JSON) by its pseudonym. */
  readonly scrubText = (text: string): string => (text.includes('@') ? text.replace(EMAIL_RE, (email) => this.pseudonym(email)) : text);
}
