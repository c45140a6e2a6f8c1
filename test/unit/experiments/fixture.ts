/** A store with a two-week experiment (Europe/Berlin, from Monday 2 March 2026), its history and two survey answers. */
import { asDayKey, DayZone } from '../../../src/core/day';
import { makeSchedule, unitInterval, type ExperimentDesign } from '../../../src/core/experiments/design';
import { designPower } from '../../../src/core/experiments/power';
import type { StoredExperiment } from '../../../src/core/store/experiments-repo';
import { historicalSpread, saveExperiment } from '../../../src/core/store/experiments-repo';
import type { Store } from '../../../src/core/store/store';
import { surveyEvent } from '../../../src/core/survey/answer';
import { memoryStore } from '../export/fixtures';
import { batchOf, event } from '../helpers/events';
import { rawDatabaseForTests } from '../../../src/core/store/database-of';

export const ZONE = 'Europe/Berlin';

export async function experimentStore(
  dbPath: string | null = null,
): Promise<{ store: Store; design: ExperimentDesign; sds: ReturnType<typeof historicalSpread>; offDays: ExperimentDesign['schedule'] }> {
  const store = await memoryStore(dbPath);
  const zone = new DayZone(ZONE);
  const design = makeSchedule({
    treatment: 'inline-completions',
    arms: { A: 'on', B: 'off' },
    unit: 'day',
    units: 10,
    startDay: asDayKey('2026-03-02'),
    timeZone: ZONE,
    outcomes: ['commits', 'accepted_lines'],
    seed: 99,
  });
  // History before the start: 20 working days with 2–6 commits each, for the assumed SD.
  let sha = 0;
  const commitAt = (ms: number) =>
    rawDatabaseForTests(store).run(
      `INSERT INTO commits (sha, repo_slug, author, author_email, timestamp, event_date, lines_added, lines_removed, is_merge, is_mine, source) VALUES (?, 'acme/api', 'me@example.com', 'me@example.com', ?, ?, 5, 1, 0, 1, 'git')`,
      [`c${sha++}`, new Date(ms).toISOString(), new Date(ms).toISOString().slice(0, 10)],
    );
  for (let d = 1, worked = 0; worked < 20; d++) {
    const day = new Date(Date.parse('2026-03-02T10:00:00Z') - d * 86_400_000);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    worked++;
    for (let k = 0; k < 2 + (worked % 5); k++) commitAt(day.getTime() + k * 60_000);
  }
  const sds = historicalSpread(store, { startDay: design.startDay, unit: 'day', timeZone: ZONE, outcomes: design.outcomes });
  const power = designPower(design, sds);
  const stored: StoredExperiment = { id: 'exp-1', createdAt: '2026-03-01T18:00:00.000Z', status: 'active', stoppedAt: null, design, power };
  saveExperiment(store, stored);

  // During the experiment: "on" days have inline insertions and 4 commits; "off" days 2 commits; the
  // third "off" day also has an insertion (a deviation).
  const offDays = design.schedule.filter((u) => u.arm === 'B');
  const events = [];
  for (const u of design.schedule) {
    const { startMs } = unitInterval(design, u, zone);
    const at = startMs + 10 * 3_600_000;
    for (let k = 0; k < (u.arm === 'A' ? 4 : 2); k++) commitAt(at + k * 60_000);
    if (u.arm === 'A' || u === offDays[2]) {
      events.push(
        event({
          id: `ins-${u.index}`,
          source: 'editor',
          kind: 'edit',
          time: new Date(at).toISOString(),
          model: null,
          tokens_in: null,
          tokens_out: null,
          accepted_flag: true,
          accepted_lines: 12,
          lines_added: 12,
          session_id: null,
        }),
      );
    }
    events.push(
      event({
        id: `req-${u.index}`,
        source: 'claude-code-otel',
        time: new Date(at + 30 * 60_000).toISOString(),
        session_id: `agent-${u.index}`,
        tokens_out: 500,
      }),
    );
  }
  await store.ingest(batchOf(events));
  // Two survey answers about agent sessions.
  for (const [i, rating] of [
    [0, 4],
    [1, 2],
  ] as const) {
    const { startMs } = unitInterval(design, design.schedule[i]!, zone);
    await store.ingest(
      batchOf([
        surveyEvent({
          atMs: startMs + 11 * 3_600_000,
          trigger: 'agent-session-end',
          key: `agent-${i}`,
          sessionId: `agent-${i}`,
          agent: 'claude-code',
          repoSlug: 'acme/api',
          developerId: null,
          productivity: rating,
          fasterWithoutAi: 'no',
        }),
      ]),
    );
  }

  return { store, design, sds, offDays };
}
