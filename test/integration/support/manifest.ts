import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of package.json the integration tests check against the running extension. */
export interface Manifest {
  name: string;
  publisher: string;
  version: string;
  contributes?: {
    commands?: Array<{ command: string; title?: string; category?: string }>;
    configuration?: ConfigurationSection | ConfigurationSection[];
    menus?: Record<string, Array<{ command?: string }>>;
    keybindings?: Array<{ command: string }>;
    walkthroughs?: Array<{ id: string; title: string; steps: Array<{ id: string; title: string; media: { markdown?: string } }> }>;
    viewsContainers?: Record<string, Array<{ id: string; title: string }>>;
    views?: Record<string, Array<{ id: string; name: string }>>;
  };
}

interface ConfigurationSection {
  title?: string;
  properties?: Record<string, { default?: unknown; type?: string | string[] }>;
}

/** Repository root: the nearest folder above the compiled suite (out/integration/…) with a package.json. */
export const repoRoot = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

/**
 * package.json of the extension under test, read from disk (not from VS Code, which is what we check), with
 * its `%key%` strings replaced by their English text from package.nls.json, as VS Code shows them.
 */
export function readManifest(): Manifest {
  const nls = JSON.parse(readFileSync(path.join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
  return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'), (_key, value: unknown) => {
    const m = typeof value === 'string' ? /^%([^%\s]+)%$/.exec(value) : null;
    return m && typeof nls[m[1]!] === 'string' ? nls[m[1]!] : value;
  }) as Manifest;
}

/** `publisher.name`, the id VS Code knows the extension by. */
export function extensionId(manifest: Manifest = readManifest()): string {
  return `${manifest.publisher}.${manifest.name}`;
}

/** Every contributed setting with its declared default, whether configuration is one section or several. */
export function contributedSettings(manifest: Manifest = readManifest()): Array<{ key: string; default: unknown }> {
  const configuration = manifest.contributes?.configuration;
  const sections = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
  return sections.flatMap((section) => Object.entries(section.properties ?? {}).map(([key, schema]) => ({ key, default: schema.default })));
}
