import type { Detection } from './engine';
import type { ContentChange } from './region';
import { normalizeEol } from './similarity';

/** What the adapter knows about one document change event when it arrives (plain data, no vscode). */
export interface EventFacts {
  changes: readonly ContentChange[];
  /** `TextDocumentChangeEvent.reason`. */
  reason: 'undo' | 'redo' | null;
  /** The document is the active text editor's. */
  active: boolean;
  /** The active editor's cursor offsets just before the change (empty when not active). */
  cursors: readonly number[];
  /** Milliseconds since the user last typed in this document (Infinity when never). */
  sinceTyping: number;
  /** Between onWillSave and onDidSave: format-on-save and code actions on save run here. */
  saving: boolean;
  /** A git operation (checkout, pull, merge, stash, reset, rebase) touched `.git` moments ago. */
  gitBusy: boolean;
  /** Several other documents changed within the last second (rename/refactor, git, bulk tools). */
  bulk: boolean;
  /** The document was clean before and after: it was reloaded from disk (another program wrote it). */
  reload: boolean;
  /** The document was dirty before and clean after without a save: File: Revert. */
  revert: boolean;
  /** Least non-whitespace characters an insertion needs (setting `prodlens.editor.minInsertionChars`). */
  minChars: number;
}

/** A change (or its tail) recognised as a likely AI insertion, still to be confirmed by the adapter. */
export interface Candidate {
  changeIndex: number;
  /** Start of the AI text within the change's text (an inline completion's typed prefix is skipped). */
  offset: number;
  length: number;
  detection: Detection;
  confidence: number;
  /** Inline completions are confirmed only if the cursor then sits alone at the insertion's end. */
  needsCursorAtEnd: boolean;
}

export interface Classification {
  candidates: Candidate[];
  /** Why the event yielded nothing, for the debug log and tests. */
  rejected: string | null;
  /** The event looks like typing (small edits at the cursor): the adapter notes the time. */
  typing: boolean;
}

/** How long after the last keystroke an edit to the active document is still the user's. */
export const TYPING_IDLE_MS = 2_000;

const IDENTIFIER = /^[\p{L}\p{N}_$.#@:-]+$/u;

function nonWhitespace(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) n += 1;
  }
  return n;
}

/** A keystroke-sized change: a character or an auto-closed pair, Enter with indentation, a backspace. */
function small(c: ContentChange): boolean {
  return c.rangeLength <= 2 && (c.text.length <= 2 || c.text.trim() === '');
}

/**
 * Decides which changes of an event may be AI insertions (README.md, "Detection"). Pure: the adapter
 * gathers the facts and then confirms candidates with what needs waiting for (the clipboard, the cursor).
 */
export function classifyEvent(f: EventFacts): Classification {
  const none = (rejected: string, typing = false): Classification => ({ candidates: [], rejected, typing });
  if (!f.changes.length) return none('no-change');
  if (f.reason) return none(f.reason);
  const typing = f.active && f.changes.every(small);
  if (typing) return none('typing', true);
  if (f.saving) return none('save-participant');
  if (f.gitBusy) return none('git');
  if (f.revert) return none('revert');

  const qualifying: number[] = [];
  f.changes.forEach((c, i) => {
    const t = c.text.trim();
    if (nonWhitespace(t) >= f.minChars && !IDENTIFIER.test(t)) qualifying.push(i);
  });
  if (!qualifying.length) return none('small');
  // Formatting and refactors touch many places with small edits; an AI edit is mostly substantial text.
  if (f.changes.length >= 5 && qualifying.length * 2 < f.changes.length) return none('format');
  if (f.bulk) return none('bulk');

  if (f.active && !f.reload && f.cursors.length === 1) {
    const cursor = f.cursors[0]!;
    const at = qualifying.filter((i) => {
      const c = f.changes[i]!;
      return c.rangeOffset <= cursor && cursor <= c.rangeOffset + c.rangeLength;
    });
    if (at.length === 1) {
      const i = at[0]!;
      const c = f.changes[i]!;
      // An accepted completion replaces the word typed so far with text that starts with it.
      const offset = c.rangeLength < c.text.length ? c.rangeLength : 0;
      const length = c.text.length - offset;
      if (nonWhitespace(c.text.slice(offset)) < f.minChars) return none('small');
      const multiLine = c.text.slice(offset).includes('\n');
      return {
        candidates: [{ changeIndex: i, offset, length, detection: 'inline', confidence: multiLine ? 0.8 : 0.6, needsCursorAtEnd: true }],
        rejected: null,
        typing: false,
      };
    }
  }
  if (f.reload) {
    return { candidates: qualifying.map((i) => whole(f, i, 'disk', 0.5)), rejected: null, typing: false };
  }
  if (f.active && f.sinceTyping < TYPING_IDLE_MS) return none('user-active');
  return { candidates: qualifying.map((i) => whole(f, i, 'workspace-edit', f.active ? 0.5 : 0.6)), rejected: null, typing: false };
}

function whole(f: EventFacts, i: number, detection: Detection, confidence: number): Candidate {
  return { changeIndex: i, offset: 0, length: f.changes[i]!.text.length, detection, confidence, needsCursorAtEnd: false };
}

/** Leading whitespace of every line dropped, line endings normalized: paste may re-indent. */
function pasteKey(text: string): string {
  return normalizeEol(text)
    .split('\n')
    .map((l) => l.trimStart())
    .join('\n')
    .trim();
}

/**
 * Whether inserted text came from the clipboard: equal to it, one part of it (a multi-cursor paste spreads
 * the clipboard's lines over the cursors), or containing it as most of its text (paste plus an import
 * added by "update imports on paste"). Compared without indentation, which paste may adjust.
 */
export function looksPasted(inserted: string, clipboard: string): boolean {
  const t = pasteKey(inserted);
  const c = pasteKey(clipboard);
  if (!t || !c) return false;
  if (t === c || c.includes(t)) return true;
  return t.includes(c) && c.length * 2 >= t.length;
}

/**
 * Where the clipboard cannot be read without bothering the user (VS Code for the Web): whether inserted text was
 * copied from an open document, i.e. is found, indentation ignored, in one of `sources` (the open documents' texts,
 * the insertion itself cut out of its own). Catches what a browser user mostly pastes — text copied in the editor —
 * but not text copied from other applications.
 */
export function looksCopied(inserted: string, sources: Iterable<string>): boolean {
  const t = pasteKey(inserted);
  if (!t) return false;
  for (const s of sources) if (s.length >= t.length && pasteKey(s).includes(t)) return true;
  return false;
}
