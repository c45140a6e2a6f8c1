import assert from 'node:assert/strict';
import type { Database } from 'sql.js';
import * as vscode from 'vscode';
import type { EditorCaptureApi } from '../../src/extension/editor-capture';
import { activateProdLens, editRowCount, editRows, placeCursor, resetEditors, typeChars, writeWorkspaceFile } from './support/editor';
import { rawDatabaseForTests } from './support/prodlens-api';

/**
 * Editor capture (issue 5), after the insertion: survival measured through later edits and checkpoints, undo/redo,
 * and what is never captured (exclude globs, capture turned off). Runs in code-server's extension host.
 */
describe('editor capture: survival, undo/redo and what is never captured', function () {
  this.timeout(60_000);
  let capture: EditorCaptureApi;
  let db: Database;
  const regionsOf = (uri: vscode.Uri) => capture.regions().filter((r) => r.doc === uri.toString());

  /** Applies one WorkspaceEdit built by `build` and checks VS Code accepted it. */
  const apply = async (build: (edit: vscode.WorkspaceEdit) => void): Promise<void> => {
    const edit = new vscode.WorkspaceEdit();
    build(edit);
    assert.ok(await vscode.workspace.applyEdit(edit), 'VS Code refused the edit');
  };

  before(async () => {
    const api = await activateProdLens();
    capture = api.editorCapture;
    db = rawDatabaseForTests(await api.services.store());
  });

  beforeEach(resetEditors);
  after(resetEditors);

  it('measures survival at a save after part of the insertion was deleted, updating the same event', async () => {
    const rel = 'capture/survival.js';
    const uri = writeWorkspaceFile(rel, 'export const unit = 1;\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    const inserted = 'export function clamp(value, low, high) {\n  if (value < low) return low;\n  if (value > high) return high;\n  return value;\n}\n';
    const removed = '  if (value > high) return high;\n';
    await apply((e) => e.insert(uri, doc.positionAt(doc.getText().length), inserted));
    await capture.whenIdle();
    const first = editRows(db, rel);
    assert.equal(first.length, 1, 'the insertion is recorded');

    const start = doc.getText().indexOf(removed);
    await apply((e) => e.delete(uri, new vscode.Range(doc.positionAt(start), doc.positionAt(start + removed.length))));
    assert.equal(doc.isDirty, true);
    assert.ok(await doc.save(), 'saved (a save is a checkpoint)');
    await capture.whenIdle();

    const rows = editRows(db, rel);
    assert.equal(rows.length, 1, 'updated, not duplicated');
    assert.equal(rows[0]!.traceHash, first[0]!.traceHash);
    // By hand: the insertion is 124 characters in 5 non-empty lines; one line of 33 characters (newline
    // included) was deleted, leaving 91. The rest is a subsequence of the insertion, so M = 91 and
    // diff_ratio = 2·91 / (124 + 91) = 182/215 ≈ 0.8465; 4 of the 5 lines are still there.
    assert.deepEqual([inserted.length, removed.length], [124, 33], 'the hand computation’s lengths');
    assert.equal(rows[0]!.acceptedLines, 4);
    assert.ok(Math.abs(rows[0]!.diffRatio! - 182 / 215) < 1e-9, `diff_ratio ${rows[0]!.diffRatio}`);
    assert.equal(rows[0]!.acceptedFlag, 1, '0.85 ≥ the 0.7 threshold');
    assert.equal(rows[0]!.linesAdded, 5);
    assert.equal(rows[0]!.attrs.checkpoint, 'save');
    assert.equal(rows[0]!.attrs.lines_save, 4);
  });

  it('does not take undo or redo for new insertions, and follows the region through them', async () => {
    const rel = 'capture/undo.js';
    const legacy = 'export function legacy(input) {\n  return input.trim().toLowerCase();\n}\n';
    const uri = writeWorkspaceFile(rel, `export const kept = true;\n\n${legacy}`);
    const editor = await vscode.window.showTextDocument(uri);
    const doc = editor.document;
    placeCursor(editor, 0);
    const added = 'export function compact(list) {\n  return list.filter(Boolean);\n}\n';
    // An edit away from the cursor of the active document while the user is idle: a chat/agent apply.
    await apply((e) => e.insert(uri, doc.positionAt(doc.getText().length), added));
    await capture.whenIdle();
    const first = editRows(db, rel);
    assert.equal(first.length, 1);
    const id = regionsOf(uri)[0]?.id;

    // Undo of a deletion re-inserts substantial text; redo of the insertion inserts it again.
    const start = doc.getText().indexOf(legacy);
    await apply((e) => e.delete(uri, new vscode.Range(doc.positionAt(start), doc.positionAt(start + legacy.length))));
    await vscode.commands.executeCommand('undo');
    assert.ok(doc.getText().includes(legacy), 'the deletion was undone');
    await vscode.commands.executeCommand('undo');
    assert.ok(!doc.getText().includes(added), 'the insertion was undone');
    await vscode.commands.executeCommand('redo');
    assert.ok(doc.getText().includes(added), 'the insertion was redone');
    await capture.whenIdle();
    assert.deepEqual(
      regionsOf(uri).map((r) => [r.id, r.detached]),
      [[id, false]],
      'still the one region, attached again after the redo',
    );

    // A save measures it: whole again.
    placeCursor(editor, 0);
    await typeChars('/');
    assert.ok(await doc.save());
    await capture.whenIdle();
    const rows = editRows(db, rel);
    assert.equal(rows.length, 1, 'no new insertion from undo or redo');
    assert.equal(rows[0]!.traceHash, first[0]!.traceHash);
    assert.deepEqual([rows[0]!.diffRatio, rows[0]!.acceptedLines], [1, 3]);
  });

  it('never captures files matching the exclude globs (dependencies, lockfiles)', async () => {
    const excluded = ['node_modules/left-pad/index.js', 'package-lock.json'];
    const before = editRowCount(db);
    for (const rel of excluded) {
      const uri = writeWorkspaceFile(rel, rel.endsWith('.json') ? '{\n  "lockfileVersion": 3\n}\n' : 'module.exports = {};\n');
      const doc = await vscode.workspace.openTextDocument(uri);
      // The mechanism the adapter relies on: VS Code matches the default globs against the document.
      const glob = rel.endsWith('.json') ? '**/package-lock.json' : '**/node_modules/**';
      assert.ok(vscode.languages.match({ pattern: glob }, doc) > 0, `${glob} matches ${rel}`);
      await apply((e) => e.insert(uri, new vscode.Position(1, 0), '  "packages": {\n    "": { "name": "prodlens-demo" }\n  },\n'));
    }
    await capture.whenIdle();
    assert.equal(editRowCount(db), before);
    for (const rel of excluded) assert.deepEqual(editRows(db, rel), []);
    assert.deepEqual(
      capture.regions().filter((r) => excluded.some((rel) => r.doc.endsWith(rel))),
      [],
    );
  });

  it('captures nothing while prodlens.editor.capture is off (the gate Workspace Trust also closes)', async () => {
    const rel = 'capture/off.js';
    const uri = writeWorkspaceFile(rel, 'export const off = true;\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    const config = vscode.workspace.getConfiguration('prodlens.editor');
    await config.update('capture', false, vscode.ConfigurationTarget.Global);
    try {
      assert.equal(capture.enabled, false);
      await apply((e) => e.insert(uri, doc.positionAt(doc.getText().length), 'export function later(fn) {\n  return setTimeout(fn, 0);\n}\n'));
      await capture.whenIdle();
      assert.deepEqual(regionsOf(uri), []);
      assert.deepEqual(editRows(db, rel), []);
    } finally {
      await config.update('capture', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(capture.enabled, true, 'back on once the setting is cleared');
  });
});
