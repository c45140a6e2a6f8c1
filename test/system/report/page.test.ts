/**
 * The report page in headless Chromium, hosted the way the VS Code panel hosts it (harness.ts): real
 * bundle, real controller, real models from a real store. Numbers on the page are read back and compared
 * with models built independently with `buildReport`.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { shiftDay } from '../../../src/core/analyze/series';
import { buildReport } from '../../../src/core/report/build';
import type { ReportFilter, ReportModel } from '../../../src/core/report/model';
import type { Store } from '../../../src/core/store/store';
import { batchOf, event, prices } from '../../unit/helpers/events';
import { applyTheme, artifact, buildPage, contrastOf, launch, rendered, sameNumber, watch, type PageProblems } from './browser';
import { emptyStore, fixtureNow, fixtureStore } from '../../unit/report/fixture';
import { attachHost, startPageServer, type HarnessHost } from './harness';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const LAST = '2026-06-30';
const NOW = fixtureNow(LAST);
const FIRST = shiftDay(LAST, -119);

describe('report page in the webview host (headless Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startPageServer>>;
  let store: Store;
  let context: BrowserContext;
  let page: Page;
  let host: HarnessHost;
  let problems: PageProblems;

  const expected = (f: ReportFilter): ReportModel => buildReport(store, f, { prices, nowMs: NOW });

  async function open(s: Store = store): Promise<void> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = await watch(page);
    host = await attachHost(page, s, NOW);
    await page.goto(server.url);
    await rendered(page);
  }

  async function headline(): Promise<Map<string, string>> {
    const cards = await page
      .locator('[data-headline]')
      .evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.headline!, e.querySelector('.card-value')!.textContent!] as const));
    return new Map(cards);
  }

  async function assertHeadline(model: ReportModel): Promise<void> {
    const shown = await headline();
    assert.equal(shown.size, model.headline.length);
    for (const h of model.headline) sameNumber(shown.get(h.key)!, h.value, `headline ${h.key}`);
  }

  async function renders(): Promise<number> {
    return page.evaluate(() => Number(document.body.dataset.renders ?? 0));
  }

  before(async () => {
    await buildPage();
    [browser, server, store] = await Promise.all([launch(), startPageServer(), fixtureStore({ lastDay: LAST, days: 120, quietEvery: 17 })]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });
  beforeEach(async () => open());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await page.screenshot({ path: artifact(`failed-webview-${this.currentTest.title.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
    await context.close();
    assert.deepEqual(problems.csp, [], 'CSP violations');
    assert.deepEqual(problems.console, [], 'console errors');
    assert.deepEqual(host.controller.pageProblems, [], 'problems the page reported to its host');
  });

  it('sends ready first and shows the 30-day model: headline, change vs the previous period, tables', async () => {
    assert.equal(host.received[0]?.type, 'ready');
    assert.deepEqual(host.built[0], { since: shiftDay(LAST, -29), until: LAST, repo: null, developer: null, source: null });
    const model = expected({ since: shiftDay(LAST, -29), until: LAST });
    await assertHeadline(model);
    const req = model.headline.find((h) => h.key === 'requests')!;
    assert.ok(req.changePct !== null);
    const change = await page.locator('[data-headline="requests"] .card-change').textContent();
    assert.match(change!, /vs previous period/);
    sameNumber(change!.replace(' vs previous period', ''), req.changePct / 100, 'requests change');

    // Per-model table: every cell of every row.
    const rows = await page.locator('#models tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!)));
    assert.equal(rows.length, model.models.length);
    model.models.forEach((m, i) => {
      const r = rows[i]!;
      assert.equal(r[0], m.editorUnknown ? 'editor (model unknown)' : (m.model ?? '(unknown model)'));
      sameNumber(r[1]!, m.requests, 'model requests');
      sameNumber(r[3]!, m.totalTokens, 'model tokens');
      sameNumber(r[5]!, m.costUsd, 'model cost');
      sameNumber(r[6]!, m.unpricedRequests, 'model unpriced');
      sameNumber(r[7]!, m.acceptanceRate, 'model acceptance');
    });
    assert.ok(model.models.some((m) => m.unpricedRequests > 0) && (await page.locator('#unpriced-note').isVisible()), 'unpriced requests are called out');
    assert.equal(await page.locator('#price-table').textContent(), model.health.priceTable);
    const health = await page.locator('#health tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!)));
    model.health.sources.forEach((s, i) => {
      assert.equal(health[i]![0], s.source);
      sameNumber(health[i]![3]!, s.eventsToday, `${s.source} events today`);
    });
  });

  it('shows the day and values under the cursor in a chart tooltip, by mouse and by keyboard', async () => {
    const model = expected({ since: shiftDay(LAST, -29), until: LAST });
    const plot = page.locator('[data-chart="requests-errors"] .u-over');
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    const i = 11;
    await page.mouse.move(box.x + (i / (model.days.length - 1)) * box.width, box.y + box.height / 2);
    const tip = page.locator('[data-chart-tooltip="requests-errors"]');
    await tip.waitFor({ state: 'visible' });
    assert.equal(await tip.getAttribute('data-day'), model.days[i]);
    sameNumber((await tip.locator('[data-series="requests"] .tip-value').textContent())!, model.series.requests[i]!, 'tooltip requests');
    sameNumber((await tip.locator('[data-series="errors"] .tip-value').textContent())!, model.series.errors[i]!, 'tooltip errors');

    await page.locator('[data-chart="tokens-cost"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const ktip = page.locator('[data-chart-tooltip="tokens-cost"]');
    assert.equal(await ktip.getAttribute('data-day'), model.days[2]);
    sameNumber((await ktip.locator('[data-series="cost_usd"] .tip-value').textContent())!, model.series.cost_usd[2]!, 'tooltip cost');
  });

  it('draws unmeasured days as gaps ("not measured"), and quiet days as 0', async () => {
    // A custom range that starts ten days before ProdLens saw anything.
    const since = shiftDay(FIRST, -10);
    const until = shiftDay(FIRST, 19);
    await page.locator('[data-period="custom"]').click();
    await page.locator('#custom-since').fill(since);
    await page.locator('#custom-until').fill(until);
    const before = await renders();
    await page.locator('[data-focus-key="custom-apply"]').click();
    await rendered(page, before + 1);
    const model = expected({ since, until });
    assert.equal(model.series.requests[3], null);
    const quiet = model.days.indexOf(shiftDay(FIRST, 16));
    assert.equal(model.series.requests[quiet], 0, 'the fixture has no activity on day 16');
    await assertHeadline(model);

    await page.locator('[data-chart="requests-errors"]').focus();
    await page.keyboard.press('Home');
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
    const tip = page.locator('[data-chart-tooltip="requests-errors"]');
    assert.equal(await tip.getAttribute('data-day'), model.days[3]);
    assert.equal(await tip.locator('[data-series="requests"] .tip-value').textContent(), 'not measured');
    await page.keyboard.press('Home');
    for (let k = 0; k < quiet; k++) await page.keyboard.press('ArrowRight');
    assert.equal(await tip.getAttribute('data-day'), model.days[quiet]);
    assert.equal(await tip.locator('[data-series="requests"] .tip-value').textContent(), '0');
  });

  it('shows the tested correlation rows of the model, says which days and method, and sorts by clicking and by keyboard', async () => {
    const model = expected({ since: shiftDay(LAST, -29), until: LAST });
    const c = model.correlations;
    const tested = c.rows.filter((r) => r.role === 'test' && r.status === 'ok');
    const checks = c.rows.filter((r) => r.role === 'check');
    const cells = (col: string) => page.locator(`#correlation-table tbody [data-col="${col}"]`).allTextContents();
    assert.equal((await cells('r')).length, tested.length);
    const [rs, ps, adj, pearson, ns] = [await cells('r'), await cells('p'), await cells('pAdjusted'), await cells('check'), await cells('n')];
    tested.forEach((row, i) => {
      sameNumber(rs[i]!, row.r, `r of row ${i}`);
      if (row.p! < 0.001) assert.equal(ps[i], '<0.001');
      else sameNumber(ps[i]!, row.p, `p of row ${i}`);
      if (row.pAdjusted! >= 0.001) sameNumber(adj[i]!, row.pAdjusted, `adjusted p of row ${i}`);
      const check = checks.find((k) => k.ai === row.ai && k.outcome === row.outcome && k.lag === row.lag)!;
      sameNumber(pearson[i]!, check.r, `Pearson check of row ${i}`);
      assert.equal(ns[i]!.split(' ')[0], String(row.n));
    });
    assert.deepEqual(
      await cells('reading'),
      tested.map((r) => r.reading),
    );
    assert.equal(await page.locator('#corr-summary').textContent(), `${c.summary}.`);
    assert.match(c.summary, /working days of 30 .*Spearman.*Benjamini–Hochberg over \d+ tests/);
    const untested = await page.locator('#corr-untested li').allTextContents();
    assert.equal(untested.length, c.untested.length);
    c.untested.forEach((u, i) => assert.match(untested[i]!, new RegExp(`^${u.count} pairs? × lags not tested: ${u.reason}$`)));
    assert.equal(await page.locator('#corr-method').count(), 0, 'no method to pick');

    const header = page.locator('#correlation-table th:has([data-sort="r"])');
    await page.locator('[data-sort="r"]').click();
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    const asc = (await cells('r')).map((t) => Number(t.replace('−', '-')));
    assert.deepEqual(
      asc,
      [...asc].sort((a, b) => a - b),
    );

    // Keyboard: the header button keeps focus across the re-render; Enter flips the direction.
    await page.locator('[data-sort="r"]').focus();
    await page.keyboard.press('Enter');
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.sort), 'r');
    const desc = (await cells('r')).map((t) => Number(t.replace('−', '-')));
    assert.deepEqual(
      desc,
      [...desc].sort((a, b) => b - a),
    );
  });

  it('reaches the filters, charts and table headers with Tab, with a visible focus ring', async () => {
    const reached = new Set<string>();
    for (let k = 0; k < 80 && reached.size < 5; k++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const s = getComputedStyle(el);
        return {
          key: el.dataset.focusKey ?? (el.dataset.chart ? `chart-${el.dataset.chart}` : el.tagName),
          outline: s.outlineStyle !== 'none' && s.outlineWidth !== '0px',
        };
      });
      if (['period-7', 'filter-repo', 'chart-tokens-cost', 'sort-check', 'sort-p'].includes(f.key)) {
        assert.ok(f.outline, `${f.key} shows a focus ring`);
        reached.add(f.key);
      }
    }
    assert.deepEqual([...reached].sort(), ['chart-tokens-cost', 'filter-repo', 'period-7', 'sort-check', 'sort-p']);
  });

  it('changes the numbers with the period, repository, developer and source filters, and keeps them after a reload', async () => {
    let n = await renders();
    await page.locator('[data-period="7"]').click();
    await rendered(page, ++n);
    await assertHeadline(expected({ since: shiftDay(LAST, -6), until: LAST }));

    await page.locator('[data-period="90"]').click();
    await rendered(page, ++n);
    const ninety = { since: shiftDay(LAST, -89), until: LAST };
    await page.locator('#filter-repo').selectOption(JSON.stringify('acme/web'));
    await rendered(page, ++n);
    const byRepo = expected({ ...ninety, repo: 'acme/web' });
    await assertHeadline(byRepo);
    // The 90 days before were only partly measured: no change, and the card says why.
    const note = byRepo.headline.find((h) => h.key === 'requests')!.note;
    assert.match(note ?? '', /previous period only \d+% measured/);
    assert.equal(await page.locator('[data-headline="requests"] .card-change').textContent(), note);
    assert.notEqual(byRepo.headline.find((h) => h.key === 'requests')!.value, expected(ninety).headline.find((h) => h.key === 'requests')!.value);
    const repoRows = await page.locator('#by-repo tbody tr th').allTextContents();
    assert.deepEqual(repoRows, ['acme/web']);

    await page.locator('#filter-developer').selectOption(JSON.stringify('ben@example.com'));
    await rendered(page, ++n);
    await page.locator('#filter-source').selectOption(JSON.stringify('editor'));
    await rendered(page, ++n);
    const all = expected({ ...ninety, repo: 'acme/web', developer: 'ben@example.com', source: 'editor' });
    await assertHeadline(all);
    assert.equal(all.headline.find((h) => h.key === 'requests')!.value, 0, 'the editor sends no requests');

    await page.reload();
    await rendered(page);
    const ready = host.received.filter((m) => m.type === 'ready').at(-1)!;
    assert.deepEqual(ready.type === 'ready' && ready.filter, {
      period: '90',
      since: null,
      until: null,
      repo: 'acme/web',
      developer: 'ben@example.com',
      source: 'editor',
      model: null,
    });
    assert.equal(await page.locator('[data-period="90"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('#filter-repo').inputValue(), JSON.stringify('acme/web'));
    await assertHeadline(all);
  });

  it('personal by default; the team toggle counts every author’s commits, and Data health says whose', async () => {
    // ana's commits are "mine" (as sync-git marks them when ana is the git user.email).
    rawDatabaseForTests(store).run("UPDATE commits SET is_mine = (author_email = 'ana@example.com')");
    try {
      const range = { since: shiftDay(LAST, -29), until: LAST };
      const n = await renders();
      await host.controller.refresh();
      await rendered(page, n + 1);
      const personal = expected(range);
      const team = expected({ ...range, scope: 'all' });
      const commits = (m: ReportModel) => m.headline.find((h) => h.key === 'commits')!.value!;
      assert.ok(commits(personal) > 0 && commits(team) > commits(personal), 'the fixture has commits by several authors');
      await assertHeadline(personal);
      assert.match(
        (await page.locator('#attribution').textContent())!,
        new RegExp(`Personal view: AI use against your commits \\(${personal.attribution!.commitsMine} of ${personal.attribution!.commitsAll}\\)`),
      );
      await page.locator('#filter-all-developers').check();
      await rendered(page, n + 2);
      assert.deepEqual(host.built.at(-1), { ...range, repo: null, developer: null, source: null, scope: 'all' });
      await assertHeadline(team);
      assert.match((await page.locator('#attribution').textContent())!, /All developers: AI use against every author's commits/);
    } finally {
      rawDatabaseForTests(store).run('UPDATE commits SET is_mine = NULL');
    }
  });

  it('updates in place when new events arrive, keeping the open dead-letter details', async () => {
    await page.locator('#dead-letters summary').click();
    const before = (await headline()).get('requests')!;
    const events = Array.from({ length: 25 }, (_, k) =>
      event({ id: `live-${k}`, source: 'claude-code-otel', time: `${LAST}T11:${String(k).padStart(2, '0')}:00Z`, repo_slug: 'acme/api' }),
    );
    await store.ingest(batchOf(events));
    const n = await renders();
    await host.controller.refresh();
    await rendered(page, n + 1);
    const after = (await headline()).get('requests')!;
    assert.equal(Number(after.replace(/,/g, '')), Number(before.replace(/,/g, '')) + 25);
    await assertHeadline(expected({ since: shiftDay(LAST, -29), until: LAST }));
    assert.equal(await page.locator('#dead-letters').getAttribute('open'), '');
    assert.equal(host.posted.at(-1)?.type === 'report' && host.posted.at(-1)?.requestId, null);
  });

  it('lists dead-letter reasons, sizes and hashes as text, never the input', async () => {
    const model = host.lastModel();
    await page.locator('#dead-letters summary').click();
    const reasons = await page.locator('#dead-letters table tbody tr th').allTextContents();
    assert.deepEqual(
      reasons,
      model.health.deadLetters.byReason.map((r) => r.reason),
    );
    const details = await page.locator('#dead-letters .letter-detail').allTextContents();
    assert.deepEqual(
      details,
      model.health.deadLetters.recent.map((d) => d.detail),
    );
    assert.ok(
      details.every((d) => /^\d+ bytes · sha256 [0-9a-f]{16}/.test(d)),
      details.join('\n'),
    );
    const text = await page.locator('#dead-letters').textContent();
    assert.ok(!text!.includes('stringValue') && !text!.includes('</script>'), 'no input text in the report');
  });

  it('runs under a CSP that blocks inline scripts and inline style attributes', async () => {
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = 1';
      document.head.append(s);
      const d = document.createElement('div');
      d.setAttribute('style', 'color: red');
      document.body.append(d);
      return (window as unknown as { __injected?: number }).__injected ?? null;
    });
    assert.equal(ran, null);
    await page.waitForTimeout(100);
    assert.ok(
      problems.csp.some((v) => v.startsWith('script-src')),
      problems.csp.join('\n'),
    );
    assert.ok(
      problems.csp.some((v) => v.startsWith('style-src')),
      problems.csp.join('\n'),
    );
    // The page tells its host too, so the extension's log shows violations from users' machines.
    assert.ok(
      host.controller.pageProblems.some((p) => p.startsWith('csp: script-src')),
      host.controller.pageProblems.join('\n'),
    );
    problems.csp.length = 0;
    problems.console.length = 0;
    host.controller.pageProblems.length = 0;
  });

  it('is readable in light, dark and high-contrast themes (screenshots in test-artifacts/report/)', async () => {
    for (const theme of ['light', 'dark', 'hc-dark', 'hc-light'] as const) {
      await applyTheme(page, theme);
      for (const sel of ['.card-value', '.card-label', '#correlation-table tbody td', '.muted', 'button.seg[aria-pressed="true"]', 'select']) {
        const ratio = await contrastOf(page, sel);
        assert.ok(ratio >= 4.5, `${theme}: ${sel} contrast ${ratio.toFixed(2)} < 4.5`);
      }
      const hc = theme.startsWith('hc');
      assert.equal(
        await page
          .locator('.card')
          .first()
          .evaluate((e) => getComputedStyle(e).borderTopStyle),
        'solid',
      );
      if (hc)
        assert.notEqual(
          await page
            .locator('.card')
            .first()
            .evaluate((e) => getComputedStyle(e).borderTopColor),
          'rgba(0, 0, 0, 0)',
          'cards are outlined in high contrast',
        );
      await page.screenshot({ path: artifact(`webview-${theme}.png`), fullPage: true });
    }
  });

  it('shows a new user how to get data in and runs the setup commands', async () => {
    await context.close();
    assert.deepEqual(problems.console, []);
    const empty = await emptyStore(LAST);
    try {
      await open(empty);
      await page.locator('#empty-state').waitFor();
      assert.equal(await page.locator('#headline').count(), 0);
      await page.locator('[data-command="prodlens.copyCollectorSetup"]').click();
      await page.locator('#command-status', { hasText: 'Ran prodlens.copyCollectorSetup.' }).waitFor();
      await page.locator('[data-command="prodlens.rescanTranscripts"]').press('Enter');
      await page.locator('#command-status', { hasText: 'Ran prodlens.rescanTranscripts.' }).waitFor();
      assert.deepEqual(host.commands, ['prodlens.copyCollectorSetup', 'prodlens.rescanTranscripts']);
      await applyTheme(page, 'dark');
      await page.screenshot({ path: artifact('webview-empty-dark.png'), fullPage: true });
    } finally {
      await empty.close();
    }
  });
});
