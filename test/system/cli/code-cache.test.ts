import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binary, FIXTURES } from '../../unit/helpers/cli';
import { tempDir } from '../../unit/helpers/events';

/** The cache files in `dir` (the code cache of dist/cli-main.js). */
function caches(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('cli-main.js-')) : [];
}

describe('prodlens code cache (dist/cli.js compiling its main bundle from a V8 code cache)', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  const run = (args: string[], env: NodeJS.ProcessEnv) => binary(args, { env: { ...process.env, TZ: 'UTC', ...env } });

  it('writes the cache once, uses it as written, and replaces one V8 refuses; the output is the same throughout', async () => {
    const dir = path.join(tmp.dir, 'cache');
    const env = { PRODLENS_CODE_CACHE_DIR: dir };
    const plain = await run(['--version'], { PRODLENS_CODE_CACHE: '0' });
    assert.equal(plain.code, 0, plain.stderr);

    const first = await run(['--version'], env);
    assert.deepEqual([first.code, first.stdout, first.stderr], [0, plain.stdout, '']);
    const [name] = caches(dir);
    assert.ok(name && caches(dir).length === 1, `one cache file: ${caches(dir).join(', ')}`);
    assert.match(name, /^cli-main\.js-\d+-\d+-v\d+\.\d+\.\d+-\w+\.v8cache$/);
    const file = path.join(dir, name);
    const written = readFileSync(file);
    const writtenAt = statSync(file).mtimeMs;

    // Accepted by V8: not written again.
    const second = await run(['--version'], env);
    assert.deepEqual([second.code, second.stdout, second.stderr], [0, plain.stdout, '']);
    assert.equal(statSync(file).mtimeMs, writtenAt);
    assert.ok(readFileSync(file).equals(written));

    // A damaged cache: refused (the bundle is compiled from source), then replaced by a good one.
    writeFileSync(file, Buffer.from('not a V8 code cache, truncated'));
    const damaged = await run(['--version'], env);
    assert.deepEqual([damaged.code, damaged.stdout, damaged.stderr], [0, plain.stdout, '']);
    assert.ok(statSync(file).size > 10_000, `rewritten (${statSync(file).size} bytes)`);
    const rewritten = readFileSync(file);
    const third = await run(['--version'], env);
    assert.equal(third.stdout, plain.stdout);
    assert.ok(readFileSync(file).equals(rewritten), 'the rewritten cache is accepted');
  });

  it('runs real commands the same with the cache as without (an import and its JSON report)', async () => {
    const env = { PRODLENS_CODE_CACHE_DIR: path.join(tmp.dir, 'cache') };
    const outputs: unknown[] = [];
    for (const [i, e] of [{ PRODLENS_CODE_CACHE: '0' }, env, env].entries()) {
      const db = path.join(tmp.dir, `p${i}.sqlite`);
      const imported = await run(['import', path.join(FIXTURES, 'otlp'), '--db', db], e);
      assert.equal(imported.code, 0, imported.stderr);
      const report = await run(['report', '--json', '--all-developers', '--db', db], e);
      assert.equal(report.code, 0, report.stderr);
      // Times of this run (when it was generated, when its records arrived) differ from run to run.
      const today = new Date().toISOString().slice(0, 10);
      outputs.push(JSON.parse(report.stdout.replace(new RegExp(`"${today}T[0-9:.]+Z"`, 'g'), '"(this run)"')));
    }
    assert.ok((outputs[0] as { days: unknown[] }).days.length > 0, 'a report with days');
    assert.deepEqual(outputs[1], outputs[0], 'the run that wrote the cache');
    assert.deepEqual(outputs[2], outputs[0], 'the run that used it');
    assert.equal(caches(env.PRODLENS_CODE_CACHE_DIR).length, 1);
  });

  it("removes earlier builds' caches and stale temporary files when it writes, and nothing else", async () => {
    const dir = path.join(tmp.dir, 'cache');
    mkdirSync(dir);
    for (const n of ['cli-main.js-1-1-v18.0.0-x64.v8cache', 'cli-main.js-2-2-v20.0.0-x64.v8cache.tmp-99999', 'keep-me.txt'])
      writeFileSync(path.join(dir, n), 'x');
    const r = await run(['--version'], { PRODLENS_CODE_CACHE_DIR: dir });
    assert.equal(r.code, 0, r.stderr);
    const left = readdirSync(dir).sort();
    assert.equal(left.length, 2, left.join(', '));
    assert.equal(left[1], 'keep-me.txt');
    assert.match(left[0]!, new RegExp(`^cli-main\\.js-\\d+-\\d+-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`));
  });

  it('writes nothing when turned off, and works when the folder cannot be made', async () => {
    const dir = path.join(tmp.dir, 'cache');
    const off = await run(['--version'], { PRODLENS_CODE_CACHE_DIR: dir, PRODLENS_CODE_CACHE: '0' });
    assert.equal(off.code, 0, off.stderr);
    assert.equal(existsSync(dir), false);

    const blocker = path.join(tmp.dir, 'a-file');
    writeFileSync(blocker, 'x');
    const blocked = await run(['--version'], { PRODLENS_CODE_CACHE_DIR: path.join(blocker, 'cache') });
    assert.deepEqual([blocked.code, blocked.stdout.trim(), blocked.stderr], [0, off.stdout.trim(), '']);
  });

  it('goes to the user cache folder by default (XDG_CACHE_HOME here)', async () => {
    const xdg = path.join(tmp.dir, 'xdg');
    const r = await run(['--version'], { PRODLENS_CODE_CACHE_DIR: '', XDG_CACHE_HOME: xdg });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(caches(path.join(xdg, 'prodlens', 'code-cache')).length, 1);
  });
});
