import type { Candidate } from './classify';

/**
 * Which reading of an ambiguous change a tentative region belongs to: a change to a clean document is either an
 * edit (the document turns dirty right after) or a reload from disk (it stays clean).
 */
export type Reading = 'edit' | 'reload';

/**
 * What confirming an insertion needs to ask the editor, each answered by the VS Code adapter
 * (src/extension/editor-capture/capture.ts) for one document, region and moment.
 */
export interface ConfirmationProbe {
  /** Resolves once the dirty state after the change is known: whether the document turned dirty. */
  dirtiedSince(): Promise<boolean>;
  /** Resolves with whether the selection that followed is a lone empty cursor at the insertion's end. */
  cursorAtEnd(): Promise<boolean>;
  /** Resolves after the settle time in which git, bulk and clipboard activity shows up. */
  settle(): Promise<void>;
  /** A git operation (checkout, merge, stash…) near the change. */
  gitBusyNear(): boolean;
  /** Two or more other documents changed (not by typing) near the change. */
  bulkNear(): boolean;
  /** The inserted text is what was on the clipboard (or, where it is not read, copied from an open document). */
  looksPaste(): Promise<boolean>;
}

/** The decision on a tentative region: keep it, drop it for the other reading, or reject it with a reason. */
export type Verdict = { kind: 'confirm' } | { kind: 'discard' } | { kind: 'reject'; why: string };

/**
 * Confirms or discards a tentative AI region with what the change event alone could not tell (detection rules:
 * classify.ts). Inline completions stand only if the cursor then sits alone at their end; other insertions
 * only if no git operation, no bulk change and no paste explains them. `reading` is set when the change could
 * be an edit or a reload: the region stands only if the document's dirty state agrees with it.
 */
export async function confirmInsertion(cand: Pick<Candidate, 'needsCursorAtEnd'>, reading: Reading | null, probe: ConfirmationProbe): Promise<Verdict> {
  // Started at once: the selection that follows an accepted completion may arrive before the dirty state.
  const cursorOk = cand.needsCursorAtEnd ? probe.cursorAtEnd() : null;
  const settled = cand.needsCursorAtEnd ? null : probe.settle();
  if (reading && (await probe.dirtiedSince()) !== (reading === 'edit')) return { kind: 'discard' };
  if (cursorOk) {
    if (!(await cursorOk)) return { kind: 'reject', why: 'cursor not at the end (snippet or completion list)' };
  } else {
    await settled;
    if (probe.gitBusyNear()) return { kind: 'reject', why: 'git operation' };
    if (probe.bulkNear()) return { kind: 'reject', why: 'several files changed at once' };
  }
  if (await probe.looksPaste()) return { kind: 'reject', why: 'paste' };
  return { kind: 'confirm' };
}
