/**
 * A team's pooled experiment: several developers each ran a design (their own seed and schedule); their
 * units are pooled and the randomization test re-randomizes every developer's blocks independently, which
 * is exactly how the assignments were drawn, so the pooled p stays valid. Because every block is balanced,
 * each developer's baseline cancels out of the difference in means. For the team report over many
 * devices' `experiment_units` exports.
 */
import { randomizationTest, type RandomizationOptions, type RandomizationResult } from './randomization';

export interface DeveloperExperiment {
  /** Blocks of unit indexes into `armsA` / `y` (this developer's own numbering). */
  blocks: readonly (readonly number[])[];
  armsA: readonly boolean[];
  y: readonly (number | null)[];
}

export function pooledRandomizationTest(
  developers: readonly DeveloperExperiment[],
  options: RandomizationOptions = {},
): RandomizationResult & { developers: number } {
  const blocks: number[][] = [];
  const armsA: boolean[] = [];
  const y: (number | null)[] = [];
  for (const d of developers) {
    const offset = armsA.length;
    for (const b of d.blocks) blocks.push(b.map((i) => i + offset));
    armsA.push(...d.armsA);
    y.push(...d.y);
  }
  return { ...randomizationTest(blocks, armsA, y, options), developers: developers.length };
}
