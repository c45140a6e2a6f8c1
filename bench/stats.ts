/**
 * Benchmark (not a test) of the statistical core: 30 AI × outcome series pairs × 4 lags × 2 methods over
 * 365 days with the calendar-day primitives, and the report's working-day analysis (analyzeReportSeries:
 * working calendar, Spearman tests with effective-n p-values, Pearson checks, per-lag effects with
 * intervals) on a simulated developer's year, with its ratio to correlateMany on the same series. Prints
 * the median of several runs.
 *
 *   npx tsx bench/stats.ts [runs]
 */
import { adjustFamily, correlate, correlateMany, type DailySeries, type LagCorrelation, type SeriesPair } from '../src/core/analyze';
import { analyzeReportSeries, CORRELATED_AI, CORRELATED_OUTCOMES } from '../src/core/report/correlations';
import { randomDeveloper } from '../test/support/sim';

const DAYS = 365;
const AI_SERIES = 6; // sessions, requests, tokens, cost, AI insertions, accepted lines
const OUTCOMES = 5; // commits, merged PRs, merge hours, reopened PRs, lines changed
const RUNS = Number(process.argv[2] ?? 21);

/** Small deterministic generator so every run times the same data. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeSeries(seed: number, weekendMissing: boolean): DailySeries {
  const rnd = lcg(seed);
  const t0 = Date.UTC(2025, 0, 1);
  const days: string[] = [];
  const values: (number | null)[] = [];
  for (let i = 0; i < DAYS; i++) {
    days.push(new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
    const weekday = (i + 3) % 7; // 2025-01-01 was a Wednesday
    const weekend = weekday >= 5;
    values.push(weekend && weekendMissing ? null : Math.round(rnd() * 100 * (weekend ? 0.2 : 1)));
  }
  return { days, values };
}

const pairs: SeriesPair[] = [];
for (let a = 0; a < AI_SERIES; a++) {
  for (let o = 0; o < OUTCOMES; o++) {
    pairs.push({
      ai: `ai${a}`,
      outcome: `out${o}`,
      aiSeries: makeSeries(1000 + a, false),
      outcomeSeries: makeSeries(2000 + o, o === 2), // merge hours: not measured on weekends
      zeroIsTrue: { outcome: o !== 2 },
    });
  }
}

function timeIt(label: string, fn: () => number): number {
  fn(); // warm up the JIT
  const times: number[] = [];
  let results = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    results = fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)] as number;
  console.log(
    `${label}: median ${median.toFixed(2)} ms over ${RUNS} runs (min ${(times[0] as number).toFixed(2)}, max ${(times[times.length - 1] as number).toFixed(2)}), ${results} results`,
  );
  return median;
}

console.log(`${pairs.length} pairs × 4 lags × 2 methods × ${DAYS} days, Node ${process.version}`);
timeIt('30 × correlate() + adjustFamily()', () => {
  const all: LagCorrelation[] = [];
  for (const p of pairs) {
    const res = correlate(p.aiSeries, p.outcomeSeries, p.zeroIsTrue ? { zeroIsTrue: p.zeroIsTrue } : {});
    if (!res.ok) throw new Error(res.reason);
    all.push(...res.value);
  }
  return adjustFamily(all).length;
});
timeIt('correlateMany()', () => {
  const res = correlateMany(pairs);
  if (!res.ok) throw new Error(res.reason);
  return res.value.length;
});

// The report's path on a simulated developer's year (weekends, holidays, a vacation, busy spells, presence).
const dev = randomDeveloper(42, { presence: true });
const devSeries = dev.series as unknown as Record<string, Array<number | null>>;
const devPairs: SeriesPair[] = CORRELATED_AI.flatMap((ai) =>
  CORRELATED_OUTCOMES.map((outcome) => ({
    ai,
    outcome,
    aiSeries: { days: dev.days, values: devSeries[ai]! },
    outcomeSeries: { days: dev.days, values: devSeries[outcome]! },
  })),
);
console.log(`\nsimulated developer: ${dev.days.length} days, ${devPairs.length} pairs × 4 lags`);
const reference = timeIt('reference: correlateMany() on calendar days (the earlier analysis)', () => {
  const res = correlateMany(devPairs);
  if (!res.ok) throw new Error(res.reason);
  return res.value.length;
});
const report = timeIt('analyzeReportSeries() on working days (the report)', () => {
  const r = analyzeReportSeries(dev.days, dev.series);
  return r.correlations.rows.length + r.effects.length;
});
console.log(`ratio report / reference: ${(report / reference).toFixed(1)}× (goal: a year's report well under 1 s)`);
