// What a VSIX shows a person who installed it must work there: the README and CHANGELOG are rendered in the
// extension's details page (and on the Marketplace / Open VSX) without the repository around them, so a
// relative link to a file leads nowhere (vsce rewrites them only when the manifest names a repository, and
// ProdLens names none rather than a placeholder). Used by check-vsix.mjs on the packaged files and by unit
// tests on the sources.

/** Hosts that only ever stand for "fill this in later". */
const PLACEHOLDER_HOSTS = /(^|\.)(example\.(com|org|net|invalid)|invalid|localhost|test)$/i;

/**
 * Anchor of a heading as GitHub, the Marketplace and VS Code's details page make it — for headings of
 * letters, digits, spaces and hyphens they all agree; `linkProblems` insists on such headings when linked.
 * @param {string} heading
 */
export function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * Links and images of a Markdown text (inline `[text](target)` and `<https://…>` autolinks; code spans and
 * fenced blocks are skipped).
 * @param {string} markdown
 * @returns {{target: string, image: boolean}[]}
 */
export function markdownLinks(markdown) {
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const links = [];
  for (const m of text.matchAll(/(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: m[2], image: m[1] === '!' });
  for (const m of text.matchAll(/<(https?:\/\/[^>\s]+)>/g)) links.push({ target: m[1], image: false });
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) links.push({ target: m[1], image: false });
  return links;
}

/** Headings (ATX `#` style) of a Markdown text, outside fenced blocks. */
export function headings(markdown) {
  return [...markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1]);
}

/**
 * Why links of a Markdown text shown inside a VSIX would not work; empty when every link does. Allowed: an
 * anchor of a heading in the same text, and https URLs to real hosts. Not allowed: relative paths, http,
 * placeholder hosts, images (the details page of an installed extension cannot fetch them offline).
 * @param {string} markdown
 * @param {string} name for messages
 */
export function linkProblems(markdown, name) {
  const anchors = new Map(headings(markdown).map((h) => [slug(h), h]));
  const problems = [];
  for (const { target, image } of markdownLinks(markdown)) {
    if (image) {
      problems.push(`${name}: image ${target} (not shown offline, and relative images need a repository URL)`);
    } else if (target.startsWith('#')) {
      const heading = anchors.get(target.slice(1));
      if (!heading) problems.push(`${name}: link ${target} matches no heading`);
      else if (!/^[A-Za-z0-9 -]+$/.test(heading))
        problems.push(`${name}: link ${target} goes to "${heading}", whose anchor differs between renderers (use letters, digits and spaces)`);
    } else if (/^https:\/\//i.test(target)) {
      let host = '';
      try {
        host = new URL(target).hostname;
      } catch {
        problems.push(`${name}: ${target} is not a URL`);
        continue;
      }
      if (PLACEHOLDER_HOSTS.test(host)) problems.push(`${name}: ${target} is a placeholder`);
    } else {
      problems.push(`${name}: link ${target || '(empty)'} is not an https URL or an anchor of this page, so it leads nowhere once packaged`);
    }
  }
  return problems;
}

/**
 * Why the manifest's localized strings do not resolve: every `%key%` in package.json must be a key of
 * package.nls.json (VS Code shows the raw `%key%` otherwise), and every key there must be used.
 * @param {Record<string, any>} pkg package.json
 * @param {Record<string, string>} nls package.nls.json
 */
export function nlsProblems(pkg, nls) {
  const problems = [];
  const used = new Set();
  const visit = (v, where) => {
    if (typeof v === 'string') {
      const m = /^%([^%\s]+)%$/.exec(v);
      if (m) {
        used.add(m[1]);
        if (typeof nls[m[1]] !== 'string') problems.push(`${where}: %${m[1]}% is not in package.nls.json`);
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${where}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, where ? `${where}.${k}` : k);
  };
  visit(pkg, '');
  for (const key of Object.keys(nls)) if (!used.has(key)) problems.push(`package.nls.json: ${key} is used nowhere in package.json`);
  return problems;
}

/**
 * Why a manifest is not ready for the Marketplace and Open VSX; empty when it is.
 * @param {Record<string, any>} pkg package.json
 * @param {string[]} entries the VSIX's entry names (to check that the icon is in it)
 * @param {Record<string, string>} [nls] package.nls.json (the manifest's `%key%` strings)
 */
export function manifestProblems(pkg, entries, nls = {}) {
  const problems = [];
  problems.push(...nlsProblems(pkg, nls));
  for (const field of ['name', 'displayName', 'description', 'version', 'publisher', 'license', 'icon']) {
    if (typeof pkg[field] !== 'string' || !pkg[field].trim()) problems.push(`package.json has no ${field}`);
  }
  if (typeof pkg.icon === 'string') {
    if (!/\.png$/i.test(pkg.icon)) problems.push(`icon ${pkg.icon} must be a PNG (the Marketplace refuses SVG icons)`);
    if (!entries.includes(`extension/${pkg.icon.replace(/^\.\//, '')}`)) problems.push(`icon ${pkg.icon} is not in the VSIX`);
  }
  if (!Array.isArray(pkg.categories) || !pkg.categories.length) problems.push('package.json has no categories');
  if (!Array.isArray(pkg.keywords) || !pkg.keywords.length) problems.push('package.json has no keywords');
  else if (pkg.keywords.length > 30) problems.push(`${pkg.keywords.length} keywords; the Marketplace takes 30`);
  if (!pkg.galleryBanner?.color) problems.push('package.json has no galleryBanner');
  if (!Array.isArray(pkg.extensionKind)) problems.push('package.json has no extensionKind list');
  for (const key of ['virtualWorkspaces', 'untrustedWorkspaces']) {
    if (pkg.capabilities?.[key] === undefined) problems.push(`package.json does not declare capabilities.${key}`);
  }
  // Every URL anywhere in the manifest (repository, bugs, homepage, descriptions) must be real.
  for (const url of (JSON.stringify(pkg) + JSON.stringify(nls)).match(/https?:\/\/[^\s"'`)\\]+/g) ?? []) {
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      continue;
    }
    if (PLACEHOLDER_HOSTS.test(host)) problems.push(`package.json names the placeholder ${url}`);
  }
  return problems;
}
