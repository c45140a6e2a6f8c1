import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { askDriver } from './support/driver';
import { extensionId, readManifest, repoRoot } from './support/manifest';

/** Waits until the driver sees what `check` accepts in the workbench, or fails with what it saw last. */
async function waitForElements(selector: string, check: (texts: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let texts: string[] = [];
  for (;;) {
    try {
      texts = (await askDriver('workbenchElements', { selector, timeoutMs: 5_000 })).elements.map((e) => e.text.replace(/\s+/g, ' ').trim());
      if (check(texts)) return texts;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`${what}; the page shows ${JSON.stringify(texts)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('walkthrough ("ProdLens: Get Started")', () => {
  const manifest = readManifest();
  const walkthrough = manifest.contributes?.walkthroughs?.[0];

  before(async () => {
    await vscode.extensions.getExtension(extensionId(manifest))?.activate();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens on its first step with every step listed and the step’s page rendered', async function () {
    this.timeout(90_000);
    assert.ok(walkthrough, 'package.json contributes a walkthrough');
    await vscode.commands.executeCommand('prodlens.getStarted');
    // The walkthrough page lists every step of package.json, by title, in order.
    const titles = walkthrough.steps.map((s) => s.title);
    const shown = await waitForElements(
      '.gettingStartedSlideDetails button.getting-started-step',
      (texts) => titles.every((t) => texts.some((x) => x.includes(t))),
      `the walkthrough page does not list the steps ${JSON.stringify(titles)}`,
    );
    assert.deepEqual(
      titles.map((t) => shown.findIndex((x) => x.includes(t))),
      titles.map((_, i) => i),
      'steps in the manifest’s order',
    );
    // The first step is open, and its Markdown page (media/walkthrough/privacy.md) is rendered beside it.
    const first = walkthrough.steps[0]!;
    const markdown = readFileSync(path.join(repoRoot, first.media.markdown!), 'utf8');
    const heading = /^# (.+)$/m.exec(markdown)?.[1];
    assert.ok(heading, `${first.media.markdown} starts with a heading`);
    const deadline = Date.now() + 30_000;
    let text = '';
    while (!text.includes(heading) && Date.now() < deadline) {
      text = await askDriver('webviewText', { selector: 'body', timeoutMs: 10_000 }).then(
        (a) => a.text,
        () => '',
      );
      if (!text.includes(heading)) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(text.includes(heading), `the step's page shows "${heading}"; it shows ${JSON.stringify(text.slice(0, 300))}`);
    assert.match(text, /never/i, 'the page says what ProdLens never does');
    await askDriver('screenshot', { name: 'walkthrough.png' });
  });
});
