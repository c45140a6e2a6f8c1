import assert from 'node:assert/strict';
import path from 'node:path';
import { binary } from '../../unit/helpers/cli';
import { tempDir } from '../../unit/helpers/events';
import { GOOD_KEY, StandInProxy } from '../../unit/litellm/proxy-server';

/** `prodlens sync-litellm` as a whole process (dist/cli.js) against the stand-in proxy on 127.0.0.1. */
describe('prodlens sync-litellm (bundled binary)', function () {
  this.timeout(120_000);
  let proxy: StandInProxy;
  let url: string;
  let tmp: ReturnType<typeof tempDir>;
  const env = (extra: NodeJS.ProcessEnv) => ({ PATH: process.env.PATH ?? '', HOME: tmp.dir, ...extra });
  beforeEach(async () => {
    proxy = new StandInProxy();
    url = await proxy.start();
    tmp = tempDir('prodlens-sync-litellm-');
  });
  afterEach(async () => {
    await proxy.stop();
    tmp.cleanup();
  });

  it('pulls with the key from LITELLM_API_KEY; a second run adds nothing', async () => {
    const db = path.join(tmp.dir, 'p.sqlite');
    const first = await binary(['sync-litellm', '--url', url, '--since', '2026-01-01', '--json', '--db', db], { env: env({ LITELLM_API_KEY: GOOD_KEY }) });
    assert.equal(first.code, 0, first.stderr);
    const s = JSON.parse(first.stdout) as { inserted: number; rows: number; endpoint: string };
    assert.deepEqual([s.endpoint, s.rows, s.inserted], ['/spend/logs/v2', 7, 7]);
    const second = await binary(['sync-litellm', '--url', url, '--db', db], { env: env({ PRODLENS_LITELLM_KEY: GOOD_KEY }) });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /7 row\(s\) in 3 page\(s\), 0 new, 7 already stored/);
    assert.ok(!second.stdout.includes(GOOD_KEY) && !second.stderr.includes(GOOD_KEY));
  });

  it('explains a rejected key and a missing key (exit 2), and bad arguments (exit 1)', async () => {
    const db = path.join(tmp.dir, 'p.sqlite');
    const bad = await binary(['sync-litellm', '--url', url, '--db', db], { env: env({ LITELLM_API_KEY: 'sk-revoked' }) });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /rejected the key \(HTTP 401\): check the key \(LITELLM_API_KEY\)/);
    const none = await binary(['sync-litellm', '--url', url, '--db', db], { env: env({}) });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /PRODLENS_LITELLM_KEY or LITELLM_API_KEY/);
    for (const args of [[], ['--url', 'ftp://x'], ['--url', url, '--since', 'yesterday'], ['--url', url, '--overlap', '-5']]) {
      const r = await binary(['sync-litellm', ...args, '--db', db], { env: env({ LITELLM_API_KEY: GOOD_KEY }) });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});
