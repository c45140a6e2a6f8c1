/**
 * Validity of the experiment analysis on simulated experiments: the randomization test's false-positive rate
 * at its nominal 5% when the arm does nothing (weekly pattern, autocorrelated drift, heavy tails), and the
 * power the design promised (the MDE at 80%) when an effect of exactly the MDE is planted. Rates are
 * printed so docs/experiments.md can quote them; rerun with
 * `TZ=UTC npx mocha --no-config -r tsx/cjs test/unit/experiments/simulation.test.ts`.
 */
import assert from 'node:assert/strict';
import { asDayKey } from '../../../src/core/day';
import { blocksOf, makeSchedule, type ExperimentSpec } from '../../../src/core/experiments/design';
import { minimumDetectableEffect } from '../../../src/core/experiments/power';
import { randomizationTest } from '../../../src/core/experiments/randomization';
import { pooledRandomizationTest } from '../../../src/core/experiments/pooled';
import { Rng, simulateExperimentOutcomes, type ExperimentOutcomeOptions } from '../../support/sim';

const WEEKLY: ExperimentOutcomeOptions = { mean: 6, sd: 2, weekday: { 1: 1.5, 5: -2 }, afternoon: 1, drift: { phi: 0.6, sd: 1.5 }, tDf: 5 };

function run(unit: 'day' | 'half-day', units: number, reps: number, outcome: ExperimentOutcomeOptions, seed: number, interval = false) {
  const rng = new Rng(seed);
  let rejected = 0,
    covered = 0;
  for (let r = 0; r < reps; r++) {
    const spec: ExperimentSpec = {
      treatment: 'agent',
      arms: { A: 'on', B: 'off' },
      unit,
      units,
      startDay: asDayKey('2026-01-05'),
      timeZone: 'UTC',
      outcomes: ['commits'],
      seed: 1000 + r + seed * 7919,
    };
    const d = makeSchedule(spec);
    const y = simulateExperimentOutcomes(rng.fork(), d.schedule, outcome);
    const res = randomizationTest(
      blocksOf(d),
      d.schedule.map((u) => u.arm === 'A'),
      y,
      { draws: 400, seed: r + 1, interval },
    );
    if (res.p! <= 0.05) rejected++;
    const tau = outcome.effect ?? 0;
    if (interval && res.ciLow !== null && res.ciHigh !== null && res.ciLow <= tau && tau <= res.ciHigh) covered++;
  }
  return { rate: rejected / reps, coverage: covered / reps };
}

describe('experiments: simulated experiments', function () {
  this.timeout(120_000);

  it('rejects a true null about 5% of the time: 16 working days in blocks of 4, weekly pattern, AR(1) drift, t(5) noise', () => {
    // 6^4 = 1,296 assignments: the exact test. Discreteness keeps it at or just under 5%.
    const { rate } = run('day', 16, 800, WEEKLY, 1);
    console.log('      false-positive rate, days:', rate);
    assert.ok(rate >= 0.025 && rate <= 0.07, `rate ${rate}`);
  });

  it('rejects a true null about 5% of the time: 40 half-days (AM/PM pairs), same outcome process', () => {
    const { rate } = run('half-day', 40, 600, WEEKLY, 2);
    console.log('      false-positive rate, half-days:', rate);
    assert.ok(rate >= 0.025 && rate <= 0.075, `rate ${rate}`);
  });

  it('finds an effect of the promised size with about the promised 80% power (independent units, sd 2)', () => {
    const mde = minimumDetectableEffect({ nA: 20, nB: 20, sd: 2 })!;
    const { rate } = run('half-day', 40, 500, { mean: 6, sd: 2, effect: mde }, 3);
    console.log('      power at the MDE (' + mde.toFixed(2) + '):', rate);
    assert.ok(rate >= 0.7 && rate <= 0.9, `power ${rate}`);
  });

  it('covers a planted effect with its 95% interval about 95% of the time (12 working days, weekly pattern and drift)', () => {
    const { coverage } = run('day', 12, 200, { ...WEEKLY, effect: 1.5 }, 5, true);
    console.log('      interval coverage:', coverage);
    assert.ok(coverage >= 0.9 && coverage <= 0.99, `coverage ${coverage}`);
  });
});

describe('experiments: a team pooling the same design', function () {
  this.timeout(120_000);

  it('keeps the false-positive rate near 5% with five developers of different baselines, and finds a shared effect more often than one developer does', () => {
    const rng = new Rng(11);
    let nullRejections = 0,
      pooledHits = 0,
      singleHits = 0;
    const reps = 300;
    for (let r = 0; r < reps; r++) {
      const team = (effect: number) =>
        Array.from({ length: 5 }, (_, k) => {
          const d = makeSchedule({
            treatment: 'agent',
            arms: { A: 'on', B: 'off' },
            unit: 'day',
            units: 12,
            startDay: asDayKey('2026-01-05'),
            timeZone: 'UTC',
            outcomes: ['commits'],
            seed: 50_000 + r * 10 + k,
          });
          const y = simulateExperimentOutcomes(rng.fork(), d.schedule, { ...WEEKLY, mean: 2 + 3 * k, effect });
          return { blocks: blocksOf(d), armsA: d.schedule.map((u) => u.arm === 'A'), y };
        });
      if (pooledRandomizationTest(team(0), { draws: 400, seed: r + 1, interval: false }).p! <= 0.05) nullRejections++;
      const withEffect = team(2);
      if (pooledRandomizationTest(withEffect, { draws: 400, seed: r + 1, interval: false }).p! <= 0.05) pooledHits++;
      const one = withEffect[0]!;
      if (randomizationTest(one.blocks, one.armsA, one.y, { interval: false }).p! <= 0.05) singleHits++;
    }
    console.log('      team of 5: false-positive rate', nullRejections / reps, '; power pooled', pooledHits / reps, 'vs one developer', singleHits / reps);
    assert.ok(nullRejections / reps >= 0.02 && nullRejections / reps <= 0.08, `false-positive rate ${nullRejections / reps}`);
    assert.ok(pooledHits > singleHits * 1.5, `pooled ${pooledHits} vs single ${singleHits}`);
  });
});
