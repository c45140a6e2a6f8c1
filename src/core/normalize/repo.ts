/**
 * Repository and branch per the OpenTelemetry VCS conventions: `repo_slug` (`owner/name`) from
 * `vcs.repository.url.full` (https, ssh, scp-like git URLs) or `vcs.repository.name`; branch from
 * `vcs.ref.head.name`.
 */

const SLUG_PART = /^[A-Za-z0-9_.-]+$/;

/** Slugs of recent URLs: a bulk import sees the same few remotes on every record (new URL() costs ~1 µs). */
const slugs = new Map<string, string | null>();
const SLUG_CACHE = 1024;

/** `owner/name` from a git remote URL or an `owner/name` string; null when it has no such shape. */
export function repoSlugFromUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  let slug = slugs.get(url);
  if (slug === undefined) {
    if (slugs.size >= SLUG_CACHE) slugs.clear();
    slugs.set(url, (slug = slugOf(url)));
  }
  return slug;
}

function slugOf(url: string): string | null {
  let s = url.trim();
  if (!s) return null;
  // scp-like: git@github.com:owner/name.git
  const scp = /^[\w.-]+@[\w.-]+:(.+)$/.exec(s);
  if (scp?.[1] && !s.includes('://')) s = scp[1];
  else {
    try {
      if (s.includes('://')) s = new URL(s).pathname;
    } catch {
      return null;
    }
  }
  s = s
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '');
  const parts = s.split('/').filter(Boolean);
  if (parts.length < 2) return null;
  const owner = parts[parts.length - 2]!;
  const name = parts[parts.length - 1]!;
  if (!SLUG_PART.test(owner) || !SLUG_PART.test(name) || owner === '..' || name === '..') return null;
  return `${owner}/${name}`;
}

/** Repo slug from the VCS attributes: the full URL wins, then the name if it is `owner/name`. */
export function repoSlugFromAttrs(get: (key: string) => unknown): string | null {
  return repoSlugFromUrl(get('vcs.repository.url.full')) ?? repoSlugFromUrl(get('vcs.repository.name')) ?? null;
}
