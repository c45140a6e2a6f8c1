/**
 * Session and developer ids: the documented attributes first (callers pass candidates in priority order),
 * then a regex over free-text metadata for known id shapes, else null. Ids are never invented.
 */

const UUID_RE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/;
/** `session_id=…`, `session-id: …`, `"sessionId":"…"` inside a string. */
const SESSION_KV_RE = /session[_.\- ]?id["']?\s*[:=]\s*["']?([A-Za-z0-9][A-Za-z0-9_.:-]{5,127})/i;
/** `user_id=…`, `developer: …` inside a string. */
const USER_KV_RE = /(?:user|developer|dev)[_.\- ]?(?:id|email)?["']?\s*[:=]\s*["']?([A-Za-z0-9][A-Za-z0-9_.@+-]{1,127})/i;

const MAX_ID_LEN = 256;

/** A usable id from a candidate value: non-empty strings (trimmed) and finite numbers. */
export function asId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (!s || s.length > MAX_ID_LEN) return null;
  const lower = s.toLowerCase();
  if (lower === 'null' || lower === 'undefined' || lower === 'none' || lower === 'unknown') return null;
  return s;
}

/** The first usable id among candidates in priority order. */
export function pickId(...candidates: unknown[]): string | null {
  for (const c of candidates) {
    const id = asId(c);
    if (id) return id;
  }
  return null;
}

/** Regex fallback: a session id embedded in metadata strings (`session_id=…`, or a bare UUID). */
export function sessionIdFromText(...texts: unknown[]): string | null {
  for (const t of texts) {
    if (typeof t !== 'string' || !t) continue;
    const kv = SESSION_KV_RE.exec(t);
    if (kv?.[1]) return kv[1];
  }
  for (const t of texts) {
    if (typeof t !== 'string' || !t) continue;
    const u = UUID_RE.exec(t);
    if (u) return u[0].toLowerCase();
  }
  return null;
}

/** Regex fallback: a developer id embedded in metadata strings (an email, or `user_id=…`). */
export function developerIdFromText(...texts: unknown[]): string | null {
  for (const t of texts) {
    if (typeof t !== 'string' || !t) continue;
    const e = EMAIL_RE.exec(t);
    if (e) return e[0].toLowerCase();
  }
  for (const t of texts) {
    if (typeof t !== 'string' || !t) continue;
    const kv = USER_KV_RE.exec(t);
    if (kv?.[1]) return kv[1];
  }
  return null;
}

/** Emails are compared case-insensitively; other ids are kept as sent. */
export function normalizeDeveloperId(id: string | null): string | null {
  if (id && EMAIL_RE.test(id) && id.includes('@')) return id.toLowerCase();
  return id;
}
