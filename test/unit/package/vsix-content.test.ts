import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ICON_PNG, ICON_SIZE, SOURCE_KEYWORD, pngInfo, svgHash } from '../../../scripts/make-icon.mjs';
import { headings, linkProblems, manifestProblems, markdownLinks, nlsProblems, slug } from '../../../scripts/vsix-content.mjs';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const manifest = JSON.parse(read('package.json')) as Record<string, any>;
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
/** What `npm run package` ships besides the bundles (the icon is what manifestProblems looks for). */
const entries = ['extension/package.json', 'extension/readme.md', `extension/${manifest.icon}`];

describe('what the VSIX shows', () => {
  describe('links in Markdown shown inside an installed extension', () => {
    const page = ['# ProdLens', '', '## Every day', '', '## What it records and what it never does', '', '## Über uns', ''].join('\n');

    it('accepts anchors of headings and https links to real hosts', () => {
      const md = `${page}\nSee [every day](#every-day), [privacy](#what-it-records-and-what-it-never-does) and [OTLP](https://opentelemetry.io/docs/specs/otlp/).`;
      assert.deepEqual(linkProblems(md, 'README'), []);
    });

    it('refuses what leads nowhere once packaged', () => {
      const cases: Array<[string, RegExp]> = [
        ['[docs](docs/report.md)', /docs\/report\.md is not an https URL/],
        ['[up](../README.md)', /not an https URL/],
        ['[plain](http://opentelemetry.io/)', /not an https URL/],
        ['[repo](https://example.invalid/prodlens)', /placeholder/],
        ['[site](https://www.example.com/x)', /placeholder/],
        ['[gone](#no-such-heading)', /matches no heading/],
        ['[accents](#über-uns)', /differs between renderers/],
        ['![shot](media/shot.png)', /image/],
        ['[ref]: docs/export.md', /not an https URL/],
      ];
      for (const [link, expected] of cases) {
        const problems = linkProblems(`${page}\n${link}\n`, 'README');
        assert.equal(problems.length, 1, `${link}: ${problems.join('; ')}`);
        assert.match(problems[0]!, expected, link);
      }
    });

    it('ignores links inside code', () => {
      assert.deepEqual(markdownLinks('`[a](docs/x.md)`\n```\n[b](docs/y.md)\n```\n'), []);
    });

    it('makes the anchors GitHub and VS Code make for plain headings', () => {
      assert.equal(slug('What it records and what it never does'), 'what-it-records-and-what-it-never-does');
      assert.equal(slug('The command line'), 'the-command-line');
      assert.equal(slug('Untrusted and virtual workspaces'), 'untrusted-and-virtual-workspaces');
      assert.deepEqual(headings('# A\n```\n# not a heading\n```\n## B ##\n'), ['A', 'B']);
    });

    for (const file of ['packages/vscode/README.md', 'CHANGELOG.md']) {
      it(`${file} (packaged as the VSIX's ${path.basename(file).toLowerCase()}) has only working links`, () => {
        assert.deepEqual(linkProblems(read(file), file), []);
      });
    }
  });

  describe('the manifest', () => {
    it('is ready for the Marketplace and Open VSX', () => {
      assert.deepEqual(manifestProblems(manifest, entries, nls), []);
    });

    it('takes every command title, setting description, view name and walkthrough text from package.nls.json', () => {
      // Every %key% resolves and every key is used (the check `npm run package` runs on the VSIX too).
      assert.deepEqual(nlsProblems(manifest, nls), []);
      const c = manifest.contributes;
      const literal: string[] = [];
      const key = (v: unknown, where: string) => {
        if (typeof v === 'string' && !/^%[^%\s]+%$/.test(v)) literal.push(`${where}: ${JSON.stringify(v.slice(0, 40))}`);
      };
      for (const cmd of c.commands) key(cmd.title, cmd.command);
      for (const [k, v] of Object.entries<any>(c.configuration.properties)) {
        key(v.markdownDescription ?? v.description, k);
        (v.enumDescriptions ?? []).forEach((d: string, i: number) => key(d, `${k} enum ${i}`));
      }
      for (const views of Object.values<any[]>(c.views)) for (const v of views) key(v.name, v.id);
      for (const w of c.viewsWelcome) key(w.contents, w.view);
      for (const w of c.walkthroughs)
        for (const s of [w, ...w.steps]) {
          key(s.title, s.id);
          key(s.description, s.id);
        }
      assert.deepEqual(literal, [], 'user-facing manifest strings that are not localizable');
      // A broken reference is caught, and so is an orphaned key.
      const broken = structuredClone(manifest);
      broken.contributes.commands[0].title = '%command.noSuchKey.title%';
      assert.match(nlsProblems(broken, nls).join('\n'), /%command\.noSuchKey\.title% is not in package\.nls\.json/);
      assert.match(nlsProblems(broken, nls).join('\n'), /package\.nls\.json: command\.\S+\.title is used nowhere/);
    });

    it('names no placeholder and no repository it does not have', () => {
      assert.doesNotMatch(read('package.json'), /example\.invalid/);
      for (const key of ['repository', 'bugs', 'homepage']) {
        const value = manifest[key];
        if (value === undefined) continue;
        const url = typeof value === 'string' ? value : value.url;
        assert.match(url, /^https:\/\/(github\.com|gitlab\.com)\//, `${key} must be the real public repository`);
      }
    });

    it('refuses placeholders, SVG icons and missing gallery fields', () => {
      const broken: Record<string, any> = {
        ...manifest,
        icon: 'media/icons/prodlens.svg',
        repository: { type: 'git', url: 'https://example.invalid/prodlens.git' },
      };
      delete broken.galleryBanner;
      const problems = manifestProblems(broken, entries);
      assert.ok(
        problems.some((p) => /must be a PNG/.test(p)),
        problems.join('; '),
      );
      assert.ok(
        problems.some((p) => /placeholder https:\/\/example\.invalid/.test(p)),
        problems.join('; '),
      );
      assert.ok(
        problems.some((p) => /galleryBanner/.test(p)),
        problems.join('; '),
      );
      assert.ok(
        problems.some((p) => /not in the VSIX/.test(p)),
        problems.join('; '),
      );
    });

    it('says in its untrusted-workspace description what is off there', () => {
      const { description, restrictedConfigurations } = manifest.capabilities.untrustedWorkspaces;
      assert.match(description, /git/);
      assert.match(description, /editor insertions/);
      // Every restricted setting exists.
      const settings = Object.keys(manifest.contributes.configuration.properties);
      assert.deepEqual(
        restrictedConfigurations.filter((s: string) => !settings.includes(s)),
        [],
      );
    });
  });

  describe('the icon', () => {
    const png = readFileSync(ICON_PNG);
    const info = pngInfo(png);

    it('is a square PNG of at least 128 pixels with transparency', () => {
      assert.equal(path.relative(root, ICON_PNG), manifest.icon);
      assert.equal(info.width, ICON_SIZE);
      assert.equal(info.height, ICON_SIZE);
      assert.ok(ICON_SIZE >= 128);
      assert.equal(info.colorType, 6, 'RGBA: the rounded corners are transparent');
    });

    it('was rasterized from the current SVG (run node scripts/make-icon.mjs after editing it)', () => {
      assert.equal(info.text[SOURCE_KEYWORD], svgHash());
    });
  });
});
