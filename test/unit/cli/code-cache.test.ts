import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { codeCacheDir, codeCacheName } from '../../../src/cli/code-cache';

describe('CLI code cache location and naming', () => {
  it("is off with PRODLENS_CODE_CACHE=0, in PRODLENS_CODE_CACHE_DIR when set, else in the platform's user cache folder", () => {
    const home = os.homedir();
    assert.equal(codeCacheDir({ PRODLENS_CODE_CACHE: '0', PRODLENS_CODE_CACHE_DIR: '/x' }, 'linux'), null);
    assert.equal(codeCacheDir({ PRODLENS_CODE_CACHE_DIR: '/x/y' }, 'linux'), '/x/y');
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux'), path.join('/xdg', 'prodlens', 'code-cache'));
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '' }, 'linux'), path.join(home, '.cache', 'prodlens', 'code-cache'));
    assert.equal(codeCacheDir({}, 'darwin'), path.join(home, 'Library', 'Caches', 'prodlens', 'code-cache'));
    assert.equal(codeCacheDir({ LOCALAPPDATA: 'C:\\Users\\d\\AppData\\Local' }, 'win32'), path.join('C:\\Users\\d\\AppData\\Local', 'prodlens', 'code-cache'));
  });

  it('names a cache after the build of the file (size, mtime), the Node version, the architecture and the V8 flags', () => {
    const st = { size: 3227486, mtimeMs: 1796317419171.5 };
    const plain = { execArgv: [], nodeOptions: undefined };
    const a = codeCacheName('/d/dist/cli-main.js', st, plain);
    assert.equal(a, `cli-main.js-3227486-1796317419171-${process.version}-${process.arch}-plain.v8cache`);
    assert.notEqual(codeCacheName('/d/dist/cli-main.js', { ...st, size: 3227487 }, plain), a);
    assert.notEqual(codeCacheName('/d/dist/cli-main.js', { ...st, mtimeMs: 1796317419999 }, plain), a);
    const bulk = codeCacheName('/d/dist/cli-main.js', st, { execArgv: ['--max-semi-space-size=64'], nodeOptions: undefined });
    assert.match(bulk, new RegExp(`^cli-main\\.js-3227486-1796317419171-.*-[0-9a-f]{12}\\.v8cache$`));
    assert.notEqual(bulk, a);
    assert.notEqual(codeCacheName('/d/dist/cli-main.js', st, { execArgv: [], nodeOptions: '--max-old-space-size=8192' }), a);
    assert.equal(codeCacheName('/d/dist/cli-main.js', st, { execArgv: [], nodeOptions: '' }), a, 'an empty NODE_OPTIONS is no flag');
  });
});
