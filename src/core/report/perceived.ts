/**
 * "Perceived vs measured": the developer's in-the-moment ratings next to what ProdLens measured in the same
 * sessions, and how well they agree (Spearman's rank correlation, with its n). Ratings and measures can
 * disagree for good reasons — a long session that solved a hard problem — so agreement is shown, not judged.
 */
import { correlation } from '../analyze/correlation';
import type { SurveyAnswerRow } from '../store/survey-rows';

export interface AgreementRow {
  measure: 'aiLines' | 'minutes' | 'costUsd' | 'requests';
  label: string;
  /** Rated sessions with this measure. */
  n: number;
  rho: number | null;
  /** Two-sided p (t approximation; few sessions make it rough). */
  p: number | null;
  reading: string;
}

export interface PerceivedSection {
  answers: SurveyAnswerRow[];
  rated: number;
  meanRating: number | null;
  /** Counts of "Would it have been faster without AI?" answers. */
  fasterWithoutAi: { yes: number; no: number; same: number };
  agreement: AgreementRow[];
}

const MEASURES: Array<[AgreementRow['measure'], string]> = [
  ['aiLines', 'AI lines (accepted or written by the agent)'],
  ['minutes', 'Session minutes'],
  ['costUsd', 'Cost (USD)'],
  ['requests', 'Requests'],
];

export function perceivedSection(answers: SurveyAnswerRow[]): PerceivedSection | null {
  if (!answers.length) return null;
  const rated = answers.filter((a) => a.productivity !== null);
  const faster = { yes: 0, no: 0, same: 0 };
  for (const a of answers) if (a.fasterWithoutAi === 'yes' || a.fasterWithoutAi === 'no' || a.fasterWithoutAi === 'same') faster[a.fasterWithoutAi]++;
  const agreement = MEASURES.map(([measure, label]): AgreementRow => {
    const pairs = rated.filter((a) => a.measured !== null);
    const c = correlation(
      pairs.map((a) => a.productivity),
      pairs.map((a) => a.measured![measure]),
      'spearman',
      { minPairs: 5 },
    );
    const reading =
      c.status === 'ok'
        ? `${Math.abs(c.r!) < 0.1 ? 'no' : Math.abs(c.r!) < 0.3 ? 'weak' : Math.abs(c.r!) < 0.5 ? 'moderate' : 'strong'} ${c.r! >= 0 ? 'agreement' : 'disagreement'} (n = ${c.n})`
        : c.status === 'undefined'
          ? `no variation to compare (n = ${c.n})`
          : `too few rated sessions (n = ${c.n}, 5 needed)`;
    return { measure, label, n: c.n, rho: c.r, p: c.p, reading };
  });
  return {
    answers,
    rated: rated.length,
    meanRating: rated.length ? rated.reduce((s, a) => s + a.productivity!, 0) / rated.length : null,
    fasterWithoutAi: faster,
    agreement,
  };
}
