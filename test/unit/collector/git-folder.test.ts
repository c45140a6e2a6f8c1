import assert from 'node:assert/strict';
import { gitFolderOf } from '../../../src/collector/git-folder';

const folder = (scheme: string, fsPath: string) => ({ uri: { scheme, fsPath } });

describe('which folder the collector runs git in', () => {
  it('none in an untrusted workspace', () => {
    assert.equal(gitFolderOf(false, [folder('file', '/work/api')]), undefined);
  });

  it('the first folder on disk of a trusted workspace, never a virtual one', () => {
    assert.equal(gitFolderOf(true, [folder('vscode-vfs', '/github/acme/api'), folder('file', '/work/web')]), '/work/web');
    assert.equal(gitFolderOf(true, [folder('vscode-vfs', '/github/acme/api')]), undefined);
    assert.equal(gitFolderOf(true, undefined), undefined);
  });
});
