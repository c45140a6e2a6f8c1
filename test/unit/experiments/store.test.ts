/**
 * A two-week experiment end to end in the core, on a real sql.js store: the design saved as drawn, AI use on
 * an "off" day detected as a deviation, ITT and per-protocol from the stored events and commits, survey
 * answers stored as events and shown next to their sessions' measures, both in the report and the export.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { exportParquet } from '../../../src/core/export/exporter';
import { ParquetWasmLoader } from '../../../src/core/export/node-parquet';
import { buildReport } from '../../../src/core/report/build';
import { summarizeExperiment } from '../../../src/core/report/experiment';
import { activeExperiment, listExperiments, stopExperiment } from '../../../src/core/store/experiments-repo';
import { formatTextReport } from '../../../src/cli/text-report';
import { makeStyle } from '../../../src/cli/style';
import { duck } from '../export/fixtures';
import { experimentStore } from './fixture';
import { prices, tempDir } from '../helpers/events';

describe('experiments in the store, the report and the export', function () {
  this.timeout(60_000);

  it('records the design, finds the deviation, analyses ITT and per-protocol, and exports units and survey answers', async () => {
    const { store, design, sds, offDays } = await experimentStore();
    assert.ok(sds.commits!.sd! > 1 && sds.commits!.sd! < 2, `SD of 2–6 commits a day: ${sds.commits!.sd}`);
    assert.equal(sds.accepted_lines!.sd, 0, 'no AI lines before: zero spread, which the basis says');
    const now = Date.parse('2026-03-14T12:00:00Z'); // the Saturday after the tenth working day
    assert.equal(activeExperiment(store, '2026-03-13')?.id, 'exp-1');
    assert.equal(activeExperiment(store, '2026-03-14'), null, 'over after its last day');
    const summary = summarizeExperiment(store, listExperiments(store)[0]!, now);
    assert.equal(summary.status, 'finished');
    assert.equal(summary.unitsAnalysed, 10);
    assert.equal(summary.adherence.deviations, 1);
    const deviating = summary.schedule.filter((u) => u.adherent === false);
    assert.deepEqual(
      deviating.map((u) => u.index),
      [offDays[2]!.index],
    );
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
    assert.deepEqual(
      model.perceived!.answers.map((a) => [a.productivity, a.measured?.requests]),
      [
        [4, 1],
        [2, 1],
      ],
    );
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
      const units = await db.all(
        `SELECT unit_index, arm, arm_label, day::VARCHAR, seed, status FROM read_parquet('${path.join(tmp.dir, 'experiment_units')}/*.parquet') ORDER BY unit_index`,
      );
      assert.deepEqual(
        units.map((r) => [Number(r[0]), r[1], r[2], r[3]]),
        design.schedule.map((u) => [u.index, u.arm, design.arms[u.arm], u.day]),
      );
      assert.equal(Number(units[0]![4]), 99);
      const answers = await db.all(
        `SELECT session_id, json_extract(attrs, '$.productivity')::INT FROM read_parquet('${tmp.dir}/sessions/**/*.parquet', hive_partitioning = true) WHERE kind = 'survey' ORDER BY 1`,
      );
      assert.deepEqual(answers, [
        ['agent-0', 4],
        ['agent-1', 2],
      ]);
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
