import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { Pseudonymizer } from '../../../src/core/export/pseudonymize';
import { EXPORT_SCHEMA_VERSION } from '../../../src/core/export/datasets';
import type { TeamReport } from '../../../src/core/team/build';
import { simulatePilot, type PilotOptions } from '../../support/sim';
import { tempDir } from '../../unit/helpers/events';
import { pathToFileURL } from 'node:url';
import { launch, watch } from '../report/browser';
import { cliIo, TEAM_SECRET, writePilotLake } from '../../unit/team/pilot-lake';

/**
 * A pilot of 8 developers × 3 weeks on 10 devices (two developers on two machines, three exporting
 * pseudonymized), in two repositories, exported by the real `prodlens export` from one database per device,
 * read back by `prodlens team`. Heavier AI users also commit more (a between-developer confound) in both
 * pilots; only the first has a planted within-developer effect (AI use raises the same day's commits).
 */
const PILOT: PilotOptions = {
  seed: 3,
  developers: 8,
  start: '2026-01-05',
  days: 21,
  repos: ['acme/api', 'acme/web'],
  confound: true,
  twoDevices: [0, 5],
  pseudonymized: [5, 6, 7],
  developer: { aiZeroProb: 0.05, commitZeroProb: 0.05, dispersion: 4 },
};

async function team(args: string[], cwd: string): Promise<TeamReport> {
  const c = cliIo(cwd);
  assert.equal(await runCli(['team', ...args, '--json'], c.io), 0, c.stderr());
  return JSON.parse(c.stdout()) as TeamReport;
}

describe('prodlens team (a simulated pilot exported by prodlens export)', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  let lake: string;
  let nullLake: string;
  let truth: Awaited<ReturnType<typeof writePilotLake>>;
  let main: TeamReport;
  const withEffect = simulatePilot({ ...PILOT, effect: { lag: 0, size: 1 } });
  const confoundOnly = simulatePilot({ ...PILOT, effect: null });

  before(async () => {
    tmp = tempDir('prodlens-team-');
    lake = path.join(tmp.dir, 'lake');
    nullLake = path.join(tmp.dir, 'null-lake');
    truth = await writePilotLake(withEffect, lake, tmp.dir, { extraCopyOf: 'laptop-1' });
    mkdirSync(path.join(tmp.dir, 'null-dbs'));
    await writePilotLake(confoundOnly, nullLake, path.join(tmp.dir, 'null-dbs'));
    main = await team(['--lake', lake], tmp.dir);
  });
  after(() => tmp.cleanup());

  it('counts developers, devices and totals once across devices, pseudonyms included', () => {
    const r = main;
    const p = new Pseudonymizer(TEAM_SECRET);
    const expected = withEffect.developers.map((d) => (d.pseudonymized ? p.pseudonym(d.email) : d.email)).sort();
    assert.deepEqual(r.developers, expected);
    assert.deepEqual(r.devices, Object.values(truth.deviceIds).sort());
    assert.equal(r.totals.requests, truth.requests);
    assert.equal(r.totals.total_tokens, truth.totalTokens);
    // Every device of a repository exported all its commits and PRs: each counts once.
    assert.equal(r.totals.commits, truth.commits);
    assert.equal(r.totals.merged_prs, truth.mergedPrs);
    assert.ok(r.health.duplicateCommitRows > truth.commits, 'the same commits came from several devices');
    assert.ok(typeof r.totals.cost_usd === 'number' && r.totals.cost_usd > 0);
    // Per developer, commits are matched to the developer's own id (plain or pseudonym).
    for (const d of withEffect.developers) {
      const id = d.pseudonymized ? p.pseudonym(d.email) : d.email;
      const row = r.daily.developers.find((x) => x.name === id)!;
      assert.equal(
        row.totals.commits,
        d.sim.series.commits.reduce<number>((a, b) => a + (b ?? 0), 0),
        id,
      );
    }
    // The same device exported twice: one copy read, the other reported.
    const dup = r.health.exports.filter((e) => e.deviceId === truth.deviceIds['laptop-1']);
    assert.deepEqual(dup.map((e) => e.status).sort(), ['duplicate', 'used']);
    assert.ok(r.health.warnings.some((w) => /also exported/.test(w)));
    assert.ok(r.health.warnings.some((w) => /2 different pseudonymizations/.test(w)));
    assert.deepEqual(Object.keys(r.health.schemaVersions), [String(EXPORT_SCHEMA_VERSION)]);
    // No device ran a self-experiment: no experiments section.
    assert.equal(r.experiments, undefined);
    assert.equal(r.health.coverage.devices.length, r.devices.length);
    assert.ok(r.adoption.length >= 3 && r.adoption.every((w) => w.share === null || (w.share > 0 && w.share <= 1)));
  });

  it('finds the planted within-developer effect', () => {
    const r = main;
    const row = r.correlations.rows.find((x) => x.ai === 'requests' && x.outcome === 'commits' && x.lag === 0)!;
    assert.equal(row.status, 'ok');
    assert.equal(row.developers, 8);
    assert.ok(row.r! > 0.3 && row.ci!.lower > 0, JSON.stringify(row));
    assert.ok(row.pAdjusted! < 0.05, JSON.stringify(row));
    assert.match(row.reading, /significant after adjustment/);
    assert.equal(r.correlations.familySize, r.correlations.rows.filter((x) => x.p !== null).length);
  });

  it('does not report the between-developer confound as an effect', async () => {
    const r = await team(['--lake', nullLake], tmp.dir);
    // The confound is there: developers who use more AI commit more.
    const between = r.correlations.between.find((b) => b.ai === 'requests' && b.outcome === 'commits')!;
    assert.ok(between.r! > 0.5, JSON.stringify(between));
    // …and no within-developer row is significant after adjustment.
    const significant = r.correlations.rows.filter((x) => x.pAdjusted !== null && x.pAdjusted < 0.05);
    assert.deepEqual(significant, []);
    assert.ok(r.correlations.familySize > 0);
  });

  it('--since/--until are inclusive days; below the minimum it says not enough data', async () => {
    const r = await team(['--lake', lake, '--since', '2026-01-06', '--until', '2026-01-08'], tmp.dir);
    assert.equal(r.period.days, 3);
    assert.deepEqual(r.daily.periods, ['2026-01-06', '2026-01-07', '2026-01-08']);
    let requests = 0;
    for (const d of withEffect.developers)
      d.sim.days.forEach((day, i) => (requests += day >= '2026-01-06' && day <= '2026-01-08' ? (d.sim.series.requests[i] ?? 0) : 0));
    assert.equal(r.totals.requests, requests);
    assert.equal(r.correlations.status, 'not-enough-data');
    assert.ok(r.correlations.rows.every((x) => x.pAdjusted === null && x.r === null));
    assert.match(r.headline.join('\n'), /not enough data/);
  });

  it('reads one export folder on its own, refuses a folder without exports, prints text', async () => {
    const one = await team(['--lake', path.join(lake, 'laptop-2')], tmp.dir);
    assert.equal(one.devices.length, 1);
    assert.deepEqual(one.developers, ['dev2@example.com']);
    const bad = cliIo(tmp.dir);
    mkdirSync(path.join(tmp.dir, 'empty'));
    assert.equal(await runCli(['team', '--lake', path.join(tmp.dir, 'empty')], bad.io), 2);
    assert.match(bad.stderr(), /holds no ProdLens export/);
    const usage = cliIo(tmp.dir);
    assert.equal(await runCli(['team'], usage.io), 1);
    const text = cliIo(tmp.dir);
    assert.equal(await runCli(['team', '--lake', lake], text.io), 0, text.stderr());
    assert.match(text.stdout(), /Within-developer association/);
  });

  it('reports an incomplete copy: listed files missing, files not in the manifest; reads only what is listed and present', async () => {
    const broken = path.join(tmp.dir, 'broken', 'laptop-3');
    cpSync(path.join(lake, 'laptop-3'), broken, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(broken, '_manifest.json'), 'utf8')) as { files: Array<{ path: string; dataset: string; rows: number }> };
    const sessions = manifest.files.filter((f) => f.dataset === 'sessions');
    const [gone, other] = [sessions[0]!, sessions[1]!];
    rmSync(path.join(broken, gone.path));
    // Only an events file missing (and a stray one): the day sums (daily_usage) still hold every event, and the
    // events are neither read nor checked.
    const usageFile = manifest.files.find((f) => f.dataset === 'daily_usage')!;
    const withUsage = await team(['--lake', path.dirname(broken)], tmp.dir);
    assert.equal(withUsage.health.exports[0]!.missingFiles, 0);
    // The day sums missing too: the export is read from the events that are there.
    rmSync(path.join(broken, usageFile.path));
    // A stray file (left from another export) beside a listed one.
    copyFileSync(path.join(broken, other.path), path.join(path.dirname(path.join(broken, other.path)), 'part-stray-0.parquet'));
    const full = await team(['--lake', path.join(lake, 'laptop-3')], tmp.dir);
    const r = await team(['--lake', path.dirname(broken)], tmp.dir);
    assert.equal(withUsage.totals.requests, full.totals.requests);
    const e = r.health.exports[0]!;
    assert.equal(e.missingFiles, 2);
    assert.equal(e.unlistedFiles, 1);
    assert.ok(r.health.warnings.some((w) => /missing or changed/.test(w)) && r.health.warnings.some((w) => /not in the manifest/.test(w)));
    // Events of the missing file are gone; the stray file's are not added.
    const missingRequests = full.daily.team.requests[full.daily.periods.indexOf(gone.path.match(/event_date=([\d-]+)/)![1]!)]!;
    assert.ok(missingRequests > 0);
    assert.equal(r.totals.requests, full.totals.requests! - missingRequests);
  });

  it('gives the same numbers from an older export that has no daily_usage or compact commits and pull requests', async () => {
    // The lake as a ProdLens from before those datasets wrote it: no such files, manifests that do not name them.
    const old = path.join(tmp.dir, 'old-lake');
    cpSync(lake, old, { recursive: true });
    const added = ['daily_usage', 'commits_compact', 'pull_requests_compact'];
    for (const device of readdirSync(old)) {
      const file = path.join(old, device, '_manifest.json');
      const m = JSON.parse(readFileSync(file, 'utf8')) as {
        files: Array<{ dataset: string; bytes: number }>;
        datasets: Record<string, unknown>;
        totals: { files: number };
      };
      assert.ok(m.files.some((f) => f.dataset === 'daily_usage') && m.files.some((f) => f.dataset === 'commits_compact'), device);
      for (const ds of added) {
        delete m.datasets[ds];
        rmSync(path.join(old, device, '_aggregates', ds), { recursive: true, force: true });
      }
      m.files = m.files.filter((f) => !added.includes(f.dataset));
      m.totals.files = m.files.length;
      writeFileSync(file, JSON.stringify(m));
    }
    const r = await team(['--lake', old], tmp.dir);
    assert.ok(r.health.exports.every((e) => e.missingFiles === 0 && e.unlistedFiles === 0));
    for (const k of ['developers', 'devices', 'totals', 'daily', 'weekly', 'adoption', 'correlations'] as const) assert.deepEqual(r[k], main[k], k);
    // And a lake mixing both kinds of export.
    rmSync(path.join(old, 'laptop-2'), { recursive: true });
    cpSync(path.join(lake, 'laptop-2'), path.join(old, 'laptop-2'), { recursive: true });
    const mixed = await team(['--lake', old], tmp.dir);
    for (const k of ['totals', 'daily', 'correlations'] as const) assert.deepEqual(mixed[k], main[k], k);
  });

  it('writes a self-contained HTML report that shows the JSON model in headless Chromium', async () => {
    const file = path.join(tmp.dir, 'team.html');
    const c = cliIo(tmp.dir);
    assert.equal(await runCli(['team', '--lake', lake, '--html', file], c.io), 0, c.stderr());
    const html = readFileSync(file, 'utf8');
    assert.doesNotMatch(html, /<script(?! type="application\/json")/, 'no executable script');
    assert.doesNotMatch(html, /(src|href)="https?:/, 'nothing fetched');
    const browser = await launch();
    try {
      for (const scheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, offline: true });
        const page = await context.newPage();
        const problems = await watch(page);
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector('#correlations');
        assert.deepEqual(await page.locator('#headline li').allTextContents(), main.headline);
        const cards = await page.locator('#totals .card').allTextContents();
        assert.ok(
          cards.some((t) => t.replace(/,/g, '').startsWith(`${main.totals.commits}commits`)),
          cards.join(' | '),
        );
        const row = main.correlations.rows.find((x) => x.ai === 'requests' && x.outcome === 'commits' && x.lag === 0)!;
        const cells = await page.locator('#correlations tr[data-ai="requests"][data-outcome="commits"][data-lag="0"] td').allTextContents();
        assert.equal(cells[5], row.r!.toFixed(2));
        assert.equal(await page.locator('#by-developer tbody tr').count(), main.developers.length);
        assert.equal(await page.locator('#coverage tbody tr').count(), main.devices.length);
        assert.equal(await page.locator('#coverage tbody tr:first-child td').count(), main.period.days);
        const points = await page.locator('#chart-daily polyline').first().getAttribute('points');
        assert.equal(points!.trim().split(/\s+/).length, main.daily.team.requests.filter((v) => v !== null).length);
        const box = await page.locator('#chart-daily').boundingBox();
        assert.ok(box && box.width > 300 && box.height > 100, 'the chart is laid out');
        const colours = await page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
        assert.notEqual(colours[0], colours[1]);
        if (scheme === 'dark') assert.ok(luminance(colours[0]!) < luminance(colours[1]!), `dark page: ${colours.join(' on ')}`);
        else assert.ok(luminance(colours[0]!) > luminance(colours[1]!), `light page: ${colours.join(' on ')}`);
        assert.deepEqual(problems, { console: [], csp: [] });
        await context.close();
      }
    } finally {
      await browser.close();
    }
  });
});

function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}
