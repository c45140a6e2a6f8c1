import assert from 'node:assert/strict';
import { MAX_VSIX_BYTES, vsixProblems } from '../../../scripts/check-vsix.mjs';

/** The listing vsce produced for the skeleton (dist bundles, both WASM files, manifest, docs). */
const shipped = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/package.nls.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/cli.js',
  'extension/dist/extension.js',
  'extension/dist/webview.js',
  'extension/dist/webview.css',
  'extension/dist/sql-wasm.wasm',
  'extension/dist/sql-wasm.js',
  'extension/dist/parquet_wasm_bg.wasm',
  'extension/media/report.css',
  'extension/media/icon.png',
  'extension/media/icons/logo.svg',
];
const size = 2 * 1024 * 1024;

describe('VSIX check run by npm run package', () => {
  it('accepts bundles, both WASM files, media and docs', () => {
    assert.deepEqual(vsixProblems(shipped, size), []);
  });

  for (const entry of [
    'extension/src/extension/extension.ts',
    'extension/dist/extension.js.map',
    'extension/dist/webview.css.map',
    'extension/node_modules/sql.js/package.json',
    'extension/test/unit/package/vsix.test.ts',
    'extension/out/integration/index.js',
    'extension/dist/sub/chunk.js',
    'extension/.cache/e2e/stamp.json',
    'extension/tsconfig.json',
  ]) {
    it(`rejects ${entry}`, () => {
      const problems = vsixProblems([...shipped, entry], size);
      assert.equal(problems.length, 1);
      assert.match(problems[0] ?? '', new RegExp(entry.replace(/[.[\]]/g, '\\$&')));
    });
  }

  it('rejects a VSIX that lacks either WASM file', () => {
    for (const wasm of ['extension/dist/sql-wasm.wasm', 'extension/dist/parquet_wasm_bg.wasm']) {
      assert.deepEqual(
        vsixProblems(
          shipped.filter((entry) => entry !== wasm),
          size,
        ),
        [`lacks ${wasm}`],
      );
    }
  });

  it('rejects a VSIX without the report page bundle or its stylesheet', () => {
    for (const file of ['extension/dist/webview.js', 'extension/dist/webview.css']) {
      assert.deepEqual(
        vsixProblems(
          shipped.filter((entry) => entry !== file),
          size,
        ),
        [`lacks ${file}`],
      );
    }
  });

  it('rejects a VSIX without the icon or the README', () => {
    for (const file of ['extension/media/icon.png', 'extension/readme.md']) {
      assert.deepEqual(
        vsixProblems(
          shipped.filter((entry) => entry !== file),
          size,
        ),
        [`lacks ${file}`],
      );
    }
  });

  it('rejects 5 MB and more, accepts just under', () => {
    assert.deepEqual(vsixProblems(shipped, MAX_VSIX_BYTES - 1), []);
    assert.equal(vsixProblems(shipped, MAX_VSIX_BYTES).length, 1);
  });
});
