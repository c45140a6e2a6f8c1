import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { tempDir } from '../helpers/events';

/**
 * The build bakes genai-prices' price table into the bundles as JSON.parse of one string (faster to load
 * than the package's object literal). The module it gives must price exactly as the package does, and a
 * package whose table is not where the plugin expects it must stop the build, not ship a wrong table.
 */
type Calc = (usage: Record<string, number>, model: string, options?: { timestamp?: Date; providerId?: string }) => unknown;

describe('build: the price table baked as JSON', () => {
  const root = path.resolve(__dirname, '../../..');
  const pkgFile = path.join(root, 'node_modules/@pydantic/genai-prices/dist/index.cjs');
  let plugin: { withJsonPriceTable(src: string, file?: string): string };
  const tmp = tempDir('prodlens-price-plugin-');

  after(() => tmp.cleanup());

  before(async () => {
    plugin = (await import(path.join(root, 'scripts/price-data-plugin.mjs'))) as typeof plugin;
  });

  it('gives a module that prices every model as the package does', () => {
    const src = readFileSync(pkgFile, 'utf8');
    const baked = plugin.withJsonPriceTable(src, pkgFile);
    assert.match(baked, /const E=JSON\.parse\("\[\{\\"id\\":\\"anthropic\\"/);
    const file = path.join(tmp.dir, 'baked.cjs');
    writeFileSync(file, baked);
    const req = createRequire(__filename);
    const original = (req(pkgFile) as { calcPrice: Calc }).calcPrice;
    const fromJson = (req(file) as { calcPrice: Calc }).calcPrice;
    const models = [
      ['claude-sonnet-4-5-20250929', 'anthropic'],
      ['claude-opus-4-1-20250805', 'anthropic'],
      ['claude-3-5-haiku-20241022', undefined],
      ['gpt-5-codex', 'openai'],
      ['gpt-4o-mini', undefined],
      ['o3', 'openai'],
      ['gemini-2.5-pro', 'google'],
      ['gemini-2.5-flash', undefined],
      ['deepseek-chat', undefined],
      ['no-such-model', undefined],
    ] as const;
    const usages: Array<Record<string, number>> = [
      { input_tokens: 1000, output_tokens: 200 },
      { input_tokens: 250_000, output_tokens: 4000, cache_read_tokens: 100_000, cache_write_tokens: 20_000 },
      { input_tokens: 0, output_tokens: 0 },
    ];
    let priced = 0;
    for (const [model, providerId] of models) {
      for (const usage of usages) {
        for (const timestamp of [new Date('2025-06-01T12:00:00Z'), new Date('2026-09-01T03:00:00Z')]) {
          const options = providerId ? { timestamp, providerId } : { timestamp };
          const a = original(usage, model, options);
          assert.deepEqual(fromJson(usage, model, options), a, `${model} ${JSON.stringify(usage)} ${timestamp.toISOString()}`);
          if (a) priced++;
        }
      }
    }
    assert.ok(priced >= 40, `most cases are priced (${priced})`);
  });

  it('stops the build when the table is missing or holds what JSON cannot carry', () => {
    assert.throws(() => plugin.withJsonPriceTable('export const prices = {};', 'x.js'), /price table .* was not found/);
    assert.throws(() => plugin.withJsonPriceTable('const E = [{ id: "a", pattern: /claude/ }];', 'x.js'), /values JSON cannot carry/);
    assert.throws(() => plugin.withJsonPriceTable('const E = [{ id: "a", at: undefined }];', 'x.js'), /values JSON cannot carry/);
    assert.throws(() => plugin.withJsonPriceTable('const E = [{ id: "a" ', 'x.js'), /unterminated/);
    // Brackets inside strings and comments do not end the literal early.
    const out = plugin.withJsonPriceTable("const E = [{ a: \"]}\", /* ] */ b: `[`, c: '\\'' }, // ]\n 1];\nexport { E };", 'x.js');
    assert.equal(out, 'const E = JSON.parse("[{\\"a\\":\\"]}\\",\\"b\\":\\"[\\",\\"c\\":\\"\'\\"},1]");\nexport { E };');
  });

  it('is applied to every Node bundle that can price', () => {
    for (const bundle of ['cli-main.js', 'scan-worker.js', 'extension.js']) {
      const text = readFileSync(path.join(root, 'dist', bundle), 'utf8');
      assert.match(text, /JSON\.parse\(`\[\{"id":"anthropic"/, `${bundle}: run npm run build`);
      assert.doesNotMatch(text, /\[\{ id: "anthropic", name: "Anthropic"/, bundle);
    }
  });
});
