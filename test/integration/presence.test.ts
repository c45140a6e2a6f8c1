import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { placeCursor, resetEditors, typeChars, writeWorkspaceFile } from './support/editor';
import { prodlens, rows, rawDatabaseForTests } from './support/prodlens-api';

/**
 * Editor presence (issue 13 §3) in a real extension host: typing in an editor marks the minute active in
 * `editor_presence` (a quarter-hour slot and a minute mask — no file name, no text), under the workspace's
 * git identity.
 */
describe('editor presence', function () {
  // The first test of a run on a loaded machine also waits for activation and the store to open.
  this.timeout(120_000);
  after(resetEditors);

  it('records the minutes in which the developer types, as counts only', async () => {
    const api = await prodlens();
    const store = await api.services.store();
    assert.equal(vscode.window.state.focused, true, 'the workbench window has focus (presence counts only then)');
    const uri = writeWorkspaceFile('presence/notes.js', 'export const a = 1;\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    placeCursor(editor, editor.document.getText().length);
    const started = Date.now();
    await typeChars('//');
    await api.presence.flush();
    const found = rows(store, 'SELECT slot_ms, developer_id, minutes_mask FROM editor_presence WHERE slot_ms >= ?', [Math.floor(started / 900_000) * 900_000]);
    // A minute from the start of typing to now is marked in its quarter hour's mask.
    const marked = (m: number) => found.some((r) => r[0] === Math.floor(m / 15) * 900_000 && ((r[2] as number) & (1 << (m % 15))) !== 0);
    const minutes = [];
    for (let m = Math.floor(started / 60_000); m <= Math.floor(Date.now() / 60_000); m++) minutes.push(m);
    assert.ok(minutes.some(marked), `rows ${JSON.stringify(found)}; minutes ${minutes.join(', ')}`);
    const cols = rawDatabaseForTests(store).exec('SELECT * FROM editor_presence LIMIT 1')[0]!.columns;
    assert.deepEqual(cols, ['slot_ms', 'developer_id', 'minutes_mask']);
    assert.ok(
      found.every((r) => !String(r[1]).includes('notes')),
      'no file name anywhere',
    );
  });
});
