import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionId, readManifest } from './support/manifest';

describe('extension', () => {
  const manifest = readManifest();

  it('is installed under publisher.name from package.json and activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId(manifest));
    assert.ok(extension, `${extensionId(manifest)} is not among the installed extensions`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('is the build of this working tree, not some other installed copy', () => {
    const extension = vscode.extensions.getExtension(extensionId(manifest));
    assert.ok(extension);
    assert.equal(extension.packageJSON.version, manifest.version);
    assert.equal(extension.packageJSON.main, (manifest as { main?: string }).main);
  });
});
