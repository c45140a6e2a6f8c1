import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionId, readManifest } from './support/manifest';

describe('commands', () => {
  const manifest = readManifest();
  const contributed = (manifest.contributes?.commands ?? []).map((entry) => entry.command);

  before(async () => {
    await vscode.extensions.getExtension(extensionId(manifest))?.activate();
  });

  it('registers every command contributed in package.json', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], 'contributed in package.json but not registered by activate()');
  });

  it('contributes every prodlens.* command it registers', async () => {
    // VS Code itself registers `<view id>.focus`, `.open`, … for each contributed view.
    const views = Object.values(manifest.contributes?.views ?? {})
      .flat()
      .map((v) => `${v.id}.`);
    const registered = (await vscode.commands.getCommands(true)).filter(
      (command) => command.startsWith('prodlens.') && !views.some((v) => command.startsWith(v)),
    );
    const unlisted = registered.filter((command) => !contributed.includes(command));
    assert.deepEqual(unlisted, [], 'registered but missing from contributes.commands in package.json');
  });

  it('names contributed commands prodlens.* with a title and the ProdLens category', () => {
    const wrong = (manifest.contributes?.commands ?? []).filter(
      (entry) => !entry.command.startsWith('prodlens.') || !entry.title || entry.category !== 'ProdLens',
    );
    assert.deepEqual(wrong, []);
  });

  it('runs only registered commands from the walkthrough’s links', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const linked = (manifest.contributes?.walkthroughs ?? []).flatMap((w) =>
      w.steps.flatMap((s) => [...((s as { description?: string }).description?.matchAll(/\(command:([\w.-]+)/g) ?? [])].map((m) => m[1]!)),
    );
    assert.ok(linked.length > 0, 'the walkthrough links to commands');
    assert.deepEqual(
      linked.filter((c) => !registered.has(c)),
      [],
      'walkthrough links to commands that do not exist',
    );
  });

  it('refers only to contributed commands from menus and keybindings', () => {
    const menuCommands = Object.values(manifest.contributes?.menus ?? {}).flatMap((items) =>
      items.map((item) => item.command).filter((command): command is string => typeof command === 'string'),
    );
    const keyCommands = (manifest.contributes?.keybindings ?? []).map((binding) => binding.command);
    const dangling = [...menuCommands, ...keyCommands].filter((command) => command.startsWith('prodlens.') && !contributed.includes(command));
    assert.deepEqual(dangling, []);
  });
});
