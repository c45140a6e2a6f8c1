import assert from 'node:assert/strict';
import { analyzeWorkingDays, workingCalendar, workingPairs } from '../../../src/core/analyze';
import { dayRange, isoWeekday } from '../../../src/core/day';

// Two weeks from Monday 2026-03-02: Mon–Fri worked, weekends off; Wednesday of week 2 a day off.
const days = dayRange('2026-03-02', '2026-03-15');
const worked = days.map((d, i) => isoWeekday(d) <= 5 && i !== 9);
const presence = worked.map((w) => (w ? 300 : 0));
const ai = days.map((_, i) => (worked[i] ? 10 + i : 0));
const commits = days.map((_, i) => (worked[i] ? i % 3 : 0));

describe('analyze/calendar: working days from evidence', () => {
  it('uses editor presence: days off are left out, not zero, and a worked day without AI or commits stays in', () => {
    const quietCommits = commits.map((c, i) => (i === 2 ? 0 : c)); // Wednesday of week 1: present, no commits
    const quietAi = ai.map((v, i) => (i === 2 ? 0 : v));
    const cal = workingCalendar({ days, presence, aiActivity: [quietAi], outcomeActivity: [quietCommits] });
    assert.equal(cal.basis, 'presence');
    assert.deepEqual(
      cal.working.map((i) => days[i]),
      days.filter((_, i) => worked[i]),
    );
    assert.ok(cal.working.includes(2), 'present without AI use or commits is a working day');
    assert.ok(cal.sameDay.every(Boolean), 'presence confirms every working day for same-day pairs');
  });

  it('counts a lag in working days: Friday pairs with Monday, the day off is skipped', () => {
    const cal = workingCalendar({ days, presence, aiActivity: [ai], outcomeActivity: [commits] });
    const p = workingPairs(cal, ai, commits, 1);
    const friday = p.days.indexOf('2026-03-06');
    assert.equal(p.x[friday], ai[4]);
    assert.equal(p.y[friday], commits[7], 'lag 1 from Friday is Monday');
    const tuesday = p.days.indexOf('2026-03-10');
    assert.equal(p.y[tuesday], commits[10], 'lag 1 from the Tuesday before a day off is Thursday');
    assert.equal(p.x.length, cal.working.length - 1);
  });

  it('falls back to AI use and commits when presence is absent or never measured', () => {
    for (const noPresence of [undefined, null, days.map(() => null)]) {
      const cal = workingCalendar({ days, presence: noPresence, aiActivity: [ai], outcomeActivity: [commits] });
      assert.equal(cal.basis, 'activity');
      assert.equal(cal.presenceDays, 0);
      assert.deepEqual(
        cal.working.map((i) => days[i]),
        days.filter((_, i) => worked[i]),
        'every worked day had AI use',
      );
    }
  });

  it('without presence, a same-day pair needs both AI use and a commit (no Berkson selection)', () => {
    const cal = workingCalendar({ days, aiActivity: [ai], outcomeActivity: [commits] });
    const p0 = workingPairs(cal, ai, commits, 0);
    assert.ok(p0.y.every((v) => v > 0) && p0.x.every((v) => v > 0));
    assert.equal(p0.x.length, cal.working.filter((i) => (commits[i] as number) > 0).length);
    assert.equal(workingPairs(cal, ai, commits, 1).x.length, cal.working.length - 1, 'other lags use every working day');
  });

  it('leaves out days with nothing measured, and pairs with a value not measured — never as zero', () => {
    const aiLate = ai.map((v, i) => (i < 7 ? null : v)); // AI measured from the second week on
    const cal = workingCalendar({ days, presence: days.map(() => null), aiActivity: [aiLate], outcomeActivity: [commits.map((c, i) => (i < 3 ? null : c))] });
    assert.ok(!cal.working.includes(0) && !cal.working.includes(1), 'no evidence measured: not a working day');
    const p = workingPairs(cal, aiLate, commits, 0);
    assert.ok(p.x.every((v) => v !== null && v > 0));
    assert.ok(p.days.every((d) => d >= '2026-03-09'));
  });

  it('the analysis reports days, basis, family size and untested rows from the calendar', () => {
    const a = analyzeWorkingDays(
      {
        days,
        ai: [{ key: 'requests', values: ai }],
        outcomes: [
          { key: 'commits', values: commits },
          { key: 'merged_prs', values: days.map(() => 0) },
        ],
        presence,
        aiEvidence: [ai],
        outcomeEvidence: [commits],
      },
      { lags: [0, 1], minPairs: 6 },
    );
    assert.deepEqual([a.calendar.days, a.calendar.workingDays, a.calendar.basis], [14, 9, 'presence']);
    assert.equal(a.familySize, 2, 'requests × commits at two lags; merged PRs are constant');
    assert.deepEqual(a.untested, [{ count: 2, reason: 'a series is constant on the working days' }]);
    assert.equal(a.rows.length, 8, 'test and check rows');
    assert.ok(a.rows.filter((r) => r.role === 'check').every((r) => r.p === null && r.pAdjusted === null && !/significant/.test(r.reading)));
    const effect = a.effects.find((e) => e.outcome === 'commits' && e.lag === 1)!;
    const pairs = workingPairs(workingCalendar({ days, presence, aiActivity: [ai], outcomeActivity: [commits] }), ai, commits, 1);
    assert.equal(effect.n, pairs.x.length, "the effect uses the row's own lag");
  });
});
