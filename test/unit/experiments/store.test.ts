/**
 * A two-week experiment end to end in the core, on a real sql.js store: the design saved as drawn, AI use on
 * an "off" day detected as a deviation, ITT and per-protocol from the stored events and commits, survey
 * answers stored as events and shown next to their sessions' measures, both in the report and the export.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { asDayKey, DayZone } from '../../../src/core/day';
import { makeSchedule, unitInterval } from '../../../src/core/experiments/design';
import { designPower } from '../../../src/core/experiments/power';
import { exportParquet } from '../../../src/core/export/exporter';
import { ParquetWasmLoader } from '../../../src/core/export/node-parquet';
import { buildReport } from '../../../src/core/report/build';
import { summarizeExperiment } from '../../../src/core/report/experiment';
import { activeExperiment, historicalSpread, listExperiments, saveExperiment, stopExperiment } from '../../../src/core/store/experiments-repo';
import { surveyEvent } from '../../../src/core/survey/answer';
import { formatTextReport } from '../../../src/cli/text-report';
import { makeStyle } from '../../../src/cli/style';
import { duck, memoryStore } from '../export/fixtures';
import { batchOf, event, prices, tempDir } from '../helpers/events';

const ZONE = 'Europe/Berlin';

describe('experiments in the store, the report and the export', function () {
  this.timeout(60_000);

  it('records the design, finds the deviation, analyses ITT and per-protocol, and exports units and survey answers', async () => {
    const store = await memoryStore();
    const zone = new DayZone(ZONE);
    const design = makeSchedule({ treatment: 'inline-completions', arms: { A: 'on', B: 'off' }, unit: 'day', units: 10, startDay: asDayKey('2026-03-02'), timeZone: ZONE, outcomes: ['commits', 'accepted_lines'], seed: 99 });
    // History before the start: 20 working days with 2–6 commits each, for the assumed SD.
    let sha = 0;
    const commitAt = (ms: number) =>
      store.db.run(
        `INSERT INTO commits (sha, repo_slug, author, author_email, timestamp, event_date, lines_added, lines_removed, is_merge, is_mine, source) VALUES (?, 'acme/api', 'me@example.com', 'me@example.com', ?, ?, 5, 1, 0, 1, 'git')`,
        [`c${sha++}`, new Date(ms).toISOString(), new Date(ms).toISOString().slice(0, 10)],
      );
    for (let d = 1, worked = 0; worked < 20; d++) {
      const day = new Date(Date.parse('2026-03-02T10:00:00Z') - d * 86_400_000);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      worked++;
      for (let k = 0; k < 2 + (worked % 5); k++) commitAt(day.getTime() + k * 60_000);
    }
    const sds = historicalSpread(store.db, { startDay: design.startDay, unit: 'day', timeZone: ZONE, outcomes: design.outcomes });
    assert.ok(sds.commits!.sd! > 1 && sds.commits!.sd! < 2, `SD of 2–6 commits a day: ${sds.commits!.sd}`);
    assert.equal(sds.accepted_lines!.sd, 0, 'no AI lines before: zero spread, which the basis says');
    const power = designPower(design, sds);
    saveExperiment(store, { id: 'exp-1', createdAt: '2026-03-01T18:00:00.000Z', status: 'active', stoppedAt: null, design, power });

    // During the experiment: "on" days have inline insertions and 4 commits; "off" days 2 commits; the
    // third "off" day also has an insertion (a deviation).
    const offDays = design.schedule.filter((u) => u.arm === 'B');
    const events = [];
    for (const u of design.schedule) {
      const { startMs } = unitInterval(design, u, zone);
      const at = startMs + 10 * 3_600_000;
      for (let k = 0; k < (u.arm === 'A' ? 4 : 2); k++) commitAt(at + k * 60_000);
      if (u.arm === 'A' || u === offDays[2]) {
        events.push(event({ id: `ins-${u.index}`, source: 'editor', kind: 'edit', time: new Date(at).toISOString(), model: null, tokens_in: null, tokens_out: null, accepted_flag: true, accepted_lines: 12, lines_added: 12, session_id: null }));
      }
      events.push(event({ id: `req-${u.index}`, source: 'claude-code-otel', time: new Date(at + 30 * 60_000).toISOString(), session_id: `agent-${u.index}`, tokens_out: 500 }));
    }
    await store.ingest(batchOf(events));
    // Two survey answers about agent sessions.
    for (const [i, rating] of [[0, 4], [1, 2]] as const) {
      const { startMs } = unitInterval(design, design.schedule[i]!, zone);
      await store.ingest(batchOf([surveyEvent({ atMs: startMs + 11 * 3_600_000, trigger: 'agent-session-end', key: `agent-${i}`, sessionId: `agent-${i}`, agent: 'claude-code', repoSlug: 'acme/api', developerId: null, productivity: rating, fasterWithoutAi: 'no' })]));
    }

    const now = Date.parse('2026-03-14T12:00:00Z'); // the Saturday after the tenth working day
    assert.equal(activeExperiment(store.db, '2026-03-13')?.id, 'exp-1');
    assert.equal(activeExperiment(store.db, '2026-03-14'), null, 'over after its last day');
    const summary = summarizeExperiment(store.db, listExperiments(store.db)[0]!, now);
    assert.equal(summary.status, 'finished');
    assert.equal(summary.unitsAnalysed, 10);
    assert.equal(summary.adherence.deviations, 1);
    const deviating = summary.schedule.filter((u) => u.adherent === false);
    assert.deepEqual(deviating.map((u) => u.index), [offDays[2]!.index]);
    assert.match(deviating[0]!.deviation!, /1 AI insertion/);
    const commits = summary.results.find((r) => r.outcome === 'commits')!;
    assert.equal(commits.itt.estimate, 2, 'four commits on "on" days, two on "off" days');
    assert.equal(commits.itt.nA + commits.itt.nB, 10);
    assert.equal(commits.perProtocol.nA + commits.perProtocol.nB, 9, 'per-protocol leaves the deviating day out');
    assert.equal(commits.itt.exact, true);
    assert.ok(commits.itt.p! <= 2 / 72 + 1e-12, `a perfect separation has the smallest p the design allows: ${commits.itt.p}`);
    const lines = summary.results.find((r) => r.outcome === 'accepted_lines')!;
    assert.equal(lines.itt.meanB, 12 / 5, 'ITT keeps the deviating day in the "off" arm');
    assert.equal(lines.perProtocol.meanB, 0);

    // The report carries both sections; survey answers are not AI activity in the rollups.
    const model = buildReport(store, { since: '2026-03-02', until: '2026-03-13' }, { prices, nowMs: now });
    assert.equal(model.experiment?.id, 'exp-1');
    assert.equal(model.perceived?.answers.length, 2);
    assert.deepEqual(model.perceived!.answers.map((a) => [a.productivity, a.measured?.requests]), [[4, 1], [2, 1]]);
    assert.equal(model.perceived!.fasterWithoutAi.no, 2);
    const requests = model.headline.find((h) => h.key === 'requests')!.value;
    assert.equal(requests, 10, 'ten agent requests; the two answers are not requests');
    const text = formatTextReport(model, { style: makeStyle(false), nowMs: now });
    assert.match(text, /Perceived vs measured/);
    assert.match(text, /Experiment\n {2}finished: A = inline completions on, B = inline completions off/);

    // Export: the units with their arms, and the answers as kind 'survey' events.
    const tmp = tempDir('prodlens-exp-export-');
    const db = await duck();
    try {
      await exportParquet(store, { outDir: tmp.dir, exporterVersion: 't', parquet: new ParquetWasmLoader() });
      const units = await db.all(`SELECT unit_index, arm, arm_label, day::VARCHAR, seed, status FROM read_parquet('${path.join(tmp.dir, 'experiment_units')}/*.parquet') ORDER BY unit_index`);
      assert.deepEqual(units.map((r) => [Number(r[0]), r[1], r[2], r[3]]), design.schedule.map((u) => [u.index, u.arm, design.arms[u.arm], u.day]));
      assert.equal(Number(units[0]![4]), 99);
      const answers = await db.all(`SELECT session_id, json_extract(attrs, '$.productivity')::INT FROM read_parquet('${tmp.dir}/sessions/**/*.parquet', hive_partitioning = true) WHERE kind = 'survey' ORDER BY 1`);
      assert.deepEqual(answers, [['agent-0', 4], ['agent-1', 2]]);
      // Stopping changes the exported status.
      assert.equal(stopExperiment(store, 'exp-1', '2026-03-14T13:00:00.000Z'), true);
      await exportParquet(store, { outDir: tmp.dir, exporterVersion: 't', parquet: new ParquetWasmLoader() });
      assert.deepEqual(await db.all(`SELECT DISTINCT status FROM read_parquet('${path.join(tmp.dir, 'experiment_units')}/*.parquet')`), [['stopped']]);
    } finally {
      db.close();
      tmp.cleanup();
      await store.close();
    }
  });
});
