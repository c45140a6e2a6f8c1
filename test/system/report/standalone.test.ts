/**
 * `prodlens report --html FILE` end to end: the CLI (in process) writes the file from a real database,
 * headless Chromium opens it from disk, and what it shows is compared with `prodlens report --json`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { shiftDay } from '../../../src/core/analyze/series';
import type { ReportModel } from '../../../src/core/report/model';
import { runCli } from '../../../src/cli/main';
import { findWebviewAssets, scriptSafeJson, standaloneHtml } from '../../../src/cli/report-html';
import { tempDir } from '../../unit/helpers/events';
import { artifact, buildPage, contrastOf, launch, rendered, sameNumber, watch, type PageProblems } from './browser';
import { emptyStore, fixtureStore } from '../../unit/report/fixture';

const LAST = '2026-06-30';
const FIRST = shiftDay(LAST, -119);

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd, signal: new AbortController().signal });
  return { code, out, err };
}

describe('standalone HTML report (prodlens report --html)', function () {
  this.timeout(90_000);
  let tmp: ReturnType<typeof tempDir>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let file: string;
  let jsonAll: ReportModel;

  const range = ['--since', FIRST, '--until', LAST];

  async function open(f: string): Promise<void> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = await watch(page);
    await page.goto(pathToFileURL(f).href);
    await rendered(page);
  }

  async function assertHeadline(model: ReportModel): Promise<void> {
    for (const h of model.headline) sameNumber((await page.locator(`[data-headline="${h.key}"] .card-value`).textContent())!, h.value, `headline ${h.key}`);
  }

  before(async () => {
    tmp = tempDir('prodlens-report-html-');
    await buildPage();
    const db = path.join(tmp.dir, 'prodlens.sqlite');
    const store = await fixtureStore({ lastDay: LAST, days: 120, quietEvery: 17, path: db });
    await store.close();
    file = path.join(tmp.dir, 'report.html');
    const html = await cli(['report', '--html', 'report.html', '--db', db, ...range], tmp.dir);
    assert.equal(html.code, 0, html.err);
    assert.match(html.out, /Wrote .*report\.html: 2026-03-03 → 2026-06-30, 4 period\(s\)/);
    const json = await cli(['report', '--json', '--db', db, ...range], tmp.dir);
    assert.equal(json.code, 0, json.err);
    jsonAll = JSON.parse(json.out) as ReportModel;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    tmp?.cleanup();
  });
  beforeEach(async () => open(file));
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await page.screenshot({ path: artifact(`failed-standalone-${this.currentTest.title.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
    await context.close();
    assert.deepEqual(problems.csp, [], 'CSP violations');
    assert.deepEqual(problems.console, [], 'console errors');
  });

  it('shows the numbers of report --json for the exported range', async () => {
    await assertHeadline(jsonAll);
    const model = await page.locator('#models tbody tr').first().locator('td').allTextContents();
    sameNumber(model[0]!, jsonAll.models[0]!.requests, 'first model requests');
    sameNumber(model[4]!, jsonAll.models[0]!.costUsd, 'first model cost');
    const r = await page.locator('#correlation-table tbody [data-col="r"]').allTextContents();
    const tested = jsonAll.correlations.rows.filter((x) => x.role === 'test' && x.status === 'ok');
    assert.equal(r.length, tested.length);
    tested.forEach((row, i) => sameNumber(r[i]!, row.r, `r of row ${i}`));
    assert.equal(await page.locator('#corr-summary').textContent(), `${jsonAll.correlations.summary}.`);
    assert.equal(await page.locator('[data-period="all"]').textContent(), 'Exported range');
  });

  it('switches among the embedded periods without a host, matching report --json for each', async () => {
    const db = path.join(tmp.dir, 'prodlens.sqlite');
    for (const [preset, days] of [
      ['7', 7],
      ['90', 90],
    ] as const) {
      const n = await page.evaluate(() => Number(document.body.dataset.renders));
      await page.locator(`[data-period="${preset}"]`).click();
      await rendered(page, n + 1);
      const json = await cli(['report', '--json', '--db', db, '--since', shiftDay(LAST, -(days - 1)), '--until', LAST], tmp.dir);
      await assertHeadline(JSON.parse(json.out) as ReportModel);
      assert.equal(await page.locator(`[data-period="${preset}"]`).getAttribute('aria-pressed'), 'true');
    }
  });

  it('disables the filters it cannot apply offline and says why', async () => {
    for (const id of ['repo', 'developer', 'source']) assert.equal(await page.locator(`#filter-${id}`).isDisabled(), true, id);
    assert.equal(await page.locator('[data-period="custom"]').count(), 0);
    assert.match((await page.locator('#filter-note').textContent())!, /export again \(prodlens report --html FILE --repo/);
    assert.equal(await page.locator('#filter-repo').getAttribute('aria-describedby'), 'filter-note');
  });

  it('keeps "</script>" in data as text and runs under its own strict CSP', async () => {
    const html = readFileSync(file, 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;|&apos;/g, "'");
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'only the data and code elements end a script');
    await page.locator('#dead-letters summary').click();
    const details = await page.locator('#dead-letters .letter-detail').allTextContents();
    assert.ok(details.length > 0 && details.every((d) => /bytes · sha256/.test(d)), details.join('\n'));
    assert.ok(!html.includes('stringValue'), 'no dead-letter input in the file');
    const injected = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = 1';
      document.head.append(s);
      const img = document.createElement('img');
      img.src = 'https://example.invalid/pixel.png';
      document.body.append(img);
      return (window as unknown as { __injected?: number }).__injected ?? null;
    });
    assert.equal(injected, null);
    await page.waitForTimeout(100);
    assert.ok(
      problems.csp.some((v) => v.startsWith('script-src')),
      problems.csp.join('\n'),
    );
    assert.ok(
      problems.csp.some((v) => v.startsWith('img-src') || v.startsWith('default-src')),
      problems.csp.join('\n'),
    );
    problems.csp.length = 0;
    problems.console.length = 0;
  });

  it('follows the browser: light, dark and high contrast (screenshots in test-artifacts/report/)', async () => {
    const backgrounds = new Set<string>();
    for (const [name, media] of [
      ['light', { colorScheme: 'light', contrast: 'no-preference' }],
      ['dark', { colorScheme: 'dark', contrast: 'no-preference' }],
      ['hc-dark', { colorScheme: 'dark', contrast: 'more' }],
    ] as const) {
      const drawn = await page.evaluate(() => Number(document.body.dataset.chartsDrawn ?? 0));
      await page.emulateMedia(media);
      if (name !== 'light') await page.waitForFunction((d) => Number(document.body.dataset.chartsDrawn) > d, drawn);
      backgrounds.add(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      for (const sel of ['.card-value', '.muted', '#correlation-table tbody td']) {
        const ratio = await contrastOf(page, sel);
        assert.ok(ratio >= 4.5, `${name}: ${sel} contrast ${ratio.toFixed(2)}`);
      }
      await page.screenshot({ path: artifact(`standalone-${name}.png`), fullPage: true });
    }
    assert.equal(backgrounds.size, 3, [...backgrounds].join(', '));
  });

  it('tells a new user how to get data in, without buttons it cannot run', async () => {
    const db = path.join(tmp.dir, 'empty.sqlite');
    await (await emptyStore(LAST, db)).close();
    const out = path.join(tmp.dir, 'empty.html');
    const r = await cli(['report', '--html', out, '--db', db], tmp.dir);
    assert.equal(r.code, 0, r.err);
    await context.close();
    await open(out);
    await page.locator('#empty-state').waitFor();
    assert.equal(await page.locator('#empty-state button').count(), 0);
    assert.match((await page.locator('#empty-state').textContent())!, /run “ProdLens: Copy Collector Setup” from the Command Palette/);
  });
});

describe('standalone HTML parts', () => {
  it('escapes "<" in embedded JSON so no string can close the script element', () => {
    const json = scriptSafeJson({ excerpt: '</script><script>alert(1)</script>', sep: '\u2028' });
    assert.doesNotMatch(json, /</);
    assert.deepEqual(JSON.parse(json), { excerpt: '</script><script>alert(1)</script>', sep: '\u2028' });
  });

  it('refuses to inline a bundle that would end its own script element', () => {
    const data = { models: { all: {} as ReportModel }, note: '' };
    assert.throws(() => standaloneHtml(data, { script: 'var s = "</script>";', css: '' }, 't'), /cannot be inlined/);
    assert.throws(() => standaloneHtml(data, { script: '', css: 'a::after{content:"</style>"}' }, 't'), /cannot be inlined/);
  });

  it('finds no bundle where none was built, and rejects --json with --html', async () => {
    assert.equal(findWebviewAssets([path.join(__dirname, 'no-such-dir')]), null);
    const r = await cli(['report', '--json', '--html', 'x.html'], process.cwd());
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot be combined/);
  });
});
