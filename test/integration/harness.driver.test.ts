import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { askDriver } from './support/driver';
import { DRIVER_DIR_ENV } from './support/protocol';

/** The request channel later webview tests rely on: the driver sees the page the extension host drives. */
describe('driver requests', () => {
  let panel: vscode.WebviewPanel | undefined;

  afterEach(() => {
    panel?.dispose();
    panel = undefined;
  });

  it('reads text rendered inside a webview', async () => {
    const marker = `probe-${Date.now()}`;
    panel = vscode.window.createWebviewPanel('prodlens.e2eProbe', 'E2E probe', vscode.ViewColumn.One, {});
    panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none';"></head><body><p id="probe">${marker}</p></body></html>`;
    const answer = await askDriver('webviewText', { selector: '#probe', timeoutMs: 20_000 });
    assert.equal(answer.text, marker);
  });

  it('takes a PNG screenshot of the window', async () => {
    const answer = await askDriver('screenshot', { name: 'harness-probe.png' });
    const bytes = readFileSync(answer.path);
    assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(bytes.length, answer.bytes);
  });

  it('gives the extension host a HOME inside the run folder, so the user’s own agent data stays out', () => {
    const runDir = path.dirname(process.env[DRIVER_DIR_ENV] ?? '/');
    assert.equal(process.env.HOME, path.join(runDir, 'home'));
  });
});
