/** "Perceived vs measured" (survey ratings next to the sessions' measures) and "Experiment" (a self-experiment's status and result). */
import type { ExperimentSummary, OutcomeResult } from '../../core/experiments/analysis';
import type { AgreementRow } from '../../core/report/perceived';
import type { ReportModel } from '../../core/report/model';
import type { SurveyAnswerRow } from '../../core/store/survey-rows';
import { h } from '../dom';
import { formatCount, formatP, formatSigned, formatValue } from '../shared/format';
import { dataTable, section, type Column } from './section';

const num = (v: number | null, digits = 2) => formatSigned(v, digits);

const ANSWER_COLUMNS: Column<SurveyAnswerRow>[] = [
  { key: 'at', label: 'Answered', cell: (r) => r.at.slice(0, 16).replace('T', ' ') },
  { key: 'agent', label: 'Agent', cell: (r) => r.agent ?? (r.trigger === 'ai-insertion' ? 'editor' : '—') },
  { key: 'rating', label: 'Rating (1–5)', numeric: true, cell: (r) => (r.productivity === null ? '—' : String(r.productivity)) },
  { key: 'faster', label: 'Faster without AI?', cell: (r) => r.fasterWithoutAi ?? '—' },
  { key: 'lines', label: 'AI lines', numeric: true, cell: (r) => (r.measured ? formatCount(r.measured.aiLines) : '—') },
  { key: 'minutes', label: 'Minutes', numeric: true, cell: (r) => (r.measured ? formatCount(Math.round(r.measured.minutes)) : '—') },
  { key: 'cost', label: 'Cost', numeric: true, cell: (r) => (r.measured ? formatValue(r.measured.costUsd, 'usd') : '—') },
];

const AGREEMENT_COLUMNS: Column<AgreementRow>[] = [
  { key: 'measure', label: 'Rating against', cell: (r) => r.label },
  { key: 'n', label: 'n', numeric: true, cell: (r) => formatCount(r.n) },
  { key: 'rho', label: 'Spearman ρ', numeric: true, cell: (r) => num(r.rho) },
  { key: 'p', label: 'p', numeric: true, cell: (r) => formatP(r.p) },
  { key: 'reading', label: 'Reading', cell: (r) => r.reading },
];

export function perceivedSection(model: ReportModel): HTMLElement | null {
  const p = model.perceived;
  if (!p) return null;
  return section(
    'perceived',
    'Perceived vs measured',
    h(
      'p',
      { class: 'muted', id: 'perceived-summary' },
      `${p.answers.length} survey answer(s), ${p.rated} rated; mean rating ${p.meanRating === null ? '—' : p.meanRating.toFixed(1)}. ` +
        `"Faster without AI?": yes ${p.fasterWithoutAi.yes}, no ${p.fasterWithoutAi.no}, same ${p.fasterWithoutAi.same}. ` +
        'Ratings are how the session felt; the measures are what ProdLens saw. Disagreement is information, not an error.',
    ),
    dataTable('Agreement of ratings with measures', AGREEMENT_COLUMNS, p.agreement, (r) => r.measure),
    h(
      'details',
      { id: 'perceived-answers' },
      h('summary', null, 'Answers'),
      dataTable('Survey answers and their sessions', ANSWER_COLUMNS, p.answers.slice(-50), (r) => r.at),
    ),
  );
}

const RESULT_COLUMNS: Column<OutcomeResult>[] = [
  { key: 'outcome', label: 'Outcome', cell: (r) => r.label },
  { key: 'itt', label: 'ITT: A − B [95% CI]', numeric: true, cell: (r) => `${num(r.itt.estimate)} [${num(r.itt.ciLow)}, ${num(r.itt.ciHigh)}]` },
  { key: 'ittP', label: 'ITT p', numeric: true, cell: (r) => formatP(r.itt.p) },
  {
    key: 'pp',
    label: 'Per-protocol: A − B [95% CI]',
    numeric: true,
    cell: (r) => `${num(r.perProtocol.estimate)} [${num(r.perProtocol.ciLow)}, ${num(r.perProtocol.ciHigh)}]`,
  },
  { key: 'ppP', label: 'PP p', numeric: true, cell: (r) => formatP(r.perProtocol.p) },
  { key: 'n', label: 'Units A / B', numeric: true, cell: (r) => `${r.itt.nA} / ${r.itt.nB}` },
  { key: 'mde', label: 'MDE (80%)', numeric: true, cell: (r) => num(r.mde) },
  { key: 'reading', label: 'Reading', cell: (r) => r.reading },
];

export function experimentSection(model: ReportModel): HTMLElement | null {
  const e: ExperimentSummary | null | undefined = model.experiment;
  if (!e) return null;
  const adherence =
    e.adherence.rate === null
      ? 'no unit checked yet'
      : `${e.adherence.adherent} of ${e.adherence.checked} units followed their arm (${Math.round(e.adherence.rate * 100)}%), ${e.adherence.deviations} deviation(s)`;
  const deviations = e.schedule.filter((u) => u.deviation);
  return section(
    'experiment',
    'Experiment',
    h(
      'p',
      { id: 'experiment-status' },
      `${e.status}: A = ${e.armInstructions.A}, B = ${e.armInstructions.B}; ${e.units} ${e.unit === 'day' ? 'working days' : 'half-days'} ${e.startDay} → ${e.endDay}, blocks of ${e.blockSize}, seed ${e.seed}. `,
      e.today ? h('strong', null, `Now: arm ${e.today.arm} (${e.today.instruction}). `) : null,
      `Adherence: ${adherence}.`,
    ),
    dataTable('Experiment results per outcome', RESULT_COLUMNS, e.results, (r) => r.outcome),
    h(
      'p',
      { class: 'muted' },
      `Intention-to-treat (ITT) compares units as assigned and is protected by the randomization (Fisher randomization test over ${e.results[0]?.itt.exact === false ? 'sampled' : 'all'} re-randomizations of the recorded design; interval by inverting the test). Per-protocol leaves out deviating units and is not. MDE: the smallest difference the design detects with 80% power, stated when it started.`,
    ),
    e.notes.length
      ? h(
          'ul',
          { class: 'muted', id: 'experiment-notes' },
          e.notes.map((n) => h('li', null, n)),
        )
      : null,
    deviations.length
      ? h(
          'details',
          { id: 'experiment-deviations' },
          h('summary', null, `Deviations (${deviations.length})`),
          h(
            'ul',
            null,
            deviations.map((u) => h('li', null, `${u.day}${u.half ? ` ${u.half}` : ''} (arm ${u.arm}): ${u.deviation}`)),
          ),
        )
      : null,
  );
}
