import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

/** The fixture workspace made by scripts/e2e/fixture.mjs; later features (git sync, repo slugs) rely on it. */
describe('fixture workspace', () => {
  const folder = vscode.workspace.workspaceFolders?.[0];

  it('is open as a git repository with history on a feature branch and a GitHub origin', () => {
    assert.ok(folder, 'no workspace folder is open');
    const cwd = folder.uri.fsPath;
    assert.ok(existsSync(path.join(cwd, '.git')), `${cwd} is not a git repository`);
    const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
    assert.match(git('remote', 'get-url', 'origin'), /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    assert.notEqual(git('branch', '--show-current'), 'main');
    assert.ok(Number(git('rev-list', '--count', 'HEAD')) >= 3, 'expected a few commits');
  });
});
