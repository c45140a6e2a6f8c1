import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import { prodlens, rows, workspaceFolder, type RunningStore } from './support/prodlens-api';

/**
 * Cline keeps its tasks in its own global-storage folder, a sibling of ProdLens's: a task written there
 * (as Cline writes it: ui_messages.json with api_req_started usage, state/taskHistory.json with the task's
 * working folder) is read with no setting and no command but the rescan.
 */
describe('agent histories (Cline in the globalStorage sibling folder)', () => {
  let api: ProdLensApi;
  let store: RunningStore;

  before(async () => {
    api = await prodlens();
    store = await api.services.store();
  });

  it('reads a Cline task of this workspace, with Cline’s own totals, and leaves another project’s task out', async () => {
    const clineDir = path.join(path.dirname(api.services.context.globalStorageUri.fsPath), 'saoudrizwan.claude-dev');
    const now = Date.now();
    const mine = String(now - 60_000);
    const other = String(now - 50_000);
    const usage = [
      { tokensIn: 3, tokensOut: 412, cacheWrites: 12050, cacheReads: 0, cost: 0.0512 },
      { tokensIn: 5, tokensOut: 260, cacheWrites: 1830, cacheReads: 12050, cost: 0.0118 },
    ];
    const task = (id: string) => {
      const dir = path.join(clineDir, 'tasks', id);
      mkdirSync(dir, { recursive: true });
      const messages = [
        { ts: Number(id), type: 'say', say: 'task', text: 'Refactor the auth middleware' },
        ...usage.map((u, i) => ({
          ts: Number(id) + 1000 * (i + 1),
          type: 'say',
          say: 'api_req_started',
          text: JSON.stringify({ request: '<task>Refactor</task>', ...u }),
          modelInfo: { modelId: 'claude-sonnet-4-5-20250929', providerId: 'anthropic', mode: 'act' },
        })),
      ];
      writeFileSync(path.join(dir, 'ui_messages.json'), JSON.stringify(messages));
    };
    task(mine);
    task(other);
    const total = (k: keyof (typeof usage)[number]) => usage.reduce((a, u) => a + u[k], 0);
    const item = (id: string, cwd: string) => ({
      id,
      ts: Number(id) + 5000,
      task: 'Refactor',
      tokensIn: total('tokensIn'),
      tokensOut: total('tokensOut'),
      cacheWrites: total('cacheWrites'),
      cacheReads: total('cacheReads'),
      totalCost: total('cost'),
      cwdOnTaskInitialization: cwd,
      modelId: 'claude-sonnet-4-5-20250929',
    });
    mkdirSync(path.join(clineDir, 'state'), { recursive: true });
    writeFileSync(path.join(clineDir, 'state', 'taskHistory.json'), JSON.stringify([item(mine, workspaceFolder()), item(other, '/somewhere/else')]));

    await vscode.commands.executeCommand('prodlens.rescanTranscripts');
    const [stored] = rows(
      store,
      "SELECT COUNT(*), SUM(tokens_in), SUM(tokens_out), SUM(cache_write_tokens), SUM(cache_read_tokens), SUM(cost_usd) FROM sessions WHERE source = 'cline-history' AND session_id = ?",
      [mine],
    ) as Array<[number, number, number, number, number, number]>;
    assert.deepEqual(stored!.slice(0, 5).map(Number), [2, total('tokensIn'), total('tokensOut'), total('cacheWrites'), total('cacheReads')]);
    assert.ok(Math.abs(Number(stored![5]) - total('cost')) < 1e-9);
    assert.equal(
      Number(rows(store, "SELECT COUNT(*) FROM sessions WHERE source = 'cline-history' AND session_id = ?", [other])[0]![0]),
      0,
      'another project’s task',
    );
    assert.equal(Number(rows(store, "SELECT COUNT(*) FROM source_status WHERE source = 'cline-history'")[0]![0]), 1, 'data health shows the source');
  });
});
