/**
 * Benchmark (not a test) of the report page: time from navigation to the frame with the charts presented,
 * for 365 days with every section filled, in Debian's headless chromium with the production (minified)
 * bundle. "Presented" is the browser's own paint time of the chart titles (Element Timing; uPlot draws
 * the canvases in the same task, before that frame). Three figures, median of several runs each:
 *   - standalone: `prodlens report --html` file opened from disk (the data is already in the page);
 *   - webview, warm: the page in the webview host stand-in; after the ready handshake the host builds the
 *     model (correlations cached, as when the report is reopened) and posts it;
 *   - webview, cold: the same with the correlation cache cleared before each run.
 * Plus buildReport alone (first build after an import, which refreshes the day rollups; cold; warm).
 *
 *   npx tsx bench/report-render.ts [runs]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { standaloneModels } from '../src/cli/commands/report';
import { findWebviewAssets, standaloneHtml } from '../src/cli/report-html';
import { shiftDay } from '../src/core/analyze/series';
import { buildReport } from '../src/core/report/build';
import { prices, tempDir } from '../test/unit/helpers/events';
import { launch, watch } from '../test/system/report/browser';
import { fixtureNow, fixtureStore } from '../test/unit/report/fixture';
import { attachHost, startPageServer } from '../test/system/report/harness';
import { rawDatabaseForTests } from '../src/core/store/database-of';

const RUNS = Number(process.argv[2] ?? 5);
const LAST = '2026-06-30';
const DAYS = 365;
const NOW = fixtureNow(LAST);
const FILTER = { since: shiftDay(LAST, -(DAYS - 1)), until: LAST };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const tmp = tempDir('prodlens-bench-report-');
  const out = path.join(tmp.dir, 'bundle');
  const { webviewOptions } = (await import(pathToFileURL(path.resolve('esbuild.mjs')).href)) as {
    webviewOptions: (o: string, p: boolean) => esbuild.BuildOptions;
  };
  await esbuild.build({ ...webviewOptions(out, true), logLevel: 'error' });
  const assets = findWebviewAssets([out])!;

  let t = performance.now();
  const store = await fixtureStore({ lastDay: LAST, days: DAYS, quietEvery: 17 });
  const fixtureMs = performance.now() - t;
  const events = rawDatabaseForTests(store).exec('SELECT COUNT(*) FROM sessions')[0]!.values[0]![0] as number;

  t = performance.now();
  buildReport(store, FILTER, { prices, nowMs: NOW });
  const firstBuild = performance.now() - t;
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    rawDatabaseForTests(store).run('DELETE FROM correlation_cache');
    t = performance.now();
    buildReport(store, FILTER, { prices, nowMs: NOW });
    cold.push(performance.now() - t);
    t = performance.now();
    buildReport(store, FILTER, { prices, nowMs: NOW });
    warm.push(performance.now() - t);
  }

  const data = standaloneModels(store, FILTER, { prices, nowMs: NOW });
  const file = path.join(tmp.dir, 'report.html');
  const html = standaloneHtml(data, assets, 'bench');
  writeFileSync(file, html);

  const browser = await launch();
  const server = await startPageServer(out);
  const paint = async (url: string, setup?: (p: import('playwright-core').Page) => Promise<void>): Promise<number> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watch(page);
    await setup?.(page);
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('prodlens:first-paint').length > 0, undefined, { timeout: 30_000 });
    const charts = await page.locator('.chart canvas').count();
    const v = await page.evaluate(
      () =>
        new Promise<number>((resolve) =>
          new PerformanceObserver((list) => {
            const times = list
              .getEntries()
              .map((e) => e as PerformanceEntry & { renderTime: number; identifier: string })
              .filter((e) => e.identifier.startsWith('chart-'));
            if (times.length >= 4) resolve(Math.max(...times.map((e) => e.renderTime)));
          }).observe({ type: 'element', buffered: true }),
        ),
    );
    await context.close();
    if (problems.console.length || problems.csp.length) throw new Error(`page problems: ${[...problems.console, ...problems.csp].join('; ')}`);
    if (charts < 4) throw new Error(`only ${charts} charts drawn`);
    return v;
  };
  const standalone: number[] = [];
  const webviewWarm: number[] = [];
  const webviewCold: number[] = [];
  await paint(pathToFileURL(file).href); // browser warm-up, not counted
  for (let i = 0; i < RUNS; i++) {
    standalone.push(await paint(pathToFileURL(file).href));
    webviewWarm.push(
      await paint(server.url, async (p) => {
        await attachHost(p, store, NOW, {}, 'dark');
      }),
    );
    webviewCold.push(
      await paint(server.url, async (p) => {
        rawDatabaseForTests(store).run('DELETE FROM correlation_cache');
        await attachHost(p, store, NOW, {}, 'dark');
      }),
    );
  }
  await browser.close();
  await server.close();
  await store.close();

  const result = {
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}`,
    runs: RUNS,
    days: DAYS,
    events,
    fixtureMs,
    bundleBytes: { js: assets.script.length, css: assets.css.length, standaloneHtml: html.length },
    buildReportMs: { firstAfterImport: firstBuild, cold: median(cold), warm: median(warm) },
    navigationToPaintedMs: { standalone: median(standalone), webviewWarm: median(webviewWarm), webviewCold: median(webviewCold) },
    all: { standalone, webviewWarm, webviewCold, cold, warm },
  };
  console.log(`report render, ${DAYS} days, ${events} events, all sections (median of ${RUNS}; ${result.machine})`);
  console.log(
    `  bundle: webview.js ${(assets.script.length / 1024).toFixed(0)} KiB, webview.css ${(assets.css.length / 1024).toFixed(0)} KiB; standalone file ${(html.length / 1024).toFixed(0)} KiB`,
  );
  console.log(`  buildReport: first after import ${ms(firstBuild)}, cold ${ms(median(cold))}, warm (correlations cached) ${ms(median(warm))}`);
  console.log(
    `  navigation → charts painted: standalone ${ms(median(standalone))}, webview warm ${ms(median(webviewWarm))}, webview cold ${ms(median(webviewCold))}`,
  );
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/report-render.json', JSON.stringify(result, null, 2));
  tmp.cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
