import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import { prodlens, scalar, type RunningStore } from './support/prodlens-api';

/** Recorded answers of a LiteLLM proxy (test/fixtures/litellm/proxy), served on 127.0.0.1. */
const FIXTURES = path.resolve(__dirname, '../../test/fixtures/litellm/proxy');
const KEY = 'sk-prodlens-e2e-4c3b2a';

/**
 * The opt-in LiteLLM pull inside VS Code: off until a URL (user setting) and a key (SecretStorage) are set;
 * then "ProdLens: Sync LiteLLM Proxy Spend Logs" pulls every page into the running store, and again adds nothing.
 */
describe('LiteLLM proxy pull (setting + SecretStorage + command)', () => {
  let api: ProdLensApi;
  let store: RunningStore;
  let server: http.Server;
  let url: string;
  const seen: string[] = [];

  before(async () => {
    api = await prodlens();
    store = await api.services.store();
    server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push(`${u.pathname}?page=${u.searchParams.get('page')}`);
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== `Bearer ${KEY}`) {
        res.writeHead(401).end(readFileSync(path.join(FIXTURES, 'error-401.json')));
        return;
      }
      const page = Number(u.searchParams.get('page') ?? 1);
      if (u.pathname !== '/spend/logs/v2' || page < 1 || page > 3) {
        res.writeHead(404).end(readFileSync(path.join(FIXTURES, 'error-404.json')));
        return;
      }
      res.writeHead(200).end(readFileSync(path.join(FIXTURES, `spend-logs-v2-page-${page}.json`)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('prodlens').update('litellm.proxyUrl', undefined, vscode.ConfigurationTarget.Global);
    await api.litellm.setKey(undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('nothing is requested until a URL and a key are set; then the command stores every row once', async () => {
    const before = await vscode.commands.executeCommand('prodlens.syncLiteLlmProxy');
    assert.equal(before, undefined);
    assert.equal(seen.length, 0, 'no network without a proxy URL');

    await vscode.workspace.getConfiguration('prodlens').update('litellm.proxyUrl', url, vscode.ConfigurationTarget.Global);
    await api.litellm.setKey(KEY);
    const first = (await vscode.commands.executeCommand('prodlens.syncLiteLlmProxy')) as { inserted: number; rows: number } | undefined;
    assert.ok(first, `the sync ran (requests: ${seen.join(', ')})`);
    assert.deepEqual([first.rows, first.inserted], [7, 7]);
    assert.equal(Number(scalar(store, "SELECT COUNT(*) FROM sessions WHERE source = 'litellm-spend-logs'")), 7);

    const again = (await vscode.commands.executeCommand('prodlens.syncLiteLlmProxy')) as { inserted: number; duplicates: number };
    assert.deepEqual([again.inserted, again.duplicates], [0, 7]);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('prodlens').inspect('litellm')).includes(KEY), 'the key is not in settings');
  });
});
