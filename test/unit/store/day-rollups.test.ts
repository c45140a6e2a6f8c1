import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'sql.js';
import type { AiEvent } from '../../../src/core/model';
import { Store } from '../../../src/core/store/store';
import { binary } from '../helpers/cli';
import { batchOf, event, sqlLoader, tempDir } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Varied events: requests, errors, editor insertions, agent edits, nulls, sessions crossing days. */
function events(seed: number, n: number, idPrefix: string): AiEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: AiEvent[] = [];
  for (let i = 0; i < n; i++) {
    const kind = pick(['request', 'request', 'request', 'error', 'edit'] as const);
    const source = kind === 'edit' ? pick(['editor', 'claude-code-transcript'] as const) : pick(['prodlens', 'claude-code-otel', 'litellm'] as const);
    const day = 1 + Math.floor(r() * 6);
    out.push(
      event({
        id: `${idPrefix}${i}`,
        source,
        kind,
        time: `2026-03-0${day}T${String(Math.floor(r() * 24)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}:00Z`,
        session_id: r() < 0.15 ? null : `s${Math.floor(r() * 12)}`,
        developer_id: r() < 0.1 ? null : pick(['a@x.io', 'b@x.io', 'c@x.io']),
        repo_slug: r() < 0.2 ? null : pick(['acme/api', 'acme/web']),
        model: kind === 'edit' && r() < 0.5 ? null : pick(['claude-sonnet-4-5', 'gpt-5', 'no-such-model-xyz']),
        tokens_in: kind === 'edit' ? null : Math.floor(r() * 900),
        tokens_out: kind === 'edit' ? null : Math.floor(r() * 300),
        cache_read_tokens: r() < 0.5 ? null : Math.floor(r() * 5000),
        cache_write_tokens: r() < 0.5 ? null : Math.floor(r() * 500),
        latency_ms: r() < 0.2 ? null : Math.round(r() * 20000) / 10,
        status_code: kind === 'error' ? pick([429, 529, null]) : pick([200, 200, 500, null]),
        cost_usd: r() < 0.5 ? null : Math.round(r() * 1e5) / 1e6,
        accepted_flag: kind === 'edit' ? r() < 0.6 : null,
        lines_added: kind === 'edit' ? Math.floor(r() * 40) : null,
        accepted_lines: kind === 'edit' ? Math.floor(r() * 20) : null,
      }),
    );
  }
  return out;
}

const TABLES: Record<string, string> = {
  daily_session_metrics:
    'event_date, developer_id, session_count, request_count, total_tokens, accepted_count, error_count, median_latency_ms, round(cost_usd, 9)',
  daily_activity: `event_date, developer_id, repo_slug, source, sessions, requests, errors, tokens_in, tokens_out, total_tokens, cache_read_tokens,
    cache_write_tokens, round(cost_usd, 9), unpriced_requests, insertions, accepted_insertions, inserted_lines, accepted_lines, agent_edits,
    agent_lines_added, latency_count, hex(latency_hist)`,
  daily_model: `event_date, developer_id, repo_slug, source, model, requests, errors, tokens_out, total_tokens, cache_read_tokens, cache_write_tokens,
    round(cost_usd, 9), unpriced_requests, insertions, accepted_insertions, accepted_lines`,
  daily_totals: `event_date, dim, value, sessions, requests, errors, tokens_in, tokens_out, total_tokens, cache_read_tokens, cache_write_tokens,
    round(cost_usd, 9), unpriced_requests, insertions, accepted_insertions, inserted_lines, accepted_lines, agent_edits, agent_lines_added,
    latency_count, hex(latency_hist)`,
  daily_model_totals: `event_date, model, requests, errors, tokens_out, total_tokens, cache_read_tokens, cache_write_tokens, round(cost_usd, 9),
    unpriced_requests, insertions, accepted_insertions, accepted_lines`,
  // developer_id and repo_slug of session_index are the first non-null values seen, which depends on the order rows come in.
  session_index: 'session_id, source, first_day, last_day',
};

function dump(store: Store): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const [t, cols] of Object.entries(TABLES)) {
    out[t] = (rawDatabaseForTests(store).exec(`SELECT ${cols} FROM ${t} ORDER BY ${cols}`)[0]?.values ?? []) as unknown[][];
  }
  return out;
}

/** Recomputes every day from the events (the path changed days take) and returns the tables. */
function recomputed(store: Store): Record<string, unknown[][]> {
  rawDatabaseForTests(store).run('INSERT OR IGNORE INTO dirty_days (event_date) SELECT DISTINCT event_date FROM sessions');
  rawDatabaseForTests(store).run('DELETE FROM session_index');
  store.refreshDailyMetrics();
  return dump(store);
}

describe('day tables kept by the store', () => {
  it('writes the same rows from inserted rows of new days as a recompute from the events', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    await store.ingest(batchOf(events(1, 400, 'a')));
    assert.deepEqual(store.pendingDays(), []);
    const incremental = dump(store);
    assert.ok(incremental.daily_activity!.length > 50, 'the data covers many grains');
    assert.ok(
      incremental.daily_totals!.some((r) => r[14] !== 0),
      'editor insertions present',
    );
    assert.deepEqual(incremental, recomputed(store));
    await store.close();
  });

  it('stays equal to a recompute through bulk imports, ingests into existing days, updates and marked duplicates', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    const first = events(2, 300, 'b');
    await store.bulk(async () => {
      store.ingestUnjournaled(batchOf(first.slice(0, 150)));
      // Not current inside the bulk: it is settled once, before the bulk's commit.
      assert.ok(store.pendingDays().length > 0);
      store.ingestUnjournaled(batchOf(first.slice(150)));
    });
    assert.deepEqual(store.pendingDays(), []);
    // More rows into days that have some, one row changed, one marked a duplicate.
    await store.ingest(batchOf(events(3, 120, 'c')));
    const changed = { ...first[0]!, tokens_out: (first[0]!.tokens_out ?? 0) + 7, total_tokens: (first[0]!.total_tokens ?? 0) + 7 };
    assert.equal((await store.ingest(batchOf([changed]))).updated, 1);
    rawDatabaseForTests(store).run('UPDATE sessions SET duplicate_of = ? WHERE trace_hash = ?', [first[1]!.trace_hash, first[2]!.trace_hash]);
    rawDatabaseForTests(store).run('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)', [first[2]!.event_date]);
    store.markDirty([first[2]!.event_date]);
    assert.deepEqual(store.pendingDays(), []);
    const live = dump(store);
    assert.deepEqual(live, recomputed(store));
    await store.close();
  });

  it('a bulk with yieldMs writes its new days in slices, the loop turning between them, to the same tables; a live ingest meanwhile lands in them', async () => {
    const batch = events(4, 600, 'e');
    const reference = await Store.open({ path: null, sql: await sqlLoader.load() });
    await reference.bulk(async () => void reference.ingestUnjournaled(batchOf(batch)));
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    const seen: number[] = [];
    await store.bulk(
      async () => {
        store.ingestUnjournaled(batchOf(batch));
        // Runs at the first turn of the loop after the import's rows are in: while the day tables are written.
        setImmediate(() => {
          seen.push(rawDatabaseForTests(store).exec('SELECT COUNT(DISTINCT event_date) FROM daily_activity')[0]!.values[0]![0] as number);
          void store.ingest(batchOf(events(5, 80, 'f')));
        });
      },
      { yieldMs: 0 },
    );
    assert.equal(seen.length, 1, 'the loop turned before the bulk returned');
    assert.ok(seen[0]! > 0 && seen[0]! < 6, `some but not all of the 6 days were written when it turned (${seen[0]})`);
    assert.deepEqual(store.pendingDays(), []);
    assert.equal(store.dayTableStats.freshDays, 6);
    const sliced = dump(store);
    assert.deepEqual(sliced, recomputed(store), 'the live ingest made during the slices is in the tables');
    await reference.ingest(batchOf(events(5, 80, 'f')));
    assert.deepEqual(sliced, dump(reference), 'the same tables as the unsliced bulk and the same ingest after it');
    await store.close();
    await reference.close();
  });

  it('a bulk import large enough to write without the day indexes leaves the same rows and the same indexes', async function () {
    this.timeout(120_000);
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    const db = rawDatabaseForTests(store);
    const schema = () => db.exec("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")[0]!.values;
    const before = schema();
    // Many grains (90 days × 8 developers × 4 repositories × 3 sources × 3 models): over 20,000 day-table rows.
    const r = rng(11);
    const many: AiEvent[] = [];
    for (let i = 0; i < 24_000; i++) {
      const day = 1 + Math.floor(r() * 90);
      const ms = Date.UTC(2026, 0, day, Math.floor(r() * 24), Math.floor(r() * 60));
      many.push(
        event({
          id: `big${i}`,
          source: (['prodlens', 'claude-code-otel', 'litellm'] as const)[i % 3],
          kind: r() < 0.1 ? 'error' : 'request',
          time: new Date(ms).toISOString(),
          session_id: `s${Math.floor(i / 7)}`,
          developer_id: `d${Math.floor(r() * 8)}@x.io`,
          repo_slug: `acme/r${Math.floor(r() * 4)}`,
          model: ['claude-sonnet-4-5', 'gpt-5', 'no-such-model-xyz'][Math.floor(r() * 3)]!,
          tokens_in: Math.floor(r() * 900),
          tokens_out: Math.floor(r() * 300),
          latency_ms: Math.round(r() * 20000) / 10,
          cost_usd: Math.round(r() * 1e5) / 1e6,
        }),
      );
    }
    await store.bulk(async () => {
      for (let i = 0; i < many.length; i += 5000) store.ingestUnjournaled(batchOf(many.slice(i, i + 5000)));
    });
    assert.deepEqual(store.pendingDays(), []);
    const rows = (t: string) => db.exec(`SELECT count(*) FROM ${t}`)[0]!.values[0]![0] as number;
    assert.ok(rows('daily_activity') + rows('daily_model') + rows('daily_session_metrics') >= 20_000, 'large enough for the reindexed write');
    assert.deepEqual(schema(), before, 'every index is back, as it was');
    const bulk = dump(store);
    assert.deepEqual(bulk, recomputed(store));
    await store.close();
  });

  it('counts inserted rows and duplicates in a chunk with repeats and existing rows, also past the ordered rowid range', async () => {
    for (const hugeId of [false, true]) {
      const store = await Store.open({ path: null, sql: await sqlLoader.load() });
      const db = rawDatabaseForTests(store);
      const all = events(21, 200, 'h');
      const first = await store.ingest(batchOf(all.slice(0, 50)));
      assert.equal(first.inserted, 50);
      if (hugeId) {
        // A row with the largest id there is: SQLite then gives new rows unused ids at random.
        db.run('UPDATE sessions SET id = 9223372036854775807 WHERE id = (SELECT max(id) FROM sessions)');
      }
      // One chunk of new rows mixed with rows already stored and repeats within the chunk.
      const mixed = [...all.slice(50, 80), ...all.slice(10, 20), ...all.slice(60, 65), ...all.slice(80, 100)];
      const r = await store.ingest(batchOf(mixed));
      assert.deepEqual(
        { inserted: r.inserted, duplicates: r.duplicates, updated: r.updated },
        { inserted: 50, duplicates: 15, updated: 0 },
        `hugeId=${hugeId}`,
      );
      assert.equal(db.exec('SELECT count(*) FROM sessions')[0]!.values[0]![0], 100);
      assert.deepEqual(dump(store), recomputed(store));
      await store.close();
    }
  });

  it('a batch that fails half way leaves day tables equal to a recompute: rolled back alone, partly kept inside a bulk', async () => {
    for (const inBulk of [false, true]) {
      const store = await Store.open({ path: null, sql: await sqlLoader.load() });
      const db = rawDatabaseForTests(store);
      const all = events(31, 300, inBulk ? 'k' : 'j');
      await store.ingest(batchOf(all.slice(0, 100)));
      // The third chunk of 64 rows holds a row SQLite refuses (kind is NOT NULL).
      const bad = [...all.slice(100, 250)];
      bad[140] = { ...bad[140]!, kind: null as unknown as AiEvent['kind'] };
      const write = async () => {
        if (!inBulk) return store.ingest(batchOf(bad));
        return store.bulk(async () => store.ingestUnjournaled(batchOf(bad)));
      };
      await assert.rejects(write(), /NOT NULL/);
      const rows = db.exec('SELECT count(*) FROM sessions')[0]!.values[0]![0] as number;
      // Alone: nothing of the batch. Inside a bulk: the chunks before the failing one (imports are idempotent).
      assert.equal(rows, inBulk ? 100 + 128 : 100);
      store.settle();
      assert.deepEqual(store.pendingDays(), []);
      assert.deepEqual(dump(store), recomputed(store), `inBulk=${inBulk}`);
      await store.close();
    }
  });

  it('is current after the built `prodlens import`: the file read directly matches the events, nothing left dirty', async function () {
    this.timeout(120000);
    const t = tempDir();
    try {
      const input = path.join(t.dir, 'events.ndjson');
      const evs = events(4, 500, 'd');
      // ProdLens's own event format (docs/events.md).
      writeFileSync(input, evs.map((e) => JSON.stringify(toProdlensEvent(e))).join('\n'));
      const db = path.join(t.dir, 'p.sqlite');
      const r = await binary(['import', input, '--json', '--db', db]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).inserted, 500);
      const SQL = await sqlLoader.load();
      const file = new SQL.Database(readFileSync(db));
      try {
        assert.equal(file.exec('SELECT COUNT(*) FROM dirty_days')[0]!.values[0]![0], 0, 'no day left for a reader to refresh');
        const stored = file.exec(
          `SELECT event_date, developer_id, session_count, request_count, total_tokens, accepted_count, error_count, median_latency_ms, round(cost_usd, 9)
             FROM daily_session_metrics ORDER BY event_date, developer_id`,
        )[0]!.values;
        assert.deepEqual(stored, expectedDsm(file));
        assert.ok(stored.length >= 6);
      } finally {
        file.close();
      }
    } finally {
      t.cleanup();
    }
  });
});

describe('day tables updated incrementally on live writes', () => {
  it('a live ingest into a day that has events updates its tables by deltas, without recomputing the day', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load() });
    const first = events(5, 200, 'e');
    await store.ingest(batchOf(first));
    const before = store.dayTableStats;
    assert.ok(before.freshDays > 0);
    // More rows into the same days, one row changed by an upsert, duplicates re-sent.
    await store.ingest(batchOf(events(6, 50, 'f')));
    const changed = { ...first[3]!, tokens_out: (first[3]!.tokens_out ?? 0) + 11, total_tokens: (first[3]!.total_tokens ?? 0) + 11, latency_ms: 4321 };
    assert.equal((await store.ingest(batchOf([changed, first[4]!]))).updated, 1);
    const after = store.dayTableStats;
    assert.equal(after.recomputedDays, before.recomputedDays, 'no day was recomputed from its events');
    assert.ok(after.incrementalDays > before.incrementalDays);
    assert.deepEqual(store.pendingDays(), []);
    assert.deepEqual(dump(store), recomputed(store));
    await store.close();
  });

  it('recomputes pending deltas when the zone changes before they are applied (keyed by the old local days)', async () => {
    const store = await Store.open({ path: null, sql: await sqlLoader.load(), timeZone: 'Pacific/Kiritimati' });
    await store.ingest(batchOf([event({ id: 'k1', time: '2026-03-01T20:00:00Z', session_id: 'k' })]));
    await store.bulk(async () => {
      // Local day 2026-03-02 in Kiritimati (UTC+14), UTC day 2026-03-01: a live delta, pending until the bulk ends.
      store.ingestUnjournaled(batchOf([event({ id: 'k2', time: '2026-03-01T21:00:00Z', session_id: 'k' })]));
      store.setTimeZone('UTC');
    });
    const live = dump(store);
    assert.deepEqual(
      live.daily_activity!.map((r) => r[0]),
      ['2026-03-01'],
    );
    assert.deepEqual(live, recomputed(store));
    await store.close();
  });

  for (const zone of ['UTC', 'Asia/Kolkata', 'America/Los_Angeles']) {
    it(`equals a full recompute after random sequences of inserts, duplicates, upserts and marked duplicates (${zone})`, async function () {
      this.timeout(120000);
      const sql = await sqlLoader.load();
      for (let seed = 1; seed <= 12; seed++) {
        const r = rng(seed * 7919);
        const store = await Store.open({ path: null, sql, timeZone: zone });
        const stored: AiEvent[] = [];
        // A row leaving a session (its session changed, or marked a duplicate) does not narrow the session's
        // span in session_index (recomputes only widen it, as before): compared exactly only without one.
        let leftSession = false;
        let next = 0;
        const fresh = (n: number) => {
          const evs = events(seed * 1000 + next, n, `p${seed}-${next}-`);
          next += 1;
          return evs;
        };
        const mutate = (e: AiEvent): AiEvent => {
          const x = { ...e };
          const what = Math.floor(r() * 8);
          if (what === 0) x.tokens_out = Math.floor(r() * 500);
          if (what === 1) x.latency_ms = r() < 0.3 ? null : Math.round(r() * 30000) / 10;
          if (what === 2) x.status_code = r() < 0.5 ? 503 : 200;
          if (what === 3) x.cost_usd = Math.round(r() * 1e5) / 1e6;
          if (what === 4) x.kind = x.kind === 'request' ? 'error' : 'request';
          if (what === 5) x.accepted_flag = r() < 0.5;
          // Grain changes (developer, repository, session): the day is recomputed from its events.
          if (what === 6) x.developer_id = r() < 0.3 ? null : 'z@x.io';
          if (what === 7) {
            x.session_id = r() < 0.3 ? null : `s${Math.floor(r() * 12)}`;
            leftSession ||= x.session_id !== e.session_id;
          }
          x.total_tokens = (x.tokens_in ?? 0) + (x.tokens_out ?? 0);
          return x;
        };
        for (let step = 0; step < 14; step++) {
          const op = r();
          if (op < 0.35 || !stored.length) {
            const evs = fresh(1 + Math.floor(r() * 40));
            stored.push(...evs);
            await store.ingest(batchOf(evs));
          } else if (op < 0.5) {
            // Re-sent rows, some identical, some changed, with new ones.
            const picks = Array.from({ length: 1 + Math.floor(r() * 8) }, () => stored[Math.floor(r() * stored.length)]!);
            const sent = picks.map((e) => (r() < 0.6 ? mutate(e) : e));
            const evs = [...sent, ...fresh(Math.floor(r() * 5))];
            await store.ingest(batchOf(evs));
            for (const e of evs) {
              const i = stored.findIndex((s) => s.trace_hash === e.trace_hash);
              if (i >= 0) stored[i] = e;
              else stored.push(e);
            }
          } else if (op < 0.65) {
            const evs = fresh(50 + Math.floor(r() * 200));
            stored.push(...evs);
            await store.ingestSliced(batchOf(evs), 20);
          } else if (op < 0.78) {
            await store.bulk(async () => {
              for (let i = 0; i < 3; i++) {
                const evs = fresh(Math.floor(r() * 30));
                stored.push(...evs);
                store.ingestUnjournaled(batchOf(evs));
              }
            });
          } else if (op < 0.88) {
            // The same row twice in one batch, the second changed.
            const e = fresh(1)[0]!;
            const e2 = mutate(e);
            stored.push(e2);
            await store.ingest(batchOf([e, e2]));
            const j = stored.findIndex((s) => s.trace_hash === e.trace_hash);
            stored[j] = e2;
          } else {
            // Another writer marks a row a duplicate of another (the transcript reconciler's way).
            const a = stored[Math.floor(r() * stored.length)]!;
            const b = stored[Math.floor(r() * stored.length)]!;
            if (a.trace_hash === b.trace_hash) continue;
            leftSession = true;
            rawDatabaseForTests(store).run('UPDATE sessions SET duplicate_of = ? WHERE trace_hash = ? AND duplicate_of IS NULL', [a.trace_hash, b.trace_hash]);
            const day = rawDatabaseForTests(store).exec('SELECT event_date FROM sessions WHERE trace_hash = ?', [b.trace_hash])[0]!.values[0]![0] as string;
            rawDatabaseForTests(store).run('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)', [day]);
            store.markDirty([day]);
          }
          assert.deepEqual(store.pendingDays(), [], `seed ${seed} step ${step}: current after the write`);
        }
        const live = dump(store);
        assert.ok(store.dayTableStats.incrementalDays > 0, `seed ${seed}: the incremental path ran`);
        const full = recomputed(store);
        if (leftSession) {
          // Every recomputed span lies within the live one.
          const spans = new Map(live.session_index!.map((x) => [`${x[0]}|${x[1]}`, x]));
          for (const x of full.session_index!) {
            const l = spans.get(`${x[0]}|${x[1]}`);
            assert.ok(l && (l[2] as string) <= (x[2] as string) && (l[3] as string) >= (x[3] as string), `seed ${seed}: span of ${x[0]}`);
          }
          delete live.session_index;
          delete full.session_index;
        }
        assert.deepEqual(live, full, `seed ${seed}: incremental = recompute`);
        await store.close();
      }
    });
  }
});

/** An independent computation of daily_session_metrics from the stored events (the seed's definitions). */
function expectedDsm(db: Database): unknown[][] {
  const rows = db.exec(
    `SELECT event_date, developer_id, session_id, kind, status_code, accepted_flag, total_tokens, cost_usd, latency_ms FROM sessions WHERE duplicate_of IS NULL`,
  )[0]!.values;
  const g = new Map<
    string,
    { day: string; dev: unknown; sessions: Set<unknown>; req: number; tok: number; acc: number; err: number; lat: number[]; cost: number }
  >();
  for (const [day, dev, sid, kind, status, accepted, tokens, cost, lat] of rows) {
    const k = `${day}|${dev}`;
    let x = g.get(k);
    if (!x) g.set(k, (x = { day: day as string, dev, sessions: new Set(), req: 0, tok: 0, acc: 0, err: 0, lat: [], cost: 0 }));
    if (sid !== null) x.sessions.add(sid);
    if (kind === 'request') x.req++;
    const isErr = kind === 'error' || (typeof status === 'number' && status >= 400);
    if (isErr) x.err++;
    if (accepted === 1) x.acc++;
    x.tok += (tokens as number | null) ?? 0;
    x.cost += (cost as number | null) ?? 0;
    if (lat !== null && (kind === 'request' || kind === 'error')) x.lat.push(lat as number);
  }
  const med = (v: number[]) => {
    if (!v.length) return null;
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  return [...g.values()]
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : String(a.dev ?? '') < String(b.dev ?? '') ? -1 : 1))
    .map((x) => [x.day, x.dev, x.sessions.size, x.req, x.tok, x.acc, x.err, med(x.lat), Math.round(x.cost * 1e9) / 1e9]);
}

function toProdlensEvent(e: AiEvent): Record<string, unknown> {
  return {
    event_id: e.trace_hash,
    source: e.source,
    timestamp: e.timestamp,
    kind: e.kind,
    session_id: e.session_id,
    developer_id: e.developer_id,
    repo_slug: e.repo_slug,
    model: e.model,
    tokens_in: e.tokens_in,
    tokens_out: e.tokens_out,
    cache_read_tokens: e.cache_read_tokens,
    cache_write_tokens: e.cache_write_tokens,
    latency_ms: e.latency_ms,
    status_code: e.status_code,
    cost_usd: e.cost_usd,
    accepted_flag: e.accepted_flag,
    lines_added: e.lines_added,
    accepted_lines: e.accepted_lines,
  };
}
