// `npm run pack:cli`: the `prodlens` command line as an npm package of its own (prodlens-cli), separate from
// the VS Code extension, holding only what runs: the CLI bundle, the WASM files it loads from beside itself,
// the report page for `report --html`, and a README and the licence. Its `dependencies` are the modules the
// bundle leaves external (native ones such as DuckDB), found in the bundle itself and versioned as the root
// package.json has them, so the package can never miss one.
//   node scripts/pack-cli.mjs [--no-build]   → dist-cli/prodlens-cli-<version>.tgz (path printed last)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_EXTERNAL } from './cli-external.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PACK_DIR = path.join(root, 'dist-cli');
const TEMPLATE = path.join(root, 'packages', 'cli');
/** What the CLI loads from its own folder at run time (besides the bundle). */
const RUNTIME_FILES = [
  'cli.js',
  'cli-main.js',
  'parquet-worker.js',
  'scan-worker.js',
  'sql-wasm.wasm',
  'sql-wasm.js',
  'parquet_wasm_bg.wasm',
  'webview.js',
  'webview.css',
];

/**
 * Packages a bundle requires or imports that are not Node built-ins (`require("x")`, `import("x")`), by
 * package name; and those of `declared` (esbuild's external list) whose name the bundle holds as a string,
 * such as the specifier it hands to its ES module importer (src/core/esm-import.ts), whatever the
 * minifier named that function.
 * @param {string} bundle the bundle's source
 * @param {string[]} [declared]
 */
export function externalPackages(bundle, declared = []) {
  const builtins = new Set(builtinModules);
  const names = new Set();
  for (const name of declared) {
    const quoted = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    if (new RegExp(`["']${quoted}(?:/[^"']*)?["']`).test(bundle)) names.add(name);
  }
  // esbuild leaves `await import("x")` of an external package as it is in a CommonJS bundle.
  for (const m of bundle.matchAll(/\b(?:require|import)\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
    const spec = m[1];
    if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0])) continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
  return [...names].sort();
}

/**
 * The CLI package's manifest: the template, the root's version, and a dependency for every external module
 * with the version range the root package.json gives it.
 * @param {Record<string, any>} rootPkg
 * @param {string[]} externals
 */
export function cliManifest(rootPkg, template, externals) {
  const known = { ...rootPkg.devDependencies, ...rootPkg.optionalDependencies, ...rootPkg.dependencies };
  const missing = externals.filter((name) => !known[name]);
  if (missing.length) throw new Error(`the CLI bundle requires ${missing.join(', ')}, which package.json does not list`);
  const dependencies = Object.fromEntries(externals.map((name) => [name, known[name]]));
  return { ...template, version: rootPkg.version, ...(externals.length ? { dependencies } : {}) };
}

/** Builds (unless told not to), stages and packs; returns the tarball's path. */
export function packCli({ build = true } = {}) {
  if (build) execFileSync(process.execPath, [path.join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
  const dist = path.join(root, 'dist');
  for (const file of RUNTIME_FILES) {
    if (!existsSync(path.join(dist, file))) throw new Error(`dist/${file} is missing: run npm run build`);
  }
  const stage = path.join(PACK_DIR, 'package');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(path.join(stage, 'dist'), { recursive: true });
  for (const file of RUNTIME_FILES) copyFileSync(path.join(dist, file), path.join(stage, 'dist', file));
  copyFileSync(path.join(TEMPLATE, 'README.md'), path.join(stage, 'README.md'));
  copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));
  const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const template = JSON.parse(readFileSync(path.join(TEMPLATE, 'package.json'), 'utf8'));
  const bundles = ['cli.js', 'cli-main.js'].map((f) => readFileSync(path.join(dist, f), 'utf8')).join('\n');
  const manifest = cliManifest(rootPkg, template, externalPackages(bundles, CLI_EXTERNAL));
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const npm = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const out = execFileSync(npm[0], [...npm.slice(1), 'pack', '--json', '--pack-destination', PACK_DIR], {
    cwd: stage,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  const [{ filename }] = JSON.parse(out);
  return path.join(PACK_DIR, filename);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const tarball = packCli({ build: !process.argv.includes('--no-build') });
    process.stdout.write(`${path.relative(process.cwd(), tarball)}\n`);
  } catch (error) {
    process.stderr.write(`pack-cli: ${error.message}\n`);
    process.exit(1);
  }
}
