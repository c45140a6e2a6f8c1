// Verifies the packaged VSIX (run by `npm run package` after vsce): it holds only what runs — the bundles and
// their WASM files, media/, package.json and the docs — stays under 5 MB, carries both WASM files and the
// icon, its manifest is ready for the Marketplace and Open VSX, and every link in its README and CHANGELOG
// works where they are shown (scripts/vsix-content.mjs).
//   node scripts/check-vsix.mjs --before   remove an old VSIX and make sure dist-vsix/ exists (vsce needs it)
//   node scripts/check-vsix.mjs [FILE]     check FILE (default dist-vsix/prodlens.vsix)
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { linkProblems, manifestProblems } from './vsix-content.mjs';

/** Where `npm run package` writes the VSIX. */
export const DEFAULT_VSIX = 'dist-vsix/prodlens.vsix';
/** Marketplace and install limit we hold ourselves to. */
export const MAX_VSIX_BYTES = 5 * 1024 * 1024;
/** WASM files (and sql.js's JavaScript, patched as it loads) the bundles load from their own folder at run time, and the report page's bundle and stylesheet. */
export const REQUIRED_ENTRIES = [
  'extension/package.json',
  'extension/package.nls.json',
  'extension/dist/sql-wasm.wasm',
  'extension/dist/sql-wasm.js',
  'extension/dist/parquet_wasm_bg.wasm',
  'extension/dist/webview.js',
  'extension/dist/webview.css',
  'extension/media/icon.png',
  'extension/readme.md',
];

/** Entries a VSIX may hold: vsce's own manifest files, then what runs and what the marketplace shows. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/dist\/[^/]+\.(js|css|wasm)$/,
  /^extension\/media\/.+/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/license(\.md|\.txt)?$/i,
];

/**
 * The problems with a VSIX, given its entry names and its size in bytes; empty when it is fine.
 * @param {string[]} entries
 * @param {number} bytes
 * @returns {string[]}
 */
export function vsixProblems(entries, bytes) {
  const problems = [];
  if (bytes >= MAX_VSIX_BYTES) problems.push(`is ${(bytes / 1048576).toFixed(2)} MB, the limit is 5 MB`);
  for (const required of REQUIRED_ENTRIES) {
    if (!entries.includes(required)) problems.push(`lacks ${required}`);
  }
  for (const entry of entries) {
    if (entry.endsWith('/')) continue;
    if (!ALLOWED.some((pattern) => pattern.test(entry))) problems.push(`holds ${entry}, which does not run (see .vscodeignore)`);
  }
  return problems;
}

/** Entry names of a zip file. */
export async function zipEntries(file) {
  const zip = await yauzl.openPromise(file);
  const names = [];
  try {
    for await (const entry of zip.eachEntry()) names.push(entry.fileName);
  } finally {
    zip.close();
  }
  return names;
}

/** The text of some entries of a zip file, by name. */
export async function zipTexts(file, names) {
  const zip = await yauzl.openPromise(file);
  const texts = {};
  try {
    for await (const entry of zip.eachEntry()) {
      if (!names.includes(entry.fileName)) continue;
      const chunks = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk);
      texts[entry.fileName] = Buffer.concat(chunks).toString('utf8');
    }
  } finally {
    zip.close();
  }
  return texts;
}

/** Problems of what the VSIX shows: its manifest, and the links of its README and CHANGELOG. */
export async function contentProblems(file, entries) {
  const texts = await zipTexts(file, [
    'extension/package.json',
    'extension/package.nls.json',
    'extension/readme.md',
    'extension/changelog.md',
    'extension/dist/extension.js',
  ]);
  const problems = manifestProblems(JSON.parse(texts['extension/package.json'] ?? '{}'), entries, JSON.parse(texts['extension/package.nls.json'] ?? '{}'));
  // DuckDB is the CLI's (prodlens team), never the extension's: the VSIX ships no node_modules to load it from.
  if (/@duckdb\//.test(texts['extension/dist/extension.js'] ?? '')) problems.push('extension/dist/extension.js requires @duckdb/…, which only the CLI may use');
  delete texts['extension/dist/extension.js'];
  for (const [name, text] of Object.entries(texts)) if (name.endsWith('.md')) problems.push(...linkProblems(text, name));
  return problems;
}

async function main(args) {
  if (args[0] === '--before') {
    rmSync(DEFAULT_VSIX, { force: true });
    mkdirSync(path.dirname(DEFAULT_VSIX), { recursive: true });
    return 0;
  }
  const file = args[0] ?? DEFAULT_VSIX;
  const bytes = statSync(file).size;
  const entries = await zipEntries(file);
  const problems = [...vsixProblems(entries, bytes), ...(await contentProblems(file, entries))];
  if (problems.length > 0) {
    process.stderr.write(`${file} is not fit to ship:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(
    `${file}: ${(bytes / 1048576).toFixed(2)} MB, ${entries.length} entries, both WASM files and the icon, nothing but what runs, manifest and links fit to ship\n`,
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`check-vsix: ${error.message}\n`);
      process.exit(1);
    },
  );
}
