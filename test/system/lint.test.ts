import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

/**
 * `npm run lint` guards the layout: each probe is a file a careless change would add, written into the
 * real tree (removed afterwards), and the check that must refuse it is run the way `npm run lint` runs it.
 */
describe('npm run lint refuses what breaks the house rules', function () {
  this.timeout(300_000);
  const dir = path.join(ROOT, 'src/core', `lint-probe-${process.pid}`);
  const probe = (name: string, text: string): string => {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a vscode import in src/core', async () => {
    const file = probe('a.ts', "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
    const r = await run(BIN('oxlint'), ['--type-aware', '--deny-warnings', file]);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /no-restricted-imports/);
  });

  it('a floating promise and a switch that misses a case', async () => {
    const file = probe(
      'b.ts',
      "export async function f(): Promise<number> {\n  return 1;\n}\nexport function g(): void {\n  f();\n}\nexport function h(k: 'a' | 'b'): number {\n  switch (k) {\n    case 'a':\n      return 1;\n  }\n  return 0;\n}\n",
    );
    const r = await run(BIN('oxlint'), ['--type-aware', '--deny-warnings', file]);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /no-floating-promises/);
    assert.match(r.out, /switch-exhaustiveness-check/);
  });

  it('a DOM type in Node-only code', async () => {
    probe('c.ts', 'export function first(): HTMLElement | null {\n  return null;\n}\n');
    const r = await run(BIN('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /Cannot find name 'HTMLElement'/);
  });

  it('an unused export in a new file', async () => {
    probe('d.ts', 'export const unusedAnywhere = 1;\n');
    const r = await run(BIN('knip'), ['--no-progress']);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /lint-probe-\d+\/d\.ts/);
  });

  it('and passes on the tree as it is', async () => {
    for (const [cmd, args] of [
      [BIN('oxlint'), ['--type-aware', '--deny-warnings']],
      [BIN('knip'), ['--no-progress']],
    ] as const) {
      const r = await run(cmd, [...args]);
      assert.equal(r.code, 0, `${path.basename(cmd)}:\n${r.out}`);
    }
  });
});
