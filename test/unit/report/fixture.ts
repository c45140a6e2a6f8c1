/**
 * A real store with every section of the report filled: several sources, models, repositories and
 * developers; requests, errors, editor insertions (accepted or not), agent edits; commits, pull requests and
 * their daily aggregate; sync runs (coverage); dead letters. Deterministic for a given seed, so the browser
 * tests and the render benchmark see the same data every run. Events go through `buildEvent` and
 * `store.ingest` like any source's; outcome rows are written the way the outcome sync writes them.
 */
import { shiftDay } from '../../../src/core/analyze/series';
import type { AiEvent, DeadLetter } from '../../../src/core/model';
import { Store } from '../../../src/core/store/store';
import { batchOf, event, sqlLoader } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

export interface FixtureOptions {
  /** Last day with data (UTC). */
  lastDay: string;
  days: number;
  seed?: number;
  /** Days (offsets from the first) without any AI activity inside the span: counts are 0 there, not null. */
  quietEvery?: number;
  /** A database file (journaled, snapshot on close) instead of memory, for the CLI. */
  path?: string;
}

/** The clock of the fixture: noon UTC on its last day. */
export function fixtureNow(lastDay: string): number {
  return Date.parse(`${lastDay}T12:00:00Z`);
}

const REPOS = ['acme/api', 'acme/web', 'acme/infra'];
const DEVS = ['ana@example.com', 'ben@example.com', 'chen@example.com'];
const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-5-codex', 'in-house-model-x'];
const AGENT_SOURCES = ['claude-code-otel', 'claude-code-transcript', 'codex-transcript'] as const;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Builds the store (in memory unless `path` is given); the caller closes it. */
export async function fixtureStore(opts: FixtureOptions): Promise<Store> {
  const now = fixtureNow(opts.lastDay);
  const store = await Store.open({ path: opts.path ?? null, sql: await sqlLoader.load(), clock: { now: () => now } });
  const rnd = lcg(opts.seed ?? 7);
  const first = shiftDay(opts.lastDay, -(opts.days - 1));
  const events: AiEvent[] = [];
  const commit = rawDatabaseForTests(store).prepare(
    `INSERT INTO commits (sha, repo_slug, author, author_email, timestamp, event_date, lines_added, lines_removed, files_changed, is_merge)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const pr = rawDatabaseForTests(store).prepare(
    `INSERT INTO pull_requests (id, repo_slug, number, title, author, state, created_at, merged_at, updated_at, reopened)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const gh = new Map<string, { merged: number; commits: number; reopened: number; hours: number; added: number; removed: number }>();
  const ghRow = (repo: string, day: string) => {
    const k = `${repo}|${day}`;
    let r = gh.get(k);
    if (!r) gh.set(k, (r = { merged: 0, commits: 0, reopened: 0, hours: 0, added: 0, removed: 0 }));
    return r;
  };
  let prNumber = 1;
  for (let t = 0; t < opts.days; t++) {
    const day = shiftDay(first, t);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const quiet = opts.quietEvery ? t % opts.quietEvery === opts.quietEvery - 1 : false;
    const intensity = quiet ? 0 : weekend ? rnd() * 0.3 : 0.5 + rnd();
    const requests = Math.round(intensity * 24);
    for (let k = 0; k < requests; k++) {
      const dev = DEVS[Math.floor(rnd() * DEVS.length)]!;
      const repo = REPOS[Math.floor(rnd() * REPOS.length)]!;
      const source = AGENT_SOURCES[Math.floor(rnd() * AGENT_SOURCES.length)]!;
      const model = source === 'codex-transcript' ? MODELS[2 + Math.floor(rnd() * 2)]! : MODELS[Math.floor(rnd() * 2)]!;
      const time = `${day}T${String(1 + (k % 10)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:00Z`;
      const failed = rnd() < 0.05;
      events.push(
        event({
          id: `${day}-r${k}`,
          source,
          kind: failed ? 'error' : 'request',
          time,
          session_id: `${dev}-${day}-${k % 3}`,
          developer_id: dev,
          repo_slug: repo,
          model,
          tokens_in: 500 + Math.floor(rnd() * 4000),
          tokens_out: 100 + Math.floor(rnd() * 1500),
          cache_read_tokens: Math.floor(rnd() * 20000),
          cache_write_tokens: Math.floor(rnd() * 2000),
          latency_ms: 400 + Math.floor(rnd() * 6000),
          status_code: failed ? 529 : 200,
        }),
      );
      if (!failed && rnd() < 0.3) {
        events.push(
          event({
            id: `${day}-a${k}`,
            source,
            kind: 'edit',
            time,
            session_id: `${dev}-${day}-${k % 3}`,
            developer_id: dev,
            repo_slug: repo,
            model,
            tokens_in: null,
            tokens_out: null,
            latency_ms: null,
            status_code: null,
            tool_name: 'Edit',
            lines_added: 1 + Math.floor(rnd() * 40),
            lines_removed: Math.floor(rnd() * 10),
          }),
        );
      }
    }
    // Editor insertions (their survival measured at checkpoints).
    const insertions = Math.round(intensity * 10);
    for (let k = 0; k < insertions; k++) {
      const dev = DEVS[k % DEVS.length]!;
      const lines = 1 + Math.floor(rnd() * 25);
      const accepted = rnd() < 0.68;
      events.push(
        event({
          id: `${day}-e${k}`,
          source: 'editor',
          kind: 'edit',
          time: `${day}T${String(2 + (k % 8)).padStart(2, '0')}:30:00Z`,
          session_id: null,
          developer_id: dev,
          repo_slug: REPOS[k % 2]!,
          model: k % 3 === 0 ? 'copilot' : 'claude-sonnet-4-5',
          tokens_in: null,
          tokens_out: null,
          latency_ms: null,
          status_code: null,
          agent: 'copilot',
          lines_added: lines,
          accepted_flag: accepted,
          accepted_lines: accepted ? lines : Math.floor(lines * rnd() * 0.5),
          diff_ratio: accepted ? 0.7 + rnd() * 0.3 : rnd() * 0.6,
        }),
      );
    }
    // Commits the next day follow the AI activity (so the lag-1 correlation has something to find).
    const nCommits = Math.round(intensity * 6 + rnd() * 2);
    const commitDay = shiftDay(day, 1);
    if (t < opts.days - 1) {
      for (let c = 0; c < nCommits; c++) {
        const repo = REPOS[c % REPOS.length]!;
        const dev = DEVS[(c + t) % DEVS.length]!;
        const added = 5 + Math.floor(rnd() * 120);
        const removed = Math.floor(rnd() * 40);
        commit.run([`${t}-${c}`, repo, dev.split('@')[0]!, dev, `${commitDay}T10:00:00Z`, commitDay, added, removed, 3, 0]);
        const g = ghRow(repo, commitDay);
        g.commits += 1;
        g.added += added;
        g.removed += removed;
      }
    }
    // Pull requests: opened two days before they merge; one in ten reopened.
    if (!weekend && !quiet && t >= 2) {
      const merged = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < merged; k++) {
        const repo = REPOS[(k + t) % REPOS.length]!;
        const created = `${shiftDay(day, -2)}T09:00:00Z`;
        const mergedAt = `${day}T${String(9 + k).padStart(2, '0')}:00:00Z`;
        const reopened = prNumber % 10 === 0 ? 1 : 0;
        pr.run([prNumber, repo, prNumber, `PR ${prNumber}`, 'octocat', 'closed', created, mergedAt, mergedAt, reopened]);
        const g = ghRow(repo, day);
        g.merged += 1;
        g.hours += (Date.parse(mergedAt) - Date.parse(created)) / 3_600_000;
        g.reopened += reopened;
        prNumber += 1;
      }
    }
  }
  commit.free();
  pr.free();
  const ins = rawDatabaseForTests(store).prepare(
    `INSERT INTO daily_github_metrics (event_date, repo_slug, merged_pr_count, commit_count, reopened_pr_count, avg_merge_hours, lines_added, lines_removed)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const [k, g] of gh) {
    const [repo, day] = k.split('|') as [string, string];
    ins.run([day, repo, g.merged, g.commits, g.reopened, g.merged ? g.hours / g.merged : null, g.added, g.removed]);
  }
  ins.free();
  const syncedAt = new Date(now).toISOString();
  for (const repo of REPOS) {
    rawDatabaseForTests(store).run(`INSERT INTO etl_runs (job, checkpoint, runs, last_run_at, last_status) VALUES (?, ?, 1, ?, 'ok')`, [
      `git:${repo}`,
      syncedAt,
      syncedAt,
    ]);
    rawDatabaseForTests(store).run(`INSERT INTO etl_runs (job, checkpoint, runs, last_run_at, last_status) VALUES (?, ?, 1, ?, 'ok')`, [
      `github:${repo}`,
      syncedAt,
      syncedAt,
    ]);
  }
  store.markDirty();

  const rejects: DeadLetter[] = [
    {
      received_at: shiftDay(opts.lastDay, -3) + 'T10:00:00.000Z',
      source: 'claude-code-otel',
      reason: 'timestamp: not a time ("yesterday")',
      excerpt: '{"timeUnixNano":"yesterday","attributes":[]}',
    },
    {
      received_at: shiftDay(opts.lastDay, -1) + 'T11:00:00.000Z',
      source: 'claude-code-otel',
      reason: 'timestamp: not a time ("yesterday")',
      excerpt: '{"timeUnixNano":"yesterday","body":{"stringValue":"</script><b>x</b>"}}',
    },
    {
      received_at: `${opts.lastDay}T08:00:00.000Z`,
      source: 'codex-transcript',
      reason: 'tokens_in: negative (-5)',
      excerpt: '{"type":"event_msg","payload":{"type":"token_count"}}',
    },
  ];
  // Ingest in chunks of about a month, like a source importing history.
  for (let i = 0; i < events.length; i += 5000) await store.ingest(batchOf(events.slice(i, i + 5000)));
  await store.ingest({ events: [], metrics: [], rejects });
  return store;
}

/** An empty store (a new user). */
export async function emptyStore(lastDay: string, path: string | null = null): Promise<Store> {
  const now = fixtureNow(lastDay);
  return Store.open({ path, sql: await sqlLoader.load(), clock: { now: () => now } });
}
