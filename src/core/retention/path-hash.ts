import { hash } from 'node:crypto';
import { stableHash } from '../normalize/hash';

/**
 * The attrs key `path_hash` shared by every edit event (editor capture and agent transcripts), so an
 * editor insertion can be matched to the agent edit that wrote it: the first 16 hex characters of the
 * SHA-256 of the workspace-relative path with forward slashes (no leading `./` or `/`).
 */
export function pathHash(relativePath: string): string {
  const p = relativePath
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
  // One-shot crypto.hash: no Hash object per edit (a transcript scan hashes thousands); the same digest.
  return hash('sha256', p, 'hex').slice(0, 16);
}

/** Lower-case extension without the dot (`ts`, `py`), or null. */
export function fileExtension(relativePath: string): string | null {
  const base = relativePath.replace(/\\/g, '/').split('/').pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 && dot < base.length - 1
    ? base
        .slice(dot + 1)
        .toLowerCase()
        .slice(0, 16)
    : null;
}

/**
 * The key the Claude Code transcript reader writes today (`attrs.file` = `stableHash(['file', rel])`,
 * first 16 hex characters, rel relative to the session's cwd), matched too until it writes `path_hash`.
 */
export function transcriptFileHash(relativePath: string): string {
  return stableHash(['file', relativePath]).slice(0, 16);
}
