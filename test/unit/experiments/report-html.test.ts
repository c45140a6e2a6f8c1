/**
 * The "Perceived vs measured" and "Experiment" sections as `prodlens report --html` renders them (the
 * webview's renderer), opened in headless Chromium, against `prodlens report --json` of the same database.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { runCli } from '../../../src/cli/main';
import type { ReportModel } from '../../../src/core/report/model';
import { tempDir } from '../helpers/events';
import { buildPage, launch, rendered, watch } from '../report/browser';
import { experimentStore } from './fixture';

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd, signal: new AbortController().signal });
  return { code, out, err };
}

describe('experiment and survey sections in report --html and --json', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  const tmp = tempDir('prodlens-exp-html-');
  after(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  it('renders the experiment result and the survey agreement the JSON model holds', async () => {
    await buildPage();
    const db = path.join(tmp.dir, 'prodlens.sqlite');
    const { store } = await experimentStore(db);
    await store.close();
    const range = ['--db', db, '--since', '2026-03-02', '--until', '2026-03-13'];
    const json = await cli(['report', '--json', ...range], tmp.dir);
    assert.equal(json.code, 0, json.err);
    const model = JSON.parse(json.out) as ReportModel;
    const exp = model.experiment!;
    assert.equal(exp.status, 'finished');
    assert.equal(exp.adherence.deviations, 1);
    const text = await cli(['report', ...range], tmp.dir);
    assert.match(text.out, /Experiment\n {2}finished/);
    const html = await cli(['report', '--html', 'r.html', ...range], tmp.dir);
    assert.equal(html.code, 0, html.err);

    browser = await launch();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const problems = await watch(page);
    await page.goto(pathToFileURL(path.join(tmp.dir, 'r.html')).href);
    await rendered(page);
    const status = (await page.locator('#experiment-status').textContent())!;
    assert.match(status, /^finished: A = inline completions on, B = inline completions off; 10 working days 2026-03-02 → 2026-03-13/);
    assert.match(status, /9 of 10 units followed their arm \(90%\), 1 deviation/);
    const commits = exp.results.find((r) => r.outcome === 'commits')!;
    const cell = (await page.locator('#experiment tr[data-row="commits"] td[data-col="itt"]').textContent())!;
    assert.equal(cell, `${commits.itt.estimate!.toFixed(2)} [${commits.itt.ciLow!.toFixed(2)}, ${commits.itt.ciHigh!.toFixed(2)}]`);
    assert.match((await page.locator('#perceived-summary').textContent())!, /^2 survey answer\(s\), 2 rated; mean rating 3\.0/);
    assert.equal(await page.locator('#perceived tr[data-row="aiLines"] td[data-col="n"]').textContent(), String(model.perceived!.agreement[0]!.n));
    assert.deepEqual([...problems.console, ...problems.csp], []);
  });
});
