import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { Database } from 'sql.js';
import * as vscode from 'vscode';
import type { EditorCaptureApi } from '../../src/extension/editor-capture';
import {
  acceptInlineSuggestion,
  activateProdLens,
  editRows,
  nextChange,
  placeCursor,
  recordEditorEvents,
  resetEditors,
  typeChars,
  workspaceGit,
  writeWorkspaceFile,
} from './support/editor';
import { rawDatabaseForTests } from './support/prodlens-api';

/**
 * Editor capture (issue 5) against real editor operations in code-server's extension host: which insertions are
 * recorded as AI (rows of kind `edit`, source `editor`, and tracked regions) and which are not. Survival, exclude
 * globs and the capture gate are in editor-capture-survival.test.ts.
 *
 * code-server is VS Code for the web, where `files.autoSave` defaults to `afterDelay` (1 s): most edits here land in
 * a document that was just saved (see the adapter's reload rule), and where the adapter does not read the clipboard
 * (the browser would ask the user): a paste is recognised as text copied from an open document.
 */
describe('editor capture: what is recorded as AI', function () {
  this.timeout(60_000);
  let capture: EditorCaptureApi;
  let db: Database;
  const files: Record<string, vscode.Uri> = {};
  const regionsOf = (uri: vscode.Uri) => capture.regions().filter((r) => r.doc === uri.toString());

  before(async () => {
    const api = await activateProdLens();
    capture = api.editorCapture;
    db = rawDatabaseForTests(await api.services.store());
    assert.equal(capture.enabled, true, 'capture is on by default in the (trusted) fixture workspace');
    // Written up front: the file watcher folds a write that follows a file's creation closely into the creation.
    const seed: Record<string, string> = {
      chat: 'export const version = 1;\n',
      disk: 'export const name = "disk";\n',
      inline: 'export function area(w, h) {\n  \n}\n',
      prefix: 'export function area(w, h) {\n  con\n}\n',
      paste: 'export const items = [];\n\n',
      source: '// helpers\nexport function count(list) {\n  return list.length;\n}\n',
      typing: 'export function total(items) {\n  \n}\n',
      format: 'export function f(a,b){\nif(a){\nreturn a+b;\n}\nreturn b;\n}\n',
    };
    for (const [name, text] of Object.entries(seed)) files[name] = writeWorkspaceFile(`capture/${name}.js`, text);
  });

  beforeEach(resetEditors);
  after(resetEditors);

  it('records a WorkspaceEdit to a document that is not the active editor as a chat edit (0.6)', async () => {
    const uri = files.chat!;
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.notEqual(vscode.window.activeTextEditor?.document, doc);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, doc.positionAt(doc.getText().length), 'export function double(n) {\n  return n * 2;\n}\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await capture.whenIdle();
    const [region, ...more] = regionsOf(uri);
    assert.deepEqual(more, []);
    assert.equal(region?.meta?.detection, 'workspace-edit');
    const rows = editRows(db, 'capture/chat.js');
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0]!.attrs.detection, rows[0]!.agent, rows[0]!.attrs.confidence], ['workspace-edit', 'chat', 0.6]);
    assert.deepEqual([rows[0]!.linesAdded, rows[0]!.language, rows[0]!.attrs.ext], [3, 'javascript', 'js']);
    // The document's repository, branch and developer at the time of the edit (the fixture is a real git repository).
    const g = workspaceGit(vscode.workspace.workspaceFolders![0]!.uri.fsPath);
    assert.deepEqual([rows[0]!.developerId, rows[0]!.repoSlug, rows[0]!.branch], [g.email, g.slug, g.branch]);
  });

  it('records a file an agent rewrote on disk while it was open and clean (reload: one change, stays clean)', async () => {
    const uri = files.disk!;
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.isDirty, false);
    const seen = recordEditorEvents(uri);
    const changed = nextChange(uri);
    writeFileSync(uri.fsPath, `${doc.getText()}export function shout(s) {\n  return s.toUpperCase() + "!";\n}\n`);
    await changed;
    await capture.whenIdle();
    seen.stop();
    // The assumption behind the rule: a reload arrives as one event and leaves the document clean.
    assert.deepEqual(seen.changes(), [{ changes: 1, dirty: false }]);
    assert.equal(doc.isDirty, false);
    const rows = editRows(db, 'capture/disk.js');
    assert.equal(rows.length, 1);
    // 0.5 for a reload, +0.1 because the file watcher saw the write.
    assert.deepEqual([rows[0]!.attrs.detection, rows[0]!.attrs.confidence, rows[0]!.linesAdded], ['disk', 0.6, 3]);
  });

  it('records an accepted multi-line inline completion once, as inline (0.8), confirmed by the cursor at its end', async () => {
    const uri = files.inline!;
    const suggestion = 'const a = w * h;\n  return a;';
    const provider = inlineProvider('inline.js', suggestion, 0);
    try {
      const editor = await vscode.window.showTextDocument(uri);
      const at = editor.document.getText().indexOf('\n  \n') + 3;
      placeCursor(editor, at);
      const seen = recordEditorEvents(uri);
      await acceptInlineSuggestion(editor.document, () => provider.calls);
      await capture.whenIdle();
      seen.stop();
      assert.ok(editor.document.getText().includes(suggestion));
      assert.equal(seen.changes().length, 1, 'accepted once');
      // The assumption behind the cursor check: right after the change a selection event puts a lone cursor at
      // the end of the insertion (the adapter waits 300 ms for it).
      const after = seen.selectionsAfterFirstChange();
      assert.ok(after.length >= 1, 'no selection event followed the insertion');
      assert.deepEqual(after[0]!.cursors, [at + suggestion.length]);
      assert.ok(after[0]!.delayMs < 300, `the selection came ${after[0]!.delayMs} ms after the change`);

      const regions = regionsOf(uri);
      assert.equal(regions.length, 1);
      assert.deepEqual([regions[0]!.start, regions[0]!.insertedLength, regions[0]!.state], [at, suggestion.length, 'active']);
      const rows = editRows(db, 'capture/inline.js');
      assert.equal(rows.length, 1);
      assert.deepEqual([rows[0]!.attrs.detection, rows[0]!.agent, rows[0]!.attrs.confidence, rows[0]!.linesAdded], ['inline', 'inline', 0.8, 2]);
    } finally {
      provider.dispose();
    }
  });

  it('leaves the typed prefix out of an accepted inline completion', async () => {
    const uri = files.prefix!;
    const suggestion = 'const area = w * h;\n  return area;';
    const provider = inlineProvider('prefix.js', suggestion, 3);
    try {
      const editor = await vscode.window.showTextDocument(uri);
      const typedEnd = editor.document.getText().indexOf('con\n') + 3;
      placeCursor(editor, typedEnd);
      await acceptInlineSuggestion(editor.document, () => provider.calls);
      await capture.whenIdle();
      assert.ok(editor.document.getText().includes(suggestion));
      const regions = regionsOf(uri);
      assert.equal(regions.length, 1);
      // "con" was the user's: the region is what the completion added after it.
      assert.deepEqual([regions[0]!.start, regions[0]!.insertedLength], [typedEnd, suggestion.length - 3]);
      assert.equal(editRows(db, 'capture/prefix.js').length, 1);
    } finally {
      provider.dispose();
    }
  });

  it('does not record a paste of text copied in the editor', async () => {
    const uri = files.paste!;
    // Text copied from another open file. Under extension tests VS Code for the Web swaps the browser clipboard for
    // an in-memory one that the Copy command does not fill (it goes through the browser's copy event), so the test
    // puts the copied text there itself; Paste then reads it as it would the browser's.
    const source = await vscode.workspace.openTextDocument(files.source!);
    const block = 'export function count(list) {\n  return list.length;\n}\n';
    assert.ok(source.getText().includes(block));
    await vscode.env.clipboard.writeText(block);
    const editor = await vscode.window.showTextDocument(uri);
    placeCursor(editor, editor.document.getText().length);
    const changed = nextChange(uri);
    await vscode.commands.executeCommand('editor.action.clipboardPasteAction');
    await changed;
    await capture.whenIdle();
    assert.ok(editor.document.getText().endsWith(block), 'the paste happened');
    assert.deepEqual(regionsOf(uri), []);
    assert.deepEqual(editRows(db, 'capture/paste.js'), []);
  });

  it('does not record typing, character by character (auto-closed pairs, Enter with indentation)', async () => {
    const uri = files.typing!;
    const editor = await vscode.window.showTextDocument(uri);
    placeCursor(editor, editor.document.getText().indexOf('\n  \n') + 3);
    await typeChars('const n = sum(items);\nreturn n;');
    await capture.whenIdle();
    assert.match(editor.document.getText(), /const n = sum\(items\);\n\s+return n;/);
    assert.deepEqual(regionsOf(uri), []);
    assert.deepEqual(editRows(db, 'capture/typing.js'), []);
  });

  it('does not record Format Document (the built-in JavaScript formatter)', async () => {
    const uri = files.format!;
    const editor = await vscode.window.showTextDocument(uri);
    const before = editor.document.getText();
    const changed = nextChange(uri, 15_000);
    await vscode.commands.executeCommand('editor.action.formatDocument');
    await changed;
    await capture.whenIdle();
    assert.notEqual(editor.document.getText(), before, 'the document was formatted');
    assert.match(editor.document.getText(), /return a \+ b;/);
    assert.deepEqual(regionsOf(uri), []);
    assert.deepEqual(editRows(db, 'capture/format.js'), []);
  });
});

/**
 * A test inline completion provider for one file: offers `text` replacing the `prefix` characters before the
 * cursor (the word typed so far), as AI completion providers do, unless the document already holds it (VS Code asks
 * again right after an acceptance; offering it again would let a retried commit insert it twice).
 */
function inlineProvider(file: string, text: string, prefix: number): vscode.Disposable & { readonly calls: number } {
  let calls = 0;
  const registration = vscode.languages.registerInlineCompletionItemProvider(
    { pattern: `**/capture/${file}` },
    {
      provideInlineCompletionItems: (doc, position) => {
        calls += 1;
        if (doc.getText().includes(text)) return [];
        return [new vscode.InlineCompletionItem(text, new vscode.Range(position.translate(0, -prefix), position))];
      },
    },
  );
  return {
    dispose: () => registration.dispose(),
    get calls() {
      return calls;
    },
  };
}
