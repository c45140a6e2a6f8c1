/**
 * Report-model benchmark (issue 7): the full report model for 365 days × 20 developers × 5 repositories
 * with 1M events in the store (plus a year of commits and pull requests). Measures the one-time refresh of
 * the day-level tables, the first build, and warm builds — with the correlation cache hit, and with it
 * cleared so every correlation and effect size is recomputed — for the whole period and with filters.
 *
 * Usage: tsx bench/report-model.ts [--events 1000000] [--runs 7]. Writes bench/out/report-model.json.
 */
import { parseArgs } from 'node:util';
import type { AiEvent } from '../src/core/model';
import { buildEvent } from '../src/core/normalize/event';
import { BundledPriceTable } from '../src/core/pricing';
import { buildReport } from '../src/core/report/build';
import { SqlJsLoader } from '../src/core/store/node-sqljs';
import { Store } from '../src/core/store/store';
import { median, writeResult } from './util';
import { rawDatabaseForTests } from '../src/core/store/database-of';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '7' } } });
const N = Number(values.events);
const RUNS = Number(values.runs);
const DAY = 86_400_000;
const START = Date.UTC(2025, 11, 1);
const DEVS = Array.from({ length: 20 }, (_, i) => `dev${i}@example.com`);
const REPOS = ['acme/api', 'acme/web', 'acme/infra', 'acme/mobile', 'acme/data'];
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'gpt-5-codex', 'gemini-2.5-pro'];
const SOURCES = ['claude-code-otel', 'claude-code-transcript', 'litellm', 'editor'] as const;

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const r = rng(1);
  const prices = new BundledPriceTable();
  const store = await Store.open({ path: null, sql: await new SqlJsLoader().load() });
  const t0 = performance.now();
  await store.bulk(async () => {
    let batch: AiEvent[] = [];
    for (let i = 0; i < N; i++) {
      const source = SOURCES[Math.floor(r() * SOURCES.length)]!;
      const edit = source === 'editor';
      const lines = 1 + Math.floor(r() * 30);
      const b = buildEvent(
        {
          source,
          kind: edit ? 'edit' : r() < 0.03 ? 'error' : 'request',
          time: START + Math.floor((i / N) * 365 * DAY),
          identity: [i],
          session_id: `s${Math.floor(i / 40)}`,
          developer_id: DEVS[Math.floor(r() * DEVS.length)]!,
          repo_slug: REPOS[Math.floor(r() * REPOS.length)]!,
          model: edit ? null : MODELS[Math.floor(r() * MODELS.length)]!,
          tokens_in: edit ? null : Math.floor(r() * 4000),
          tokens_out: edit ? null : Math.floor(r() * 1500),
          cache_read_tokens: edit ? null : Math.floor(r() * 40000),
          latency_ms: edit ? null : 200 + Math.floor(r() * 20000),
          lines_added: edit ? lines : null,
          accepted_lines: edit ? Math.floor(lines * r()) : null,
          accepted_flag: edit ? r() < 0.6 : null,
          diff_ratio: edit ? r() : null,
        },
        { prices },
      );
      if (!b.ok) throw new Error(b.reason);
      batch.push(b.value);
      if (batch.length === 5000) {
        store.ingestUnjournaled({ events: batch, metrics: [], rejects: [] });
        batch = [];
      }
    }
    store.ingestUnjournaled({ events: batch, metrics: [], rejects: [] });
    const commit = rawDatabaseForTests(store).prepare(
      'INSERT INTO commits (sha, repo_slug, author_email, timestamp, event_date, lines_added, lines_removed, is_merge) VALUES (?, ?, ?, ?, ?, ?, ?, 0)',
    );
    const gh = rawDatabaseForTests(store).prepare(
      'INSERT INTO daily_github_metrics (event_date, repo_slug, merged_pr_count, commit_count, reopened_pr_count, avg_merge_hours) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (let d = 0; d < 365; d++) {
      const day = new Date(START + d * DAY).toISOString().slice(0, 10);
      for (const repo of REPOS) {
        const n = Math.floor(r() * 12);
        for (let c = 0; c < n; c++)
          commit.run([
            `${day}-${repo}-${c}`,
            repo,
            DEVS[Math.floor(r() * DEVS.length)]!,
            `${day}T12:00:00.000Z`,
            day,
            Math.floor(r() * 200),
            Math.floor(r() * 80),
          ]);
        gh.run([day, repo, Math.floor(r() * 4), n, r() < 0.1 ? 1 : 0, 1 + r() * 48]);
      }
    }
    commit.free();
    gh.free();
    rawDatabaseForTests(store).run(
      `INSERT INTO pull_requests (id, repo_slug, number, state, created_at, updated_at) VALUES (1, 'acme/api', 1, 'open', '2025-12-01T00:00:00Z', '2026-11-30T00:00:00Z')`,
    );
  });
  const loadMs = performance.now() - t0;
  let t = performance.now();
  store.refreshDailyMetrics();
  const refreshMs = performance.now() - t;

  const opts = { prices, nowMs: START + 365 * DAY };
  const filters = {
    'whole year': { since: '2025-12-01', until: '2026-11-30' },
    'last 30 days': { since: '2026-11-01', until: '2026-11-30' },
    'year, one repo + developer': { since: '2025-12-01', until: '2026-11-30', repo: 'acme/web', developer: 'dev3@example.com' },
  };
  const results: Record<string, unknown> = {};
  for (const [name, filter] of Object.entries(filters)) {
    t = performance.now();
    buildReport(store, filter, opts);
    const first = performance.now() - t;
    const cached: number[] = [];
    const uncached: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      const m = buildReport(store, filter, opts);
      cached.push(performance.now() - t);
      if (!m.correlations.cached) throw new Error('expected a cache hit');
      rawDatabaseForTests(store).run('DELETE FROM correlation_cache');
      t = performance.now();
      buildReport(store, filter, opts);
      uncached.push(performance.now() - t);
    }
    results[name] = { firstMs: Math.round(first), warmCachedMs: Math.round(median(cached)), warmRecomputedMs: Math.round(median(uncached)) };
  }
  const out = {
    events: N,
    loadMs: Math.round(loadMs),
    refreshMs: Math.round(refreshMs),
    heapMiB: Math.round(process.memoryUsage().rss / 1048576),
    results,
    goalMs: 300,
  };
  writeResult('report-model', out);
  console.log(JSON.stringify(out, null, 2));
  await store.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
