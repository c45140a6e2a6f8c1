/**
 * Adherence: whether a unit was worked as its arm said, from the AI use ProdLens saw in it. Use of what an
 * "off" arm turns off is a protocol deviation, shown and counted, never hidden: intention-to-treat keeps the
 * unit in its assigned arm, per-protocol leaves it out.
 */
import type { Arm, ExperimentDesign } from './design';

/** AI use seen in one unit (from the store). */
export interface UnitUsage {
  /** Agent and API requests (every source but the editor). */
  agentRequests: number;
  /** AI insertions captured in the editor (inline completions, chat applies). */
  editorInsertions: number;
  /** Requests per model name. */
  models: Record<string, number>;
}

export interface Adherence {
  adherent: boolean;
  /** What was seen that the arm rules out, in words; null when adherent. */
  deviation: string | null;
}

export function adherenceOf(design: Pick<ExperimentDesign, 'treatment' | 'arms'>, arm: Arm, usage: UnitUsage): Adherence {
  const ok: Adherence = { adherent: true, deviation: null };
  switch (design.treatment) {
    case 'inline-completions':
      if (design.arms[arm] !== 'off' || usage.editorInsertions === 0) return ok;
      return { adherent: false, deviation: `${usage.editorInsertions} AI insertion(s) in the editor on an "off" unit` };
    case 'agent':
      if (design.arms[arm] !== 'off' || usage.agentRequests === 0) return ok;
      return { adherent: false, deviation: `${usage.agentRequests} agent request(s) on an "off" unit` };
    case 'model': {
      const other = design.arms[arm === 'A' ? 'B' : 'A'].toLowerCase();
      const mine = design.arms[arm].toLowerCase();
      let wrong = 0;
      for (const [model, n] of Object.entries(usage.models)) {
        const m = model.toLowerCase();
        // A model name containing both labels (one a prefix of the other) counts as the arm's own.
        if (m.includes(other) && !(mine.length > other.length && m.includes(mine))) wrong += n;
      }
      return wrong ? { adherent: false, deviation: `${wrong} request(s) to ${design.arms[arm === 'A' ? 'B' : 'A']} on a ${design.arms[arm]} unit` } : ok;
    }
  }
}
