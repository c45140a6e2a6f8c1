import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { binary, FIXTURES, REPO_ROOT } from '../../unit/helpers/cli';
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
    assert.match(name, /^cli-main\.js-\d+-\d+-v\d+\.\d+\.\d+-\w+-plain\.v8cache$/);
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
    const stamps = () => caches(env.PRODLENS_CODE_CACHE_DIR).map((f) => `${f} ${statSync(path.join(env.PRODLENS_CODE_CACHE_DIR, f)).mtimeMs}`);
    let written: string[] = [];
    for (const [i, e] of [{ PRODLENS_CODE_CACHE: '0' }, env, env].entries()) {
      const db = path.join(tmp.dir, `p${i}.sqlite`);
      const imported = await run(['import', path.join(FIXTURES, 'otlp'), '--db', db], e);
      assert.equal(imported.code, 0, imported.stderr);
      const report = await run(['report', '--json', '--all-developers', '--db', db], e);
      assert.equal(report.code, 0, report.stderr);
      // Times of this run (when it was generated, when its records arrived) differ from run to run.
      const today = new Date().toISOString().slice(0, 10);
      outputs.push(JSON.parse(report.stdout.replace(new RegExp(`"${today}T[0-9:.]+Z"`, 'g'), '"(this run)"')));
      if (i === 1) written = stamps();
    }
    assert.ok((outputs[0] as { days: unknown[] }).days.length > 0, 'a report with days');
    assert.deepEqual(outputs[1], outputs[0], 'the run that wrote the cache');
    assert.deepEqual(outputs[2], outputs[0], 'the run that used it');
    // The plain cache, and one for import's child process when the import ran in one (its own V8 flags).
    assert.ok(written.length >= 1 && written.length <= 2, written.join(', '));
    assert.deepEqual(stamps(), written, 'the run that used the caches wrote none');
  });

  it('imports ES modules from a cached bundle: prodlens team (DuckDB) answers the same when the cache is written and when it is used', async () => {
    const db = path.join(tmp.dir, 'p.sqlite');
    const lake = path.join(tmp.dir, 'lake');
    const off = { PRODLENS_CODE_CACHE: '0' };
    assert.equal((await run(['import', path.join(FIXTURES, 'otlp'), '--db', db], off)).code, 0);
    const exported = await run(['export', '--out', lake, '--db', db], off);
    assert.equal(exported.code, 0, exported.stderr);
    const env = { PRODLENS_CODE_CACHE_DIR: path.join(tmp.dir, 'cache') };
    const answers: unknown[] = [];
    for (const e of [off, env, env]) {
      const team = await run(['team', '--lake', lake, '--json'], e);
      assert.deepEqual([team.code, team.stderr], [0, ''], team.stderr);
      const { generatedAt, timings, ...rest } = JSON.parse(team.stdout) as { generatedAt: string; timings?: unknown };
      assert.ok(generatedAt && (timings === undefined || typeof timings === 'object'));
      answers.push(rest);
    }
    assert.ok((answers[0] as { totals: { requests: number } }).totals.requests > 0);
    assert.deepEqual(answers[1], answers[0], 'the run that wrote the cache');
    assert.deepEqual(answers[2], answers[0], 'the run that used it');
    assert.equal(caches(env.PRODLENS_CODE_CACHE_DIR).length, 1);
  });

  it("removes earlier builds' caches and stale temporary files when it writes, and nothing else", async () => {
    const dir = path.join(tmp.dir, 'cache');
    mkdirSync(dir);
    // This build's file names (dist/cli-main.js's size and mtime), as the CLI makes them.
    const st = statSync(path.join(REPO_ROOT, 'dist', 'cli-main.js'));
    const build = `cli-main.js-${st.size}-${Math.trunc(st.mtimeMs)}-`;
    const stale = [
      'cli-main.js-1-1-v18.0.0-x64-plain.v8cache',
      'cli-main.js-2-2-v20.0.0-x64-plain.v8cache.tmp-99999',
      `${build}v20.0.0-x64-plain.v8cache.tmp-99999`,
    ];
    const kept = ['keep-me.txt', `${build}v18.0.0-x64-plain.v8cache`, `${build}${process.version}-${process.arch}-0123456789ab.v8cache`];
    for (const n of [...stale, ...kept]) writeFileSync(path.join(dir, n), 'x');
    const r = await run(['--version'], { PRODLENS_CODE_CACHE_DIR: dir });
    assert.equal(r.code, 0, r.stderr);
    const mine = `${build}${process.version}-${process.arch}-plain.v8cache`;
    assert.deepEqual(
      readdirSync(dir).sort(),
      [...kept, mine].sort(),
      'earlier builds and stale temporary files removed; this build under other flags or Nodes kept',
    );
  });

  it("keeps one cache per set of V8 flags: import's child process (--max-semi-space-size) does not replace the plain one", async () => {
    const dir = path.join(tmp.dir, 'cache');
    const env = { ...process.env, TZ: 'UTC', PRODLENS_CODE_CACHE_DIR: dir };
    const withFlags = (flags: string[]) =>
      new Promise<number>((resolve) => {
        execFile(process.execPath, [...flags, path.join(REPO_ROOT, 'dist', 'cli.js'), '--version'], { env }, (err) => resolve(err ? 1 : 0));
      });
    assert.equal(await withFlags([]), 0);
    assert.equal(await withFlags(['--max-semi-space-size=64']), 0);
    const files = caches(dir).sort();
    assert.equal(files.length, 2, files.join(', '));
    const stamps = files.map((f) => statSync(path.join(dir, f)).mtimeMs);
    // Each accepted under its own flags: neither is written again.
    assert.equal(await withFlags(['--max-semi-space-size=64']), 0);
    assert.equal(await withFlags([]), 0);
    assert.deepEqual(
      files.map((f) => statSync(path.join(dir, f)).mtimeMs),
      stamps,
    );
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
