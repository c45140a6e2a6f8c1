import assert from 'node:assert/strict';
import { DayZone } from '../../../src/core/day';
import { DEFAULT_SURVEY_SETTINGS, decideSurvey, inQuietHours, parseQuietHours, type SurveyHistory, type SurveyTrigger } from '../../../src/core/survey/policy';
import { surveyEvent } from '../../../src/core/survey/answer';

const zone = new DayZone('Europe/Berlin');
const at = (iso: string) => Date.parse(iso);
const trigger = (o: Partial<SurveyTrigger> = {}): SurveyTrigger => ({
  kind: 'agent-session-end',
  sessionId: 's1',
  key: 's1',
  atMs: at('2026-03-04T09:50:00Z'),
  agent: 'claude-code',
  ...o,
});
const none: SurveyHistory = { askedMs: [], askedKeys: new Set(), snoozedUntilMs: null };
const now = at('2026-03-04T10:00:00Z'); // 11:00 in Berlin

describe('survey/policy: when to ask', () => {
  it('asks right after a session ends when nothing stands in the way', () => {
    assert.deepEqual(decideSurvey(trigger(), DEFAULT_SURVEY_SETTINGS, none, now, null, zone), { ask: true });
  });

  it('waits for an idle gap while the developer types, and says when to retry', () => {
    const d = decideSurvey(trigger(), DEFAULT_SURVEY_SETTINGS, none, now, now - 3000, zone);
    assert.deepEqual(d, { ask: false, reason: 'typing', retryAtMs: now - 3000 + DEFAULT_SURVEY_SETTINGS.idleSeconds * 1000 });
  });

  it('respects off, snooze, quiet hours (local time, across midnight), the daily limit, the gap and one question per session', () => {
    const s = DEFAULT_SURVEY_SETTINGS;
    assert.equal(decideSurvey(trigger(), { ...s, enabled: false }, none, now, null, zone).ask, false);
    const snoozed = decideSurvey(trigger(), s, { ...none, snoozedUntilMs: now + 60_000 }, now, null, zone);
    assert.deepEqual(snoozed, { ask: false, reason: 'snoozed', retryAtMs: now + 60_000 });
    // 10:30–12:00 Berlin covers 11:00 Berlin = 10:00 UTC; retry at 12:00 Berlin = 11:00 UTC.
    assert.deepEqual(decideSurvey(trigger(), { ...s, quietHours: '10:30-12:00' }, none, now, null, zone), {
      ask: false,
      reason: 'quiet-hours',
      retryAtMs: at('2026-03-04T11:00:00Z'),
    });
    assert.equal(inQuietHours(at('2026-03-04T22:30:00Z'), '22:00-07:00', zone), true, '23:30 Berlin');
    assert.equal(inQuietHours(at('2026-03-05T05:30:00Z'), '22:00-07:00', zone), true, '06:30 Berlin');
    assert.equal(inQuietHours(at('2026-03-05T06:30:00Z'), '22:00-07:00', zone), false, '07:30 Berlin');
    const three = { ...none, askedMs: [at('2026-03-04T06:00:00Z'), at('2026-03-04T07:00:00Z'), at('2026-03-04T08:00:00Z')] };
    assert.equal((decideSurvey(trigger(), s, three, now, null, zone) as { reason: string }).reason, 'daily-limit');
    const yesterday = { ...none, askedMs: [at('2026-03-03T06:00:00Z'), at('2026-03-03T07:00:00Z'), at('2026-03-03T08:00:00Z')] };
    assert.equal(decideSurvey(trigger(), s, yesterday, now, null, zone).ask, true, "yesterday's questions do not count today");
    assert.equal((decideSurvey(trigger(), s, { ...none, askedMs: [now - 10 * 60_000] }, now, null, zone) as { reason: string }).reason, 'too-soon');
    assert.equal((decideSurvey(trigger(), s, { ...none, askedKeys: new Set(['s1']) }, now, null, zone) as { reason: string }).reason, 'already-asked');
  });

  it('asks about insertions only from the size set, and never about a moment long past', () => {
    const s = DEFAULT_SURVEY_SETTINGS;
    assert.equal((decideSurvey(trigger({ kind: 'ai-insertion', lines: 5 }), s, none, now, null, zone) as { reason: string }).reason, 'too-small');
    assert.equal(decideSurvey(trigger({ kind: 'ai-insertion', lines: 40 }), s, none, now, null, zone).ask, true);
    assert.equal((decideSurvey(trigger({ atMs: now - 3 * 3_600_000 }), s, none, now, null, zone) as { reason: string }).reason, 'stale');
  });

  it('parses quiet hours and rejects nonsense', () => {
    assert.deepEqual(parseQuietHours('22:00-07:30'), { startMin: 1320, endMin: 450 });
    assert.equal(parseQuietHours('25:00-07:00'), null);
    assert.equal(parseQuietHours('evening'), null);
    assert.equal(parseQuietHours(''), null);
  });
});

describe('survey/answer: the stored event', () => {
  it('holds answers only, tied to the session, with one hash per moment', () => {
    const base = {
      atMs: now,
      trigger: 'agent-session-end' as const,
      key: 's1',
      sessionId: 's1',
      agent: 'codex',
      repoSlug: null,
      developerId: null,
      productivity: 3,
      fasterWithoutAi: 'same' as const,
    };
    const e = surveyEvent(base);
    assert.equal(e.kind, 'survey');
    assert.equal(e.session_id, 's1');
    assert.deepEqual(Object.keys(e.attrs!).sort(), ['faster_without_ai', 'key', 'productivity', 'survey', 'trigger']);
    assert.equal(
      surveyEvent({ ...base, atMs: now + 5000, productivity: 5 }).trace_hash,
      e.trace_hash,
      'a second answer about the same moment replaces nothing',
    );
    assert.throws(() => surveyEvent({ ...base, productivity: 7 }), /1–5/);
  });
});
