import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportParquet, type ExportOptions } from '../../../src/core/export/exporter';
import { MANIFEST_FILE, type Manifest } from '../../../src/core/export/manifest';
import { ParquetWasmLoader } from '../../../src/core/export/node-parquet';
import type { Store } from '../../../src/core/store/store';
import { buildReport } from '../../../src/core/report/build';
import { prices, tempDir } from '../helpers/events';
import { batchOf, duck, event, HIVE, listFiles, populatedStore, scalar } from './fixtures';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

const parquet = new ParquetWasmLoader();
/** The export's clock in the tests that look at its correlations: the day after the fixture's last. */
const EXPORT_NOW = Date.parse('2026-01-08T09:00:00Z');
const run = (store: Store, outDir: string, extra: Partial<ExportOptions> = {}) =>
  exportParquet(store, { outDir, exporterVersion: 'test', parquet, durable: false, ...extra });
const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
/** DuckDB refuses hive_types naming a key the paths do not have: the daily session metrics have no repo. */
const read = (dir: string, dataset: string) =>
  dataset.endsWith('daily_session_metrics')
    ? `read_parquet('${dir}/${dataset}/**/*.parquet', hive_partitioning = true, hive_types = {'event_date': DATE})`
    : `read_parquet('${dir}/${dataset}/**/*.parquet', ${HIVE})`;

describe('Parquet export', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Awaited<ReturnType<typeof duck>>;
  beforeEach(async () => {
    tmp = tempDir('prodlens-export-');
    db = await duck();
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('writes every dataset in the hive layout, read back by DuckDB with the store’s counts, sums and types', async () => {
    const store = await populatedStore();
    const out = path.join(tmp.dir, 'export');
    const summary = await run(store, out, { clock: { now: () => EXPORT_NOW }, analysis: { minPairs: 3 } });
    const files = listFiles(out);
    assert.ok(files.includes('sessions/event_date=2026-01-05/repo=acme__api/part-' + store.deviceId + '-0.parquet'), files.join('\n'));
    assert.ok(files.includes(`sessions/event_date=2026-01-06/repo=__HIVE_DEFAULT_PARTITION__/part-${store.deviceId}-0.parquet`));
    assert.ok(files.some((f) => f.startsWith('_aggregates/daily_session_metrics/event_date=2026-01-05/part-')));
    assert.ok(files.some((f) => f.startsWith('_aggregates/daily_github_metrics/event_date=2026-01-06/repo=acme__api/part-')));
    assert.ok(files.some((f) => /^_aggregates\/correlations\/part-[^/]+\.parquet$/.test(f)));
    assert.ok(files.includes('_manifest.json'));
    assert.ok(!files.some((f) => f.includes('.tmp')), 'no temp files left');

    const [count, tokens, cost, cache] = (
      await db.all(`SELECT count(*), sum(total_tokens), sum(cost_usd), sum(cache_read_tokens) FROM ${read(out, 'sessions')}`)
    )[0]!;
    const s = rawDatabaseForTests(store).exec('SELECT count(*), sum(total_tokens), sum(cost_usd), sum(cache_read_tokens) FROM sessions')[0]!.values[0]!;
    assert.equal(Number(count), s[0]);
    assert.equal(Number(tokens), s[1]);
    assert.ok(Math.abs(Number(cost) - (s[2] as number)) < 1e-12, `${cost} vs ${s[2]}`);
    assert.equal(Number(cache), s[3]);
    for (const [ds, table] of [
      ['metric_points', 'metric_points'],
      ['commits', 'commits'],
      ['pull_requests', 'pull_requests'],
    ] as const) {
      assert.equal(Number(await db.one(`SELECT count(*) FROM ${read(out, ds)}`)), scalar(store, `SELECT count(*) FROM ${table}`), ds);
    }
    assert.equal(
      Number(await db.one(`SELECT count(*) FROM ${read(out, '_aggregates/daily_session_metrics')}`)),
      scalar(store, 'SELECT count(*) FROM daily_session_metrics'),
    );
    assert.equal(Number(await db.one(`SELECT sum(total_tokens) FROM ${read(out, '_aggregates/daily_session_metrics')}`)), s[1]);
    // Correlations: computed when the export ran, for its scope (all data through the export's day), the
    // same rows as the report's analysis of that scope.
    const scope = buildReport(
      store,
      { since: '2026-01-05', until: '2026-01-08', repo: null, developer: null, source: null },
      { prices, nowMs: EXPORT_NOW, analysis: { minPairs: 3 } },
    ).correlations.rows;
    const exported = await db.all(
      `SELECT x_series, y_series, method, lag_days, n, r, p_value, p_adjusted, status, strftime(since, '%Y-%m-%d'), strftime(until, '%Y-%m-%d') FROM read_parquet('${out}/_aggregates/correlations/*.parquet') ORDER BY ALL`,
    );
    const key = (r: unknown[]) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
    assert.ok(scope.length >= 40, `${scope.length} correlations`);
    assert.equal(exported.length, scope.length);
    assert.deepEqual(
      new Set(exported.map(key)),
      new Set(scope.map((c) => key([c.ai, c.outcome, c.method, c.lag, c.n, c.r, c.p, c.pAdjusted, c.status, '2026-01-05', '2026-01-08']))),
    );

    // Partition columns and types as the contract says; the rows' own day and repository agree with them.
    const types = Object.fromEntries((await db.all(`DESCRIBE SELECT * FROM ${read(out, 'sessions')}`)).map((r) => [r[0], r[1]]));
    assert.equal(types.event_date, 'DATE');
    assert.equal(types.repo, 'VARCHAR');
    assert.equal(types.timestamp, 'TIMESTAMP WITH TIME ZONE');
    assert.equal(types.total_tokens, 'BIGINT');
    assert.equal(types.cost_usd, 'DOUBLE');
    assert.equal(types.accepted_flag, 'BOOLEAN');
    assert.equal(types.device_id, 'VARCHAR');
    const byPartition = await db.all(
      `SELECT strftime(event_date, '%Y-%m-%d'), repo, repo_slug, count(*) FROM ${read(out, 'sessions')} GROUP BY ALL ORDER BY ALL`,
    );
    const fromStore = rawDatabaseForTests(store).exec(
      `SELECT event_date, CASE WHEN repo_slug IS NULL THEN NULL ELSE replace(repo_slug, '/', '__') END, repo_slug, count(*) FROM sessions GROUP BY 1, 2, 3 ORDER BY 1, 2 NULLS LAST`,
    )[0]!.values;
    assert.deepEqual(
      byPartition.map((r) => [r[0], r[1], r[2], Number(r[3])]),
      fromStore,
    );
    // Timestamps keep their milliseconds, in UTC.
    assert.equal(Number(await db.one(`SELECT epoch_ms(min(timestamp)) FROM ${read(out, 'sessions')}`)), scalar(store, 'SELECT min(ts_ms) FROM sessions'));
    assert.equal(Number(await db.one(`SELECT count(DISTINCT device_id) FROM ${read(out, 'sessions')} WHERE device_id = '${store.deviceId}'`)), 1);

    // The manifest lists exactly the files, with their row counts and content hashes.
    const m = manifestOf(out);
    assert.equal(m.deviceId, store.deviceId);
    assert.equal(m.schemaVersion, 2);
    assert.deepEqual(m.timeRange, { from: '2026-01-05', until: '2026-01-07' });
    assert.deepEqual(
      m.files.map((f) => f.path).sort(),
      files.filter((f) => f.endsWith('.parquet')),
    );
    for (const f of m.files) {
      const bytes = readFileSync(path.join(out, f.path));
      assert.equal(f.bytes, bytes.length);
      assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(Number(await db.one(`SELECT count(*) FROM read_parquet('${path.join(out, f.path)}')`)), f.rows, f.path);
    }
    assert.equal(m.datasets.sessions!.rows, s[0]);
    assert.deepEqual(m.datasets.sessions!.partitionKeys, ['event_date', 'repo']);
    assert.equal(summary.filesWritten, m.files.length);
    assert.equal(store.getLastCheckpoint(`export:${createHash('sha256').update(path.resolve(out)).digest('hex').slice(0, 12)}`), m.exportedAt);
    await store.close();
  });

  it('re-exports nothing when nothing changed, and only the changed partitions when something did', async () => {
    const store = await populatedStore();
    const out = path.join(tmp.dir, 'export');
    const first = await run(store, out);
    const before = new Map(manifestOf(out).files.map((f) => [f.path, statSync(path.join(out, f.path)).mtimeMs]));

    const again = await run(store, out);
    assert.equal(again.filesWritten, 0);
    assert.equal(again.filesUnchanged, first.files);
    assert.equal(again.rows, first.rows);
    for (const [p, mtime] of before) assert.equal(statSync(path.join(out, p)).mtimeMs, mtime, `${p} untouched`);

    await store.ingest(batchOf([event({ id: 'late', time: '2026-01-06T20:00:00Z', repo_slug: 'acme/web', tokens_in: 5000 })]));
    const third = await run(store, out);
    const rewritten = manifestOf(out)
      .files.filter((f) => statSync(path.join(out, f.path)).mtimeMs !== before.get(f.path))
      .map((f) => f.path)
      .sort();
    assert.deepEqual(
      rewritten.map((p) => p.replace(/\/part-.*$/, '')),
      ['_aggregates/daily_session_metrics/event_date=2026-01-06', '_aggregates/daily_usage', 'sessions/event_date=2026-01-06/repo=acme__web'],
    );
    assert.equal(third.filesWritten, 3, 'the changed partitions and the one-file daily_usage summed from the events; commits and pull requests kept');
    assert.equal(Number(await db.one(`SELECT count(*) FROM ${read(out, 'sessions')}`)), scalar(store, 'SELECT count(*) FROM sessions'));

    // An event changed in place (a later editor checkpoint) and a partition emptied by deletes: only those
    // move, and the emptied partition's file goes away.
    const changed = await store.ingest(
      batchOf([
        event({
          id: 'edit',
          time: '2026-01-07T09:30:00Z',
          kind: 'edit',
          repo_slug: 'acme/api',
          accepted_flag: true,
          accepted_lines: 3,
          diff_ratio: 0.5,
          tokens_in: null,
          tokens_out: null,
          model: null,
        }),
      ]),
    );
    assert.equal(changed.updated, 1);
    rawDatabaseForTests(store).run("DELETE FROM sessions WHERE event_date = '2026-01-05' AND repo_slug = 'tools/cli'");
    store.markDirty(['2026-01-05']);
    const fourth = await run(store, out);
    const dirs = manifestOf(out).files.map((f) => f.path.replace(/\/part-.*$/, ''));
    assert.ok(!dirs.includes('sessions/event_date=2026-01-05/repo=tools__cli'));
    assert.ok(!existsSync(path.join(out, 'sessions/event_date=2026-01-05/repo=tools__cli')), 'emptied partition folder removed');
    assert.equal(fourth.filesWritten, 3, 'the changed sessions partition, its day of daily metrics, and daily_usage');
    assert.ok(fourth.filesRemoved >= 1);
    assert.equal(Number(await db.one(`SELECT sum(accepted_lines) FROM ${read(out, 'sessions')} WHERE kind = 'edit'`)), 3);
    // daily_usage always equals the exported events summed (the in-place change and the deletes included).
    assert.deepEqual(
      await db.all(`SELECT sum(events), sum(accepted_lines), sum(total_tokens) FROM read_parquet('${out}/_aggregates/daily_usage/*.parquet')`),
      await db.all(
        `SELECT count(*), sum(coalesce(accepted_lines, 0)), sum(coalesce(total_tokens, 0)) FROM ${read(out, 'sessions')} WHERE duplicate_of IS NULL`,
      ),
    );
    await store.close();
  });

  it('keeps the one-file datasets when the partitions they come from are re-read but hold the same rows', async () => {
    const store = await populatedStore();
    const out = path.join(tmp.dir, 'export');
    await run(store, out);
    const before = new Map(manifestOf(out).files.map((f) => [f.path, statSync(path.join(out, f.path)).mtimeMs]));
    // UPDATEs that leave every row as it was still bump the partitions' versions (the export's triggers), so
    // those partitions are re-read: the events of one day, and every commit and pull request.
    rawDatabaseForTests(store).run("UPDATE sessions SET model = model WHERE event_date = '2026-01-06'");
    rawDatabaseForTests(store).run('UPDATE commits SET sha = sha');
    rawDatabaseForTests(store).run('UPDATE pull_requests SET number = number');
    const again = await run(store, out);
    const whole = manifestOf(out).files.filter((f) => f.dataset === 'daily_usage' || f.dataset.endsWith('_compact'));
    assert.deepEqual(whole.map((f) => f.dataset).sort(), ['commits_compact', 'daily_usage', 'pull_requests_compact']);
    for (const f of whole) assert.equal(statSync(path.join(out, f.path)).mtimeMs, before.get(f.path), `${f.path} kept: its rows did not change`);
    const rewritten = manifestOf(out).files.filter((f) => statSync(path.join(out, f.path)).mtimeMs !== before.get(f.path));
    assert.equal(again.filesWritten, rewritten.length);

    // A real change still rewrites them.
    rawDatabaseForTests(store).run('UPDATE commits SET lines_added = coalesce(lines_added, 0) + 1 WHERE rowid = (SELECT min(rowid) FROM commits)');
    await run(store, out);
    const compact = manifestOf(out).files.find((f) => f.dataset === 'commits_compact')!;
    assert.notEqual(statSync(path.join(out, compact.path)).mtimeMs, before.get(compact.path), 'commits_compact rewritten after a commit changed');
    await store.close();
  });

  it('merges two devices’ exports into the sum of both', async () => {
    const a = await populatedStore({ developer: 'ana@example.com', idPrefix: 'a' });
    const b = await populatedStore({ developer: 'bo@example.com', idPrefix: 'b' });
    const root = path.join(tmp.dir, 'team');
    await run(a, path.join(root, 'laptop-ana'));
    await run(b, path.join(root, 'laptop-bo'));
    const [rows, tokens, devices] = (
      await db.all(`SELECT count(*), sum(total_tokens), count(DISTINCT device_id) FROM read_parquet('${root}/*/sessions/**/*.parquet', ${HIVE})`)
    )[0]!;
    assert.equal(Number(rows), scalar(a, 'SELECT count(*) FROM sessions') + scalar(b, 'SELECT count(*) FROM sessions'));
    assert.equal(Number(tokens), scalar(a, 'SELECT sum(total_tokens) FROM sessions') + scalar(b, 'SELECT sum(total_tokens) FROM sessions'));
    assert.equal(Number(devices), 2);
    // File names carry the device id, so the two trees can also be copied into one folder without clashes.
    const names = new Set([...listFiles(path.join(root, 'laptop-ana')), ...listFiles(path.join(root, 'laptop-bo'))].filter((f) => f.endsWith('.parquet')));
    assert.equal(names.size, manifestOf(path.join(root, 'laptop-ana')).files.length + manifestOf(path.join(root, 'laptop-bo')).files.length);
    await a.close();
    await b.close();
  });

  it('keeps hostile repository names inside the output folder and their true values in the rows', async () => {
    const store = await populatedStore();
    const hostile = [
      '../../etc',
      'a/b\\c',
      'CON',
      '%2e%2e/%2e%2e',
      '\uff0e\uff0e\uff0f\uff0e\uff0e/x',
      'x\u0000y/z',
      '.hidden/..',
      `long/${'n'.repeat(300)}`,
      'ok/../../../../tmp/pwned',
      '/abs/olute',
      'a/__HIVE_DEFAULT_PARTITION__',
    ];
    await store.ingest(batchOf(hostile.map((r, i) => event({ id: `hostile-${i}`, time: '2026-01-05T12:00:00Z', repo_slug: r }))));
    const sentinel = path.join(tmp.dir, 'outside');
    mkdirSync(sentinel);
    const out = path.join(tmp.dir, 'nested', 'export');
    await run(store, out);
    assert.deepEqual(listFiles(sentinel), []);
    assert.deepEqual(
      listFiles(tmp.dir).filter((f) => !f.startsWith('nested/export/')),
      [],
    );
    const repoDirs = listFiles(out)
      .filter((f) => f.startsWith('sessions/event_date=2026-01-05/'))
      .map((f) => f.split('/')[2]!);
    for (const d of repoDirs) {
      assert.match(d, /^repo=[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/, d);
      assert.ok(!/^repo=(con|prn|aux|nul)(\.|$)/i.test(d), d);
    }
    const slugs = (await db.all(`SELECT DISTINCT repo_slug FROM ${read(out, 'sessions')} WHERE repo_slug IS NOT NULL`)).map((r) => r[0]);
    for (const r of hostile) assert.ok(slugs.includes(r), `${JSON.stringify(r)} kept as data`);
    assert.equal(Number(await db.one(`SELECT count(*) FROM ${read(out, 'sessions')}`)), scalar(store, 'SELECT count(*) FROM sessions'));
    await store.close();
  });

  it('leaves the previous complete export when interrupted half way, then finishes on the next run', async () => {
    const store = await populatedStore();
    const out = path.join(tmp.dir, 'export');
    await run(store, out);
    const previous = readFileSync(path.join(out, MANIFEST_FILE), 'utf8');
    const previousRows = Number(await db.one(`SELECT count(*) FROM ${read(out, 'sessions')}`));
    // Change every partition, then fail after three files are staged.
    await store.ingest(
      batchOf(
        [0, 1, 2].flatMap((d) =>
          ['acme/api', 'acme/web', 'tools/cli'].map((r) => event({ id: `new-${d}-${r}`, time: `2026-01-0${5 + d}T23:00:00Z`, repo_slug: r })),
        ),
      ),
    );
    await assert.rejects(
      run(store, out, {
        onFileStaged: (n) => {
          if (n === 3) throw new Error('disk unplugged');
        },
      }),
      /disk unplugged/,
    );
    const check = async () => {
      assert.equal(readFileSync(path.join(out, MANIFEST_FILE), 'utf8'), previous);
      const m = JSON.parse(previous) as Manifest;
      for (const f of m.files)
        assert.equal(
          createHash('sha256')
            .update(readFileSync(path.join(out, f.path)))
            .digest('hex'),
          f.sha256,
          f.path,
        );
      assert.deepEqual(
        listFiles(out).filter((f) => f.endsWith('.parquet')),
        m.files.map((f) => f.path).sort(),
      );
      assert.equal(Number(await db.one(`SELECT count(*) FROM ${read(out, 'sessions')}`)), previousRows);
    };
    await check();
    assert.match(
      rawDatabaseForTests(store).exec("SELECT last_status, last_error FROM etl_runs WHERE job LIKE 'export:%'")[0]!.values[0]!.join(' '),
      /error disk unplugged/,
    );

    // Cancelled through the signal after two files: same guarantee.
    const controller = new AbortController();
    await assert.rejects(run(store, out, { signal: controller.signal, onFileStaged: (n) => n === 2 && controller.abort() }), /cancelled/);
    await check();

    const done = await run(store, out);
    assert.equal(manifestOf(out).datasets.sessions!.rows, (JSON.parse(previous) as Manifest).datasets.sessions!.rows + 9);
    assert.equal(done.filesWritten, 9 + 3 + 1, 'the nine changed sessions partitions, three days of daily metrics and daily_usage');
    assert.equal(Number(await db.one(`SELECT count(*) FROM ${read(out, 'sessions')}`)), scalar(store, 'SELECT count(*) FROM sessions'));
    assert.ok(!listFiles(out).some((f) => f.includes('.tmp')));
    await store.close();
  });

  it('encodes on worker threads into the same files as on one thread, and cleans up when a file fails', async () => {
    const store = await populatedStore();
    const one = path.join(tmp.dir, 'one');
    const three = path.join(tmp.dir, 'three');
    const a = await run(store, one, { clock: { now: () => EXPORT_NOW } });
    assert.ok(a.filesWritten >= 16, `enough files for the workers to start (${a.filesWritten})`);
    const b = await run(store, three, { clock: { now: () => EXPORT_NOW }, threads: 3, durable: true });
    assert.equal(b.filesWritten, a.filesWritten);
    // The same files and rows (not the same bytes: parquet-wasm writes the footer's key-value metadata in
    // a per-instance hash order).
    const files = (dir: string) => manifestOf(dir).files.map((f) => [f.path, f.rows, f.fingerprint]);
    assert.deepEqual(files(three), files(one));
    for (const f of manifestOf(three).files)
      assert.equal(
        createHash('sha256')
          .update(readFileSync(path.join(three, f.path)))
          .digest('hex'),
        f.sha256,
      );
    for (const ds of ['sessions', 'metric_points', 'commits']) {
      const [x, y] = [read(one, ds), read(three, ds)];
      assert.equal(Number(await db.one(`SELECT count(*) FROM (SELECT * FROM ${x} EXCEPT ALL SELECT * FROM ${y})`)), 0, ds);
      assert.equal(Number(await db.one(`SELECT count(*) FROM (SELECT * FROM ${y} EXCEPT ALL SELECT * FROM ${x})`)), 0, ds);
    }
    assert.equal(Number(await db.one(`SELECT count(*) FROM ${read(three, 'sessions')}`)), scalar(store, 'SELECT count(*) FROM sessions'));

    const failed = path.join(tmp.dir, 'failed');
    await assert.rejects(
      run(store, failed, {
        threads: 2,
        onFileStaged: (n) => {
          if (n === 3) throw new Error('disk unplugged');
        },
      }),
      /disk unplugged/,
    );
    assert.deepEqual(
      listFiles(failed).filter((f) => f.endsWith('.parquet') || f.includes('.tmp') || f === MANIFEST_FILE),
      [],
    );
    await store.close();
  });

  it('rolls forward a commit that was interrupted between its renames', async () => {
    const store = await populatedStore();
    const out = path.join(tmp.dir, 'export');
    await run(store, out);
    const oldManifest = readFileSync(path.join(out, MANIFEST_FILE), 'utf8');
    await store.ingest(batchOf([event({ id: 'x1', time: '2026-01-05T23:00:00Z', repo_slug: 'acme/api' })]));
    await run(store, out);
    const newManifest = JSON.parse(readFileSync(path.join(out, MANIFEST_FILE), 'utf8')) as Manifest;
    // Put the folder back in the state of a crash after the intent was written and before its renames ran:
    // the new file still under its staged name, the old manifest in place.
    const changed = newManifest.files.find((f) => f.path.startsWith('sessions/event_date=2026-01-05/repo=acme__api/'))!;
    const staged = changed.path.replace(/\/(part-[^/]+)$/, '/.$1.tmp');
    renameSync(path.join(out, changed.path), path.join(out, staged));
    writeFileSync(
      path.join(out, '.prodlens-commit.json'),
      JSON.stringify({ version: 1, renames: [[staged, changed.path]], deletes: [], manifest: newManifest }),
    );
    writeFileSync(path.join(out, MANIFEST_FILE), oldManifest);

    const next = await run(store, out);
    assert.equal(next.recovered, true);
    assert.equal(next.filesWritten, 0, 'the recovered commit already holds the current data');
    assert.ok(!existsSync(path.join(out, '.prodlens-commit.json')));
    assert.equal(
      createHash('sha256')
        .update(readFileSync(path.join(out, changed.path)))
        .digest('hex'),
      changed.sha256,
    );
    assert.equal(manifestOf(out).totals.rows, newManifest.totals.rows);
    await store.close();
  });

  it('exports only the requested days and repository, and removes what the new selection no longer covers', async () => {
    const store = await populatedStore();
    const out = path.join(tmp.dir, 'export');
    await run(store, out);
    const narrowed = await run(store, out, { filter: { since: '2026-01-06', until: '2026-01-06', repo: 'acme/api' } });
    const m = manifestOf(out);
    assert.deepEqual(m.filter, { since: '2026-01-06', until: '2026-01-06', repo: 'acme/api' });
    assert.deepEqual(Object.keys(m.datasets).sort(), [
      'commits',
      'commits_compact',
      'daily_github_metrics',
      'daily_usage',
      'metric_points',
      'pull_requests',
      'pull_requests_compact',
      'sessions',
    ]);
    const partitioned = m.files.filter((f) => !f.dataset.endsWith('_compact') && f.dataset !== 'daily_usage');
    assert.deepEqual([...new Set(partitioned.map((f) => `${f.partition.event_date}/${f.partition.repo}`))], ['2026-01-06/acme__api']);
    // The one-file datasets hold the same selection.
    assert.deepEqual(await db.all(`SELECT DISTINCT CAST(event_date AS VARCHAR), repo_slug FROM read_parquet('${out}/_aggregates/daily_usage/*.parquet')`), [
      ['2026-01-06', 'acme/api'],
    ]);
    assert.equal(
      Number(await db.one(`SELECT sum(events) FROM read_parquet('${out}/_aggregates/daily_usage/*.parquet')`)),
      scalar(store, "SELECT count(*) FROM sessions WHERE event_date = '2026-01-06' AND repo_slug = 'acme/api' AND duplicate_of IS NULL"),
    );
    assert.ok(narrowed.filesRemoved > 0);
    assert.deepEqual(
      listFiles(out).filter((f) => f.endsWith('.parquet')),
      m.files.map((f) => f.path).sort(),
    );
    assert.equal(
      Number(await db.one(`SELECT count(*) FROM ${read(out, 'sessions')}`)),
      scalar(store, "SELECT count(*) FROM sessions WHERE event_date = '2026-01-06' AND repo_slug = 'acme/api'"),
    );
    await store.close();
  });

  it('refuses another installation’s export folder, and a folder symlinked out of the export', async () => {
    const a = await populatedStore({ idPrefix: 'a' });
    const b = await populatedStore({ idPrefix: 'b' });
    const out = path.join(tmp.dir, 'export');
    await run(a, out);
    const before = listFiles(out);
    await assert.rejects(run(b, out), /holds the export of another ProdLens installation/);
    assert.deepEqual(listFiles(out), before);

    const outside = path.join(tmp.dir, 'outside');
    mkdirSync(outside);
    const trap = path.join(tmp.dir, 'trap');
    mkdirSync(trap);
    symlinkSync(outside, path.join(trap, 'sessions'), 'dir');
    await assert.rejects(run(b, trap), /not a plain folder/);
    assert.deepEqual(readdirSync(outside), [], 'not even a folder created through the symlink');
    await a.close();
    await b.close();
  });

  it('refuses a folder that holds something other than an export', async () => {
    const store = await populatedStore();
    writeFileSync(path.join(tmp.dir, 'notes.txt'), 'mine');
    await assert.rejects(run(store, tmp.dir), /not empty and holds no ProdLens export/);
    assert.deepEqual(listFiles(tmp.dir), ['notes.txt']);
    await store.close();
  });
});
