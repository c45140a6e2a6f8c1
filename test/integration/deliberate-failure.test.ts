import assert from 'node:assert/strict';
import * as vscode from 'vscode';

// Proof that a failing test fails the run (removed again in the next commit).
describe('deliberate failure', () => {
  it('expects a second workspace folder that the fixture does not have', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length, 2);
  });
});
