/**
 * Writes a simulated pilot (test/support/sim/pilot.ts) as real ProdLens data: one sql.js database per device
 * (events through the canonical event rules; the commits and pull requests of the device's repository, as
 * every device of that repository syncs them), then `prodlens export` of each database into
 * `<lake>/<device>/`, pseudonymized where the pilot says so.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/context';
import type { AiEvent } from '../../../src/core/model';
import { Store } from '../../../src/core/store/store';
import { event, sqlLoader } from '../helpers/events';
import type { Pilot, PilotDeveloper } from '../../support/sim';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

export const TEAM_SECRET = 'pilot-team-secret-0123456789';

export function cliIo(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd, signal: new AbortController().signal };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

interface Truth {
  requests: number;
  totalTokens: number;
  commits: number;
  mergedPrs: number;
  /** device name → device id the store gave it */
  deviceIds: Record<string, string>;
}

function eventsOf(d: PilotDeveloper, device: number): AiEvent[] {
  const out: AiEvent[] = [];
  const s = d.sim.series;
  d.sim.days.forEach((day, i) => {
    if (d.deviceOfDay[i] !== device) return;
    const requests = s.requests[i] ?? 0;
    const tokens = s.total_tokens[i] ?? 0;
    for (let k = 0; k < requests; k++) {
      const share = k === requests - 1 ? tokens - Math.floor(tokens / requests) * (requests - 1) : Math.floor(tokens / requests);
      out.push(
        event({
          id: `${d.email}-${day}-r${k}`,
          time: `${day}T${String(8 + (k % 10)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:00Z`,
          developer_id: d.email,
          repo_slug: d.repo,
          session_id: `${d.email}-${day}`,
          model: k % 3 === 0 ? 'claude-opus-4-1' : 'claude-sonnet-4-5',
          tokens_in: share,
          tokens_out: 0,
        }),
      );
    }
    const accepted = s.accepted_lines[i] ?? 0;
    if (accepted > 0) {
      out.push(
        event({
          id: `${d.email}-${day}-edit`,
          time: `${day}T17:00:00Z`,
          kind: 'edit',
          developer_id: d.email,
          repo_slug: d.repo,
          accepted_flag: true,
          accepted_lines: accepted,
          tokens_in: null,
          tokens_out: null,
          model: null,
        }),
      );
    }
  });
  return out;
}

/** Commits and merged PRs of everyone working in `repo`, as every device of that repository has them. */
function delivery(pilot: Pilot, repo: string) {
  const commits: unknown[][] = [];
  const prs: unknown[][] = [];
  let number = 0;
  for (const d of pilot.developers) {
    if (d.repo !== repo) continue;
    const s = d.sim.series;
    d.sim.days.forEach((day, i) => {
      const c = s.commits[i] ?? 0;
      for (let k = 0; k < c; k++) {
        const added = Math.round((s.lines_added[i] ?? 0) / c);
        commits.push([
          createHash('sha1').update(`${d.email}/${day}/${k}`).digest('hex'),
          repo,
          d.email,
          d.email,
          d.email,
          `${day}T1${k % 10}:00:00Z`,
          day,
          added,
          Math.round((s.lines_removed[i] ?? 0) / c),
        ]);
      }
      const m = s.merged_prs[i] ?? 0;
      for (let k = 0; k < m; k++) {
        number++;
        const hours = Math.round(s.merge_hours[i] ?? 20);
        const merged = Date.parse(`${day}T16:00:00Z`);
        const created = new Date(merged - hours * 3600_000).toISOString();
        prs.push([
          number,
          repo,
          number,
          `PR ${number}`,
          d.email,
          created,
          new Date(merged).toISOString(),
          new Date(merged).toISOString(),
          new Date(merged).toISOString(),
        ]);
      }
    });
  }
  return { commits, prs };
}

/** Writes the databases and exports them; returns what the lake must add up to (from the simulation). */
export async function writePilotLake(pilot: Pilot, lake: string, work: string, opts: { extraCopyOf?: string } = {}): Promise<Truth> {
  const truth: Truth = { requests: 0, totalTokens: 0, commits: 0, mergedPrs: 0, deviceIds: {} };
  const repos = [...new Set(pilot.developers.map((d) => d.repo))];
  const byRepo = new Map(repos.map((r) => [r, delivery(pilot, r)]));
  for (const r of byRepo.values()) {
    truth.commits += r.commits.length;
    truth.mergedPrs += r.prs.length;
  }
  for (const d of pilot.developers) {
    for (let dev = 0; dev < d.devices.length; dev++) {
      const name = d.devices[dev]!;
      const dbPath = path.join(work, `${name}.sqlite`);
      const store = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
      truth.deviceIds[name] = store.deviceId;
      const events = eventsOf(d, dev);
      truth.requests += events.filter((e) => e.kind === 'request').length;
      truth.totalTokens += events.reduce((a, e) => a + (e.total_tokens ?? 0), 0);
      await store.ingest({ events, metrics: [], rejects: [] });
      const { commits, prs } = byRepo.get(d.repo)!;
      for (const c of commits) {
        rawDatabaseForTests(store).run(
          `INSERT INTO commits (sha, repo_slug, author, author_name, author_email, timestamp, committed_at, event_date, lines_added, lines_removed, files_changed, is_merge, is_mine, source)
           VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, 1, 0, 0, 'git')`,
          c as (string | number)[],
        );
      }
      for (const p of prs) {
        rawDatabaseForTests(store).run(
          `INSERT INTO pull_requests (id, repo_slug, number, title, author, state, created_at, merged_at, closed_at, updated_at, reopened, additions, deletions)
           VALUES (?, ?, ?, ?, ?, 'merged', ?, ?, ?, ?, 0, 10, 2)`,
          p as (string | number)[],
        );
      }
      store.markDirty();
      await store.close();
      const args = ['export', '--out', path.join(lake, name), '--db', dbPath];
      if (d.pseudonymized) args.push('--pseudonymize');
      const c = cliIo(work, { PRODLENS_TEAM_SECRET: TEAM_SECRET });
      assert.equal(await runCli(args, c.io), 0, c.stderr());
      if (opts.extraCopyOf === name) {
        const again = cliIo(work, { PRODLENS_TEAM_SECRET: TEAM_SECRET });
        assert.equal(await runCli([...args.slice(0, 2), path.join(lake, `${name}-copy`), ...args.slice(3)], again.io), 0, again.stderr());
      }
    }
  }
  return truth;
}
