/**
 * Click-to-filter and grouping on the report page in headless Chromium, hosted as the VS Code panel hosts
 * it (harness.ts: real bundle, real controller, real store). What a click asks for is read from the host
 * (the filter the model was built with); what the page then shows is compared with a model built
 * independently with `buildReport` for that filter.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { shiftDay } from '../../../src/core/day';
import { buildReport } from '../../../src/core/report/build';
import type { ReportFilter, ReportModel } from '../../../src/core/report/model';
import type { Store } from '../../../src/core/store/store';
import { runCli } from '../../../src/cli/main';
import { prices, tempDir } from '../../unit/helpers/events';
import { artifact, buildPage, launch, rendered, sameNumber, watch, type PageProblems } from './browser';
import { fixtureNow, fixtureStore } from '../../unit/report/fixture';
import { attachHost, startPageServer, type HarnessHost } from './harness';

const LAST = '2026-06-24'; // a Wednesday
const NOW = fixtureNow(LAST);
const THIRTY = { since: shiftDay(LAST, -29), until: LAST };

describe('report page: click to filter, group by week and month (headless Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startPageServer>>;
  let store: Store;
  let context: BrowserContext;
  let page: Page;
  let host: HarnessHost;
  let problems: PageProblems;

  const expected = (f: ReportFilter): ReportModel => buildReport(store, f, { prices, nowMs: NOW });
  const renders = () => page.evaluate(() => Number(document.body.dataset.renders ?? 0));
  const lastBuilt = () => host.built.at(-1)!;

  async function assertHeadline(model: ReportModel): Promise<void> {
    for (const h of model.headline) sameNumber((await page.locator(`[data-headline="${h.key}"] .card-value`).textContent())!, h.value, `headline ${h.key}`);
  }

  /** Clicks and waits for the page to render the answer. */
  async function clickAndRender(selector: string): Promise<void> {
    const n = await renders();
    await page.locator(selector).first().click();
    await rendered(page, n + 1);
  }

  before(async () => {
    await buildPage();
    [browser, server, store] = await Promise.all([launch(), startPageServer(), fixtureStore({ lastDay: LAST, days: 90, quietEvery: 17 })]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = await watch(page);
    host = await attachHost(page, store, NOW);
    await page.goto(server.url);
    await rendered(page);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await page.screenshot({ path: artifact(`failed-click-${this.currentTest.title.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
    await context.close();
    assert.deepEqual(problems.csp, [], 'CSP violations');
    assert.deepEqual(problems.console, [], 'console errors');
    assert.deepEqual(host.controller.pageProblems, [], 'problems the page reported to its host');
  });

  it('filters to a model, a repository and a developer when their row is clicked, and back with the select', async () => {
    const before = expected(THIRTY);
    const second = before.models[1]!;
    await clickAndRender(`#models tbody tr[data-row="${second.model}"] button.link`);
    assert.deepEqual(lastBuilt(), { ...THIRTY, repo: null, developer: null, source: null, model: second.model });
    const byModel = expected({ ...THIRTY, model: second.model });
    await assertHeadline(byModel);
    sameNumber((await page.locator('[data-headline="requests"] .card-value').textContent())!, second.requests, 'the model row’s requests are now the headline');
    assert.deepEqual(await page.locator('#models tbody th').allTextContents(), [second.model]);
    assert.equal(await page.locator('#filter-model').inputValue(), JSON.stringify(second.model));

    const repo = byModel.byRepo[0]!.key!;
    await clickAndRender(`#by-repo tbody tr[data-row="${repo}"] button.link`);
    assert.deepEqual(lastBuilt(), { ...THIRTY, repo, developer: null, source: null, model: second.model });
    await assertHeadline(expected({ ...THIRTY, repo, model: second.model }));

    const n = await renders();
    await page.locator('#filter-model').selectOption(JSON.stringify(null));
    await rendered(page, n + 1);
    const dev = expected({ ...THIRTY, repo }).byDeveloper[1]!.key!;
    // Keyboard: the developer is a button, Enter activates it.
    const m = await renders();
    await page.locator(`#by-developer tbody tr[data-row="${dev}"] button.link`).focus();
    await page.keyboard.press('Enter');
    await rendered(page, m + 1);
    assert.deepEqual(lastBuilt(), { ...THIRTY, repo, developer: dev, source: null });
    await assertHeadline(expected({ ...THIRTY, repo, developer: dev }));
    assert.equal(await page.locator('#filter-developer').inputValue(), JSON.stringify(dev));
  });

  it('filters to the day of a chart point clicked with the mouse, or chosen with the arrow keys and Enter', async () => {
    const model = expected(THIRTY);
    const plot = page.locator('[data-chart="requests-errors"] .u-over');
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    const i = 9;
    await page.mouse.move(box.x + (i / (model.days.length - 1)) * box.width, box.y + box.height / 2);
    const tip = page.locator('[data-chart-tooltip="requests-errors"]');
    await tip.waitFor({ state: 'visible' });
    const day = (await tip.getAttribute('data-day'))!;
    assert.equal(day, model.days[i]);
    let n = await renders();
    await page.mouse.down();
    await page.mouse.up();
    await rendered(page, n + 1);
    assert.deepEqual(lastBuilt(), { since: day, until: day, repo: null, developer: null, source: null });
    const oneDay = expected({ since: day, until: day });
    await assertHeadline(oneDay);
    assert.equal(await page.locator('[data-period="custom"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('#custom-since').inputValue(), day);

    await page.locator('[data-period="30"]').click();
    await rendered(page, n + 2);
    await page.locator('[data-chart="tokens-cost"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    n = await renders();
    await page.keyboard.press('Enter');
    await rendered(page, n + 1);
    assert.deepEqual(lastBuilt(), { since: model.days[1], until: model.days[1], repo: null, developer: null, source: null });
    await assertHeadline(expected({ since: model.days[1], until: model.days[1] }));
  });

  it('groups the charts and a period table by week and by month, and a period filters to its days', async () => {
    await page.locator('[data-period="90"]').click();
    await rendered(page, 2);
    const ninety = { since: shiftDay(LAST, -89), until: LAST };
    for (const group of ['week', 'month'] as const) {
      const n = await renders();
      await page.locator(`[data-group="${group}"]`).first().click();
      await rendered(page, n + 1);
      assert.equal(await page.locator(`button[data-group="${group}"]`).getAttribute('aria-pressed'), 'true');
      assert.equal(await page.locator(`[data-chart="requests-errors"]`).getAttribute('data-group'), group);
      assert.equal(await page.locator('#charts-title').textContent(), group === 'week' ? 'Weekly activity' : 'Monthly activity');
      assert.equal(host.built.length, 2, 'grouping is done on the page, without a new model');
      const rows = await page
        .locator('#periods tbody tr')
        .evaluateAll((trs) => trs.map((tr) => ({ start: (tr as HTMLElement).dataset.row!, cells: [...tr.children].map((c) => c.textContent!) })));
      // Every period's totals equal a report built for that period's days alone.
      const starts = rows.map((r) => r.start);
      assert.deepEqual(starts, [...starts].sort().reverse(), 'newest first');
      assert.ok(rows.length >= (group === 'week' ? 13 : 3));
      for (const r of rows) {
        const since = r.start < ninety.since ? ninety.since : r.start;
        const end = group === 'week' ? shiftDay(r.start, 6) : shiftDay(shiftDay(r.start, 32).slice(0, 8) + '01', -1);
        const alone = expected({ since, until: end > LAST ? LAST : end });
        const h = (k: string) => alone.headline.find((x) => x.key === k)!.value;
        sameNumber(r.cells[1]!, h('requests'), `${group} ${r.start} requests`);
        sameNumber(r.cells[2]!, h('total_tokens'), `${group} ${r.start} tokens`);
        sameNumber(r.cells[3]!, h('cost_usd'), `${group} ${r.start} cost`);
        sameNumber(r.cells[5]!, h('commits'), `${group} ${r.start} commits`);
      }
      assert.match(rows.at(0)!.cells[0]!, /\(part\)$/, 'the current period is cut by the range and says so');
    }
    // The tooltip names the month; a click on a month row filters to its days in the range.
    const june = '2026-06-01';
    const n = await renders();
    await page.locator(`#periods tbody tr[data-row="${june}"] button.link`).click();
    await rendered(page, n + 1);
    assert.deepEqual(lastBuilt(), { since: june, until: LAST, repo: null, developer: null, source: null });
    await assertHeadline(expected({ since: june, until: LAST }));
    // The grouping is kept (saved state) after a reload.
    await page.reload();
    await rendered(page);
    assert.equal(await page.locator('button[data-group="month"]').getAttribute('aria-pressed'), 'true');
  });

  it('lists the period’s sessions; a session’s start filters to its day', async () => {
    const model = expected(THIRTY);
    const rows = await page.locator('#sessions tbody tr').count();
    assert.equal(rows, model.sessions!.length);
    const shown = await page
      .locator('#sessions tbody tr')
      .first()
      .evaluate((tr) => [...tr.children].map((c) => c.textContent!));
    const s = model.sessions![0]!;
    assert.equal(shown[0], s.agent);
    assert.equal(shown[1], s.model + (s.modelCount > 1 ? ` +${s.modelCount - 1}` : ''));
    sameNumber(shown[4]!, s.requests, 'session requests');
    sameNumber(shown[5]!, s.totalTokens, 'session tokens');
    assert.equal(shown[7], s.repo);
    assert.match((await page.locator('#sessions-note').textContent())!, new RegExp(`${model.sessionsTotal!.toLocaleString('en-US')} agent sessions`));
    const older = model.sessions!.find((x) => x.day !== LAST)!;
    await clickAndRender(`#sessions tbody tr[data-row="${older.sessionId}"] [data-col="start"] button.link`);
    assert.deepEqual(lastBuilt(), { since: older.day, until: older.day, repo: null, developer: null, source: null });
    const day = expected({ since: older.day, until: older.day });
    assert.ok(day.sessions!.some((x) => x.sessionId === older.sessionId));
    assert.equal(await page.locator('#sessions tbody tr').count(), day.sessions!.length);
  });
});

describe('report page in VS Code’s display language', function () {
  this.timeout(120_000);
  it('writes numbers, money, percentages and days for vscode.env.language (German here)', async () => {
    await buildPage();
    const [browser, server, store] = await Promise.all([launch(), startPageServer(undefined, 'de'), fixtureStore({ lastDay: LAST, days: 40 })]);
    try {
      const page = await browser.newPage();
      const problems = await watch(page);
      await attachHost(page, store, NOW);
      await page.goto(server.url);
      await rendered(page);
      const model = buildReport(store, THIRTY, { prices, nowMs: NOW });
      const card = async (key: string) => (await page.locator(`[data-headline="${key}"] .card-value`).textContent())!;
      const tokens = model.headline.find((h) => h.key === 'total_tokens')!.value!;
      assert.ok(tokens > 1_000_000);
      // German: dots group thousands, the comma is the decimal sign, the currency follows the amount.
      assert.match(await card('total_tokens'), /^\d{1,3}(\.\d{3})+$/);
      assert.equal(Number((await card('total_tokens')).replace(/\./g, '')), tokens);
      const cost = model.headline.find((h) => h.key === 'cost_usd')!.value!;
      const shownCost = await card('cost_usd');
      assert.match(shownCost, /^\d+,\d{2}\s\$$/);
      assert.ok(Math.abs(Number(shownCost.replace(/\s\$$/, '').replace(',', '.')) - cost) <= 0.005);
      assert.match(await card('error_rate'), /^\d+,\d\s%$/);
      assert.equal((await page.locator('#range').textContent())!.replace(/\s+/g, ' '), `26. Mai 2026 – 24. Juni 2026 (local days, ${model.timeZone ?? 'UTC'})`);
      assert.deepEqual([problems.console, problems.csp], [[], []]);
    } finally {
      await browser.close();
      await server.close();
      await store.close();
    }
  });
});

describe('standalone report: grouping without a host', function () {
  this.timeout(120_000);
  it('opens grouped as exported (--group week), switches to months, and offers no filter clicks it cannot apply', async () => {
    const tmp = tempDir('prodlens-group-html-');
    const browser = await launch();
    try {
      await buildPage();
      const db = path.join(tmp.dir, 'p.sqlite');
      const s = await fixtureStore({ lastDay: LAST, days: 60, path: db });
      await s.close();
      let err = '';
      const code = await runCli(['report', '--html', 'r.html', '--group', 'week', '--db', db, '--since', shiftDay(LAST, -59), '--until', LAST], {
        stdout: () => {},
        stderr: (t) => (err += t),
        env: {},
        cwd: tmp.dir,
        signal: new AbortController().signal,
      });
      assert.equal(code, 0, err);
      const page = await browser.newPage();
      const problems = await watch(page);
      await page.goto(pathToFileURL(path.join(tmp.dir, 'r.html')).href);
      await rendered(page);
      assert.equal(await page.locator('button[data-group="week"]').getAttribute('aria-pressed'), 'true');
      assert.ok((await page.locator('#periods tbody tr').count()) >= 9);
      await page.locator('button[data-group="month"]').click();
      await rendered(page, 2);
      assert.deepEqual(await page.locator('#periods tbody tr').evaluateAll((trs) => trs.map((t) => (t as HTMLElement).dataset.row)), [
        '2026-06-01',
        '2026-05-01',
        '2026-04-01',
      ]);
      assert.equal(await page.locator('button.link').count(), 0, 'no row or chart filters in a file without a host');
      assert.equal(await page.locator('.plot[data-pick]').count(), 0);
      assert.deepEqual([problems.console, problems.csp], [[], []]);
    } finally {
      await browser.close();
      tmp.cleanup();
    }
  });
});
