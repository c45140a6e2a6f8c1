import assert from 'node:assert/strict';
import { randomEffects } from '../../../src/core/team/meta';
import { buildTeamReport } from '../../../src/core/team/build';
import type { AiDailyRow, CommitDailyRow } from '../../../src/core/store/team-lake-sql';
import { simulatePilot, type Pilot } from '../../support/sim';

/**
 * BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg): log risk ratios. metafor::rma(method = "DL")
 * gives τ² = 0.3088, estimate −0.7141, SE 0.1787 (normal); we check the DerSimonian–Laird parts.
 */
const BCG = [
  [4, 119, 11, 128],
  [6, 300, 29, 274],
  [3, 228, 11, 209],
  [62, 13536, 248, 12619],
  [33, 5036, 47, 5761],
  [180, 1361, 372, 1079],
  [8, 2537, 10, 619],
  [505, 87886, 499, 87892],
  [29, 7470, 45, 7232],
  [17, 1699, 65, 1600],
  [186, 50448, 141, 27197],
  [5, 2493, 3, 2338],
  [27, 16886, 29, 17825],
] as const;

describe('team: random-effects pooling', () => {
  it('matches metafor DerSimonian–Laird on the BCG trials', () => {
    const studies = BCG.map(([tp, tn, cp, cn]) => ({
      z: Math.log(tp / (tp + tn) / (cp / (cp + cn))),
      variance: 1 / tp - 1 / (tp + tn) + 1 / cp - 1 / (cp + cn),
    }));
    const m = randomEffects(studies);
    assert.ok(Math.abs(m.tau2 - 0.3088) < 5e-4, `tau2 ${m.tau2}`);
    assert.ok(Math.abs(m.mu - -0.7141) < 5e-4, `mu ${m.mu}`);
    // The DL standard error, and HKSJ's scaling of it by the weighted residual variance.
    const w = studies.map((s) => 1 / (s.variance + m.tau2));
    const dl = Math.sqrt(1 / w.reduce((a, b) => a + b, 0));
    assert.ok(Math.abs(dl - 0.1787) < 5e-4, `DL se ${dl}`);
    const q = studies.reduce((a, s, i) => a + w[i]! * (s.z - m.mu) ** 2, 0) / (studies.length - 1);
    assert.ok(Math.abs(m.se - dl * Math.sqrt(Math.max(q, 1))) < 1e-12);
    // Studies that agree more closely than their variances allow: the interval is never shorter than DL's.
    const close = randomEffects([0.3, 0.31, 0.29, 0.3, 0.305].map((z) => ({ z, variance: 0.1 })));
    assert.ok(Math.abs(close.se - Math.sqrt(0.1 / 5)) < 1e-12 && close.tau2 === 0);
    assert.ok(m.ci[0] < m.mu && m.ci[1] > m.mu && m.p < 0.01);
    assert.ok(m.i2 > 0.9 && m.i2 < 1);
    assert.throws(() => randomEffects(studies.slice(0, 1)), RangeError);
  });
});

function rows(p: Pilot): { ai: AiDailyRow[]; commits: CommitDailyRow[] } {
  const ai: AiDailyRow[] = [];
  const commits: CommitDailyRow[] = [];
  for (const d of p.developers) {
    const s = d.sim.series;
    d.sim.days.forEach((day, i) => {
      const requests = s.requests[i] ?? 0;
      if (requests > 0)
        ai.push({
          day,
          device_id: d.devices[0]!,
          developer_id: d.email,
          repo_slug: d.repo,
          model: 'm',
          requests,
          total_tokens: s.total_tokens[i] ?? 0,
          cost_usd: 0,
          accepted_lines: s.accepted_lines[i] ?? 0,
          suggestions: 0,
          accepted: 0,
          events: requests,
        });
      if ((s.commits[i] ?? 0) > 0)
        commits.push({ day, repo_slug: d.repo, author_key: d.email, commits: s.commits[i]!, lines_changed: s.lines_changed[i] ?? 0, duplicate_rows: 0 });
    });
  }
  return { ai, commits };
}

/**
 * Validity of what the team report calls significant, on simulated pilots of 8 developers × 3 weeks with a
 * between-developer confound: the false-positive rate of the pooled test of one pre-named row, the rate of
 * any significant row in the family, and the power against a planted same-day effect.
 */
describe('team: calibration on simulated pilots', function () {
  this.timeout(300_000);
  const pilot = (seed: number, size: number) =>
    simulatePilot({
      seed,
      developers: 8,
      start: '2026-01-05',
      days: 21,
      repos: ['acme/api'],
      confound: true,
      effect: size ? { lag: 0, size } : null,
      developer: { aiZeroProb: 0.05, commitZeroProb: 0.05, dispersion: 4 },
    });
  const analyse = (p: Pilot) => buildTeamReport({ lakes: [], exports: [], ...rows(p), prs: [], since: null, until: null, nowMs: 0 }).correlations;

  it('keeps false positives at or below 5% (one row) and the family below 10%, and finds a planted effect', () => {
    const N = 120;
    let rowFp = 0;
    let familyFp = 0;
    for (let seed = 1000; seed < 1000 + N; seed++) {
      const c = analyse(pilot(seed, 0));
      const row = c.rows.find((r) => r.ai === 'requests' && r.outcome === 'commits' && r.lag === 1)!;
      if (row.p !== null && row.p < 0.05) rowFp++;
      if (c.rows.some((r) => r.pAdjusted !== null && r.pAdjusted < 0.05)) familyFp++;
    }
    // Binomial(120, 0.05): mean 6, 99.9% upper bound ≈ 15.
    assert.ok(rowFp <= 15, `row false positives ${rowFp}/${N}`);
    assert.ok(familyFp <= 12, `family false positives ${familyFp}/${N}`);
    let found = 0;
    const M = 30;
    for (let seed = 2000; seed < 2000 + M; seed++) {
      const row = analyse(pilot(seed, 1)).rows.find((r) => r.ai === 'requests' && r.outcome === 'commits' && r.lag === 0)!;
      if (row.pAdjusted !== null && row.pAdjusted < 0.05 && row.r! > 0) found++;
    }
    assert.ok(found >= 0.6 * M, `power ${found}/${M}`);
    if (process.env.PRODLENS_CALIBRATION_LOG) console.log({ rowFp, familyFp, N, found, M });
  });
});
