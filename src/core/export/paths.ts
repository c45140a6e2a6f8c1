import { createHash } from 'node:crypto';
import path from 'node:path';
import { isDayKey } from '../day';

/**
 * Path components of the export are built only from values that pass through here: a repository slug,
 * a day, a device id. Whatever the value — `../../etc`, `a/b\c`, `CON`, `%2e%2e`, full-width dots, control
 * characters, 5,000 characters — the result is one harmless folder or file name, and the final path is
 * checked to stay inside the output folder before anything is written.
 */

/** Hive's name for a NULL partition value; DuckDB and Spark both read it back as NULL. */
export const NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

const MAX_VALUE_LENGTH = 100;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/**
 * A partition value safe as a path component: NFKC-normalized (full-width `．．／` become `../` first), `/`
 * turned into `__` (`acme/api` → `acme__api`), every character outside `[A-Za-z0-9._-]` turned into `_`,
 * no leading or trailing dot, no `..`, no Windows device name, at most 100 characters (longer values keep a
 * hash of the original so they stay distinct). Null and empty values map to the Hive NULL partition.
 * Different slugs may map to the same value (`a/b_c`, `a/b\c`): rows keep their true `repo_slug`.
 */
export function partitionValue(raw: string | null | undefined): string {
  if (raw === null || raw === undefined || raw === '') return NULL_PARTITION;
  let s = raw
    .normalize('NFKC')
    .replace(/\//g, '__')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  // A leading dot would be a relative or hidden path; `..` anywhere is refused as a matter of principle.
  s = s.replace(/^\.+/, (dots) => '_'.repeat(dots.length)).replace(/\.{2,}/g, (dots) => '_'.repeat(dots.length));
  // Windows drops trailing dots and spaces from names, which would merge folders.
  s = s.replace(/\.+$/, (dots) => '_'.repeat(dots.length));
  if (WINDOWS_RESERVED.test(s.split('.')[0]!)) s = `_${s}`;
  if (s === NULL_PARTITION) s = `${s}_`;
  if (s.length > MAX_VALUE_LENGTH) s = `${s.slice(0, MAX_VALUE_LENGTH - 17)}-${shortHash(raw)}`;
  return s;
}

/** The `event_date` partition value: the day itself when it is a real `YYYY-MM-DD`, else the NULL partition. */
export function dayPartitionValue(day: string | null | undefined): string {
  return isDayKey(day) ? day : NULL_PARTITION;
}

/** A file-name-safe token (device ids are random UUIDs, but a damaged database could hold anything). */
export function fileToken(raw: string): string {
  const s = partitionValue(raw);
  return s === NULL_PARTITION ? 'unknown' : s;
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

export class UnsafePathError extends Error {}

/**
 * Joins relative components onto the output folder and proves the result stays inside it. Components
 * must already be single names (no separators, not `.`/`..`); anything else is refused, never repaired.
 */
export function safeJoin(root: string, ...components: string[]): string {
  for (const c of components) {
    // oxlint-disable-next-line no-control-regex -- control characters are exactly what a path component must not hold
    if (!c || c === '.' || c === '..' || /[/\\\0]/.test(c) || /[\x00-\x1f]/.test(c)) {
      throw new UnsafePathError(`refusing path component ${JSON.stringify(c)}`);
    }
  }
  const base = path.resolve(root);
  const full = path.resolve(base, ...components);
  if (!isInside(base, full)) throw new UnsafePathError(`refusing to write outside ${base}: ${full}`);
  return full;
}

/** Whether `child` is `parent` itself or below it (both absolute). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A manifest path (always `/`-separated) split into components that `safeJoin` accepts, or null. */
export function manifestPathComponents(p: unknown): string[] | null {
  if (typeof p !== 'string' || !p || p.length > 1000) return null;
  const parts = p.split('/');
  // oxlint-disable-next-line no-control-regex -- control characters are exactly what a path component must not hold
  for (const c of parts) if (!c || c === '.' || c === '..' || /[\\\0\x00-\x1f:]/.test(c)) return null;
  return parts;
}
