/**
 * Prints the calibration figures of the report's correlations (docs/report.md, "How the correlations hold
 * up"): false-positive rate on independent simulated developers, by calendar basis, the rate of the analysis
 * it replaced, developers in long busy spells with and without the autocorrelation correction, and the power to find a planted lagged effect. Same simulators and code path as
 * test/unit/calibration/. Run from the repository root:
 *
 *     TZ=UTC npx tsx scripts/calibration.ts [nullDevelopers=400] [powerDevelopers=150]
 */
import { BUSY_SPELLS, randomDeveloper } from '../test/support/sim';
import { independentDaysSignificant, oldMethodSignificant, report, significantRows } from '../test/unit/calibration/harness';

const nullN = Number(process.argv[2] ?? 400);
const powerN = Number(process.argv[3] ?? 150);
const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(1)}% (${k}/${n})`;

const t0 = performance.now();
const basis = { presence: { n: 0, any: 0 }, activity: { n: 0, any: 0 } };
let any = 0;
let old = 0;
const tested: number[] = [];
for (let seed = 1; seed <= nullN; seed++) {
  const dev = randomDeveloper(seed);
  const c = report(dev);
  const hit = significantRows(c).length > 0;
  tested.push(c.tested);
  basis[c.calendar.basis].n++;
  if (hit) {
    any++;
    basis[c.calendar.basis].any++;
  }
  if (oldMethodSignificant(dev)) old++;
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(
  `null: any significant row ${pct(any, nullN)}; with presence ${pct(basis.presence.any, basis.presence.n)}, activity only ${pct(basis.activity.any, basis.activity.n)}; median family size ${median(tested)}`,
);
console.log(`null, the replaced analysis: ${pct(old, nullN)}`);

let busy = 0;
let busyIndependent = 0;
const busyN = 200;
for (let seed = 20_001; seed <= 20_000 + busyN; seed++) {
  const c = report(randomDeveloper(seed, BUSY_SPELLS));
  if (significantRows(c).length > 0) busy++;
  if (independentDaysSignificant(c)) busyIndependent++;
}
console.log(`null, long busy spells: corrected ${pct(busy, busyN)}; working days with independent-days p ${pct(busyIndependent, busyN)}`);

for (const size of [0.3, 0.5]) {
  let found = 0;
  let foundAnyLag = 0;
  const rs: number[] = [];
  for (let seed = 10_001; seed <= 10_000 + powerN; seed++) {
    const c = report(randomDeveloper(seed, { commitLevel: 4, commitZeroProb: 0.1, dispersion: 2, aiLevel: 20, aiZeroProb: 0.15, effect: { lag: 1, size } }));
    rs.push(c.rows.find((r) => r.role === 'test' && r.ai === 'requests' && r.outcome === 'commits' && r.lag === 1)?.r ?? 0);
    const sig = significantRows(c)
      .filter((r) => r.outcome === 'commits')
      .sort((a, b) => (a.p as number) - (b.p as number));
    if (sig.length > 0) foundAnyLag++;
    if (sig[0]?.lag === 1) found++;
  }
  console.log(
    `power, lag-1 effect size ${size}: found at lag 1 ${pct(found, powerN)}; any commits row ${pct(foundAnyLag, powerN)}; median Spearman ρ (requests → commits, lag 1) ${median(rs)!.toFixed(2)}`,
  );
}
console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
