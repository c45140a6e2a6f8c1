import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { smallInput } from '../../../src/cli/main';
import { tempDir } from '../helpers/events';

describe('prodlens import: relaunch with a larger young generation only for large inputs', () => {
  it('a few small files (and option values) stay in process; a large file or a folder relaunches', () => {
    const { dir, cleanup } = tempDir();
    const small = path.join(dir, 'small.ndjson');
    const large = path.join(dir, 'large.ndjson');
    writeFileSync(small, '{}\n'.repeat(1000));
    writeFileSync(large, Buffer.alloc(33 << 20, 0x20));
    mkdirSync(path.join(dir, 'folder'));
    assert.equal(smallInput([small, '--developer', 'a@x.io', '--json', '--db', path.join(dir, 'new.sqlite')]), true);
    assert.equal(smallInput([small, large]), false);
    assert.equal(smallInput([small, path.join(dir, 'folder')]), false);
    cleanup();
  });
});
