import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { contributedSettings, readManifest } from './support/manifest';

describe('settings', () => {
  const settings = contributedSettings(readManifest());

  it('keeps every contributed setting under prodlens.* with a declared default', () => {
    const wrong = settings.filter((setting) => !setting.key.startsWith('prodlens.') || setting.default === undefined);
    assert.deepEqual(wrong, []);
  });

  it('reads every contributed setting through getConfiguration with its declared default', () => {
    for (const setting of settings) {
      const section = setting.key.slice(0, setting.key.lastIndexOf('.'));
      const name = setting.key.slice(setting.key.lastIndexOf('.') + 1);
      const inspected = vscode.workspace.getConfiguration().inspect(setting.key);
      assert.ok(inspected, `VS Code does not know the setting ${setting.key}`);
      assert.deepEqual(inspected.defaultValue, setting.default, `default of ${setting.key}`);
      // The fixture workspace sets nothing, so the effective value is the default.
      assert.deepEqual(vscode.workspace.getConfiguration(section).get(name), setting.default, `value of ${setting.key}`);
    }
  });
});
