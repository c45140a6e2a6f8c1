import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { asDayKey, DayZone } from '../../../src/core/day';
import { makeSchedule, unitInterval, type ExperimentSpec } from '../../../src/core/experiments/design';
import { designPower } from '../../../src/core/experiments/power';
import { SeededRandom } from '../../../src/core/experiments/prng';
import type { AiEvent } from '../../../src/core/model';
import { saveExperiment } from '../../../src/core/store/experiments-repo';
import { Store } from '../../../src/core/store/store';
import type { TeamReport } from '../../../src/core/team/build';
import { buildTeamExperiments } from '../../../src/core/team/experiments';
import type { ExperimentModelRow, ExperimentUnitRow } from '../../../src/core/store/team-lake-sql';
import { event, sqlLoader, tempDir } from '../helpers/events';
import { cliIo } from './pilot-lake';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

/**
 * Four simulated developers each run the same design (inline completions on vs off, day units, 12 units in
 * blocks of 4, each with their own seed, start day and baseline), with a planted effect of +2 commits on "on"
 * days; a fifth runs an agent on/off design alone. Each device's database is exported with the real
 * `prodlens export`, and `prodlens team --json` reads the lake.
 */
const EFFECT = 2;
const ZONE = 'Europe/Berlin';

interface Dev {
  email: string;
  seed: number;
  start: string;
  base: number;
  spec: Pick<ExperimentSpec, 'treatment' | 'arms'>;
  /** Unit index of an "off" unit with an editor insertion (a deviation), if any. */
  deviateAt?: number;
}

const INLINE = { treatment: 'inline-completions', arms: { A: 'on', B: 'off' } } as const;
const DEVS: Dev[] = [
  { email: 'ana@example.com', seed: 11, start: '2026-03-02', base: 1, spec: INLINE },
  { email: 'ben@example.com', seed: 22, start: '2026-03-09', base: 4, spec: INLINE },
  { email: 'cho@example.com', seed: 33, start: '2026-03-02', base: 7, spec: INLINE },
  { email: 'dee@example.com', seed: 44, start: '2026-03-16', base: 2, spec: INLINE },
  { email: 'eve@example.com', seed: 55, start: '2026-03-02', base: 3, spec: { treatment: 'agent', arms: { A: 'on', B: 'off' } } },
];

async function writeDevice(d: Dev, i: number, lake: string, work: string, withExperiment: boolean): Promise<void> {
  const dbPath = path.join(work, `dev${i}.sqlite`);
  const store = await Store.open({ path: dbPath, sql: await sqlLoader.load() });
  const zone = new DayZone(ZONE);
  const design = makeSchedule({ ...d.spec, unit: 'day', units: 12, startDay: asDayKey(d.start), timeZone: ZONE, outcomes: ['commits'], seed: d.seed });
  if (withExperiment) {
    const power = designPower(design, {});
    saveExperiment(store, { id: `exp-${i}`, createdAt: `${d.start}T06:00:00.000Z`, status: 'active', stoppedAt: null, design, power });
  }
  const rng = new SeededRandom(d.seed * 7 + 1);
  const events: AiEvent[] = [];
  let sha = 0;
  for (const u of design.schedule) {
    const at = unitInterval(design, u, zone).startMs + 10 * 3_600_000;
    const on = u.arm === 'A';
    const commits = d.base + (on ? EFFECT : 0) + Math.floor(rng.next() * 3);
    for (let k = 0; k < commits; k++) {
      rawDatabaseForTests(store).run(
        `INSERT INTO commits (sha, repo_slug, author, author_email, timestamp, event_date, lines_added, lines_removed, is_merge, is_mine, source)
         VALUES (?, 'acme/api', ?, ?, ?, ?, 5, 1, 0, 1, 'git')`,
        [`${i}-${sha++}`, d.email, d.email, new Date(at + k * 60_000).toISOString(), new Date(at).toISOString().slice(0, 10)],
      );
    }
    const editor = d.spec.treatment === 'inline-completions' ? on || u.index === d.deviateAt : !on;
    const agent = d.spec.treatment === 'agent' ? on : true;
    if (editor)
      events.push(
        event({
          id: `${d.email}-ins-${u.index}`,
          source: 'editor',
          kind: 'edit',
          time: new Date(at).toISOString(),
          developer_id: d.email,
          model: null,
          tokens_in: null,
          tokens_out: null,
          accepted_flag: true,
          accepted_lines: 10,
          lines_added: 10,
          session_id: null,
        }),
      );
    if (agent) events.push(event({ id: `${d.email}-req-${u.index}`, time: new Date(at + 1_800_000).toISOString(), developer_id: d.email }));
  }
  await store.ingest({ events, metrics: [], rejects: [] });
  store.markDirty();
  await store.close();
  const c = cliIo(work);
  assert.equal(await runCli(['export', '--out', path.join(lake, `dev${i}`), '--db', dbPath], c.io), 0, c.stderr());
}

async function team(lake: string, cwd: string): Promise<TeamReport> {
  const c = cliIo(cwd);
  assert.equal(await runCli(['team', '--lake', lake, '--json'], c.io), 0, c.stderr());
  return JSON.parse(c.stdout()) as TeamReport;
}

describe('prodlens team: self-experiments pooled across developers', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let report: TeamReport;
  let text: string;

  before(async () => {
    tmp = tempDir('prodlens-team-exp-');
    const lake = path.join(tmp.dir, 'lake');
    for (const [i, d] of DEVS.entries()) await writeDevice(i === 0 ? { ...d, deviateAt: 1 } : d, i, lake, tmp.dir, true);
    report = await team(lake, tmp.dir);
    const c = cliIo(tmp.dir);
    assert.equal(await runCli(['team', '--lake', lake], c.io), 0, c.stderr());
    text = c.stdout();
  });
  after(() => tmp.cleanup());

  it('pools the design four developers ran, with a CI covering the planted effect', () => {
    const x = report.experiments!;
    assert.ok(x, 'an experiments section');
    const inline = x.designs.find((d) => d.treatment === 'inline-completions')!;
    assert.deepEqual([inline.arms, inline.unit, inline.developers], [{ A: 'on', B: 'off' }, 'day', 4]);
    assert.deepEqual(
      inline.runs.map((r) => r.developer),
      DEVS.slice(0, 4).map((d) => d.email),
    );
    const commits = inline.pooled!.find((e) => e.outcome === 'commits')!;
    assert.equal(commits.nA + commits.nB, 48);
    assert.ok(commits.ciLow! <= EFFECT && EFFECT <= commits.ciHigh!, `CI ${commits.ciLow}..${commits.ciHigh} covers ${EFFECT}`);
    assert.ok(Math.abs(commits.estimate! - EFFECT) < 0.6, `estimate ${commits.estimate}`);
    assert.ok(commits.p! < 0.01, `p ${commits.p}`);
    // The pooled interval is narrower than any one developer's.
    for (const r of inline.runs) {
      const own = r.results.find((e) => e.outcome === 'commits')!;
      assert.equal(own.nA + own.nB, 12);
      assert.ok(own.ciHigh === null || own.ciLow === null || own.ciHigh - own.ciLow > commits.ciHigh! - commits.ciLow!);
    }
  });

  it('reports every developer n and adherence, a deviation included', () => {
    const inline = report.experiments!.designs.find((d) => d.treatment === 'inline-completions')!;
    const ana = inline.runs.find((r) => r.developer === 'ana@example.com')!;
    assert.deepEqual(ana.adherence, { checked: 12, adherent: 11, rate: 11 / 12 });
    for (const r of inline.runs.slice(1)) assert.deepEqual([r.units, r.unitsAnalysed, r.adherence.rate], [12, 12, 1]);
  });

  it('reports a design run by one developer per developer, without pooling', () => {
    const agent = report.experiments!.designs.find((d) => d.treatment === 'agent')!;
    assert.equal(agent.developers, 1);
    assert.equal(agent.pooled, null);
    assert.match(agent.reason!, /1 developer/);
    const own = agent.runs[0]!.results.find((e) => e.outcome === 'commits')!;
    assert.equal(agent.runs[0]!.developer, 'eve@example.com');
    assert.ok(own.ciLow! <= EFFECT && EFFECT <= own.ciHigh!, `CI ${own.ciLow}..${own.ciHigh} covers ${EFFECT}`);
  });

  it('prints the experiments in the text report', () => {
    assert.match(text, /Self-experiments/);
    assert.match(text, /inline-completions on vs off, per day: 4 developer\(s\), pooled/);
    assert.match(text, /pooled {2}Commits: \+\d/);
    assert.match(text, /agent on vs off, per day: 1 developer\(s\) \(run by 1 developer/);
  });

  it('renders the experiments in the --html report', async () => {
    const file = path.join(tmp.dir, 'team.html');
    const c = cliIo(tmp.dir);
    assert.equal(await runCli(['team', '--lake', path.join(tmp.dir, 'lake'), '--html', file], c.io), 0, c.stderr());
    const html = readFileSync(file, 'utf8');
    assert.match(html, /<h2>Self-experiments<\/h2>/);
    assert.match(html, /id="experiment-0-pooled"><caption>Pooled over 4 developers/);
    assert.match(html, /Not pooled: run by 1 developer/);
  });

  it('has no experiments section when the lake holds no experiment', async () => {
    const lake = path.join(tmp.dir, 'plain');
    await writeDevice(DEVS[1]!, 9, lake, tmp.dir, false);
    const r = await team(lake, tmp.dir);
    assert.equal(r.experiments, undefined);
    assert.ok(r.totals.commits! > 0);
  });
});

describe('team experiments model (buildTeamExperiments)', () => {
  const unit = (device: string, experiment: string, i: number, arm: 'A' | 'B', labels: { A: string; B: string }, y: number): ExperimentUnitRow => ({
    device_id: device,
    experiment_id: experiment,
    treatment: 'model',
    unit_kind: 'half-day',
    status: 'stopped',
    unit_index: i,
    block: Math.floor(i / 2),
    arm,
    arm_label: labels[arm],
    day: `2026-04-0${1 + Math.floor(i / 2)}`,
    ended: true,
    events: 3,
    agent_requests: 3,
    editor_insertions: 0,
    accepted_lines: 0,
    cost_usd: 0.5,
    developer_id: 'sam@example.com',
    commits: y,
    lines_changed: 10 * y,
  });
  const labels = { A: 'opus', B: 'sonnet' };
  const arms: Array<'A' | 'B'> = ['A', 'B', 'B', 'A', 'A', 'B', 'B', 'A'];
  // One developer on two devices (two experiments of the same design).
  const rows = [
    ...arms.map((a, i) => unit('laptop', 'e1', i, a, labels, a === 'A' ? 3 : 1)),
    ...arms.map((a, i) => unit('desktop', 'e2', i, a, labels, a === 'A' ? 2 : 2)),
  ];

  it('is null without experiment units', () => {
    assert.equal(buildTeamExperiments([], []), null);
  });

  it('counts developers, not devices, for pooling, and reads model adherence from the requests per model', () => {
    const models: ExperimentModelRow[] = [
      { device_id: 'laptop', experiment_id: 'e1', unit_index: 0, model: 'claude-opus-4-1', requests: 3 },
      { device_id: 'laptop', experiment_id: 'e1', unit_index: 1, model: 'claude-opus-4-1', requests: 1 },
    ];
    const x = buildTeamExperiments(rows, models)!;
    assert.equal(x.designs.length, 1);
    const d = x.designs[0]!;
    assert.deepEqual([d.treatment, d.arms, d.unit, d.developers, d.runs.length, d.pooled], ['model', labels, 'half-day', 1, 2, null]);
    const laptop = d.runs.find((r) => r.device === 'laptop')!;
    // Unit 1 is a sonnet unit with an opus request: a deviation.
    assert.deepEqual(laptop.adherence, { checked: 8, adherent: 7, rate: 7 / 8 });
    assert.equal(laptop.results.find((e) => e.outcome === 'commits')!.estimate, 2);
  });

  it('pools once a second developer runs the design; units not ended or with nothing recorded are left out', () => {
    const other = rows
      .slice(8)
      .map((r, i) => ({ ...r, developer_id: 'kim@example.com', ended: i < 6, events: i === 0 ? 0 : r.events, commits: i === 0 ? 0 : r.commits }));
    const x = buildTeamExperiments([...rows.slice(0, 8), ...other], [])!;
    const d = x.designs[0]!;
    assert.equal(d.developers, 2);
    const kim = d.runs.find((r) => r.developer === 'kim@example.com')!;
    assert.deepEqual([kim.units, kim.unitsAnalysed], [8, 5]);
    const pooled = d.pooled!.find((e) => e.outcome === 'commits')!;
    assert.equal(pooled.nA + pooled.nB, 13);
    assert.ok(pooled.estimate! > 0 && pooled.p !== null);
  });
});
