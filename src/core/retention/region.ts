/**
 * One change of a text document, in the shape of VS Code's `TextDocumentContentChangeEvent`: the range
 * `[rangeOffset, rangeOffset + rangeLength)` of the document (UTF-16 offsets, line endings as stored) was
 * replaced by `text`. The changes of one event are applied one after the other, in the order given: each
 * offset refers to the document as left by the previous change (LSP `didChange`; vscode#23136). VS Code
 * emits a multi-cursor edit sorted from the last range to the first, which makes both readings agree.
 */
export interface ContentChange {
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly text: string;
}

/**
 * A tracked AI insertion: where it is now, what was inserted and what is there now. `text` is kept equal to
 * the document's text in `[start, end)` by `applyChange` (no document reads on the typing path).
 *
 * States: live (`start..end` holds `text`); pending (a replacement covered the whole region and did not
 * contain its text verbatim: `[start, end)` is the replacement window and `pendingText` the region's text
 * before it, re-anchored off the typing path by `reanchor`); detached (a deletion removed the whole region:
 * `text` is empty, `detachedText` holds what was removed, and an exact re-insertion of it within the move
 * window — the paste of a cut, the redo of an undo — attaches the region there again).
 */
export class Region {
  start: number;
  end: number;
  text: string;
  /** Bumped on every change to `text` or to the state, so unchanged regions are not measured twice. */
  version = 0;
  pendingText: string | null = null;
  detachedText: string | null = null;
  detachedAt = 0;
  /**
   * Text just deleted at one edge of the region, so that re-inserting it there as the very next change
   * (the undo of that deletion) puts it back inside the region instead of outside its boundary.
   */
  edge: EdgeLoss | null = null;

  constructor(
    readonly id: string,
    readonly doc: string,
    start: number,
    readonly inserted: string,
    readonly insertedAt: number,
  ) {
    this.start = start;
    this.end = start + inserted.length;
    this.text = inserted;
  }

  get detached(): boolean {
    return this.detachedText !== null;
  }

  detach(at: number): void {
    this.detachedText = this.text;
    this.detachedAt = at;
    this.pendingText = null;
    this.edge = null;
    this.text = '';
    this.end = this.start;
    this.version += 1;
  }

  /** Attaches a detached region at `[start, start + text.length)` holding `text`. */
  attach(start: number, text: string): void {
    this.detachedText = null;
    this.edge = null;
    this.start = start;
    this.end = start + text.length;
    this.text = text;
    this.version += 1;
  }
}

/** See `Region.edge`: `lost` was the region's part of a deletion of `length` characters at `pos`. */
export interface EdgeLoss {
  side: 'start' | 'end';
  pos: number;
  lost: string;
  length: number;
}

/**
 * Applies one change to one region (pure offset arithmetic plus, only when the change touches the region,
 * a splice of its text). Rules, for a change replacing `[cs, ce)` with `t` and a region `[rs, re)`:
 * - ends at or before the region start (an insertion exactly at `rs` included): the region shifts;
 * - starts at or after the region end (an insertion exactly at `re` included): nothing;
 *   so typing right before or after an insertion does not grow it;
 * - a deletion covering the whole region (selecting exactly the region included): the region is detached
 *   (deleted; re-attachable, see `Region`);
 * - a replacement covering the whole region (replace-all, a reload from disk, typing over the selected
 *   region): if the replacement contains the region's text verbatim the region moves there; otherwise the
 *   region becomes the replacement window, pending re-anchoring;
 * - inside `[rs, re]` otherwise: spliced into the region's text;
 * - a deletion crossing one boundary: the deleted part of the region goes; the rest stays;
 * - a replacement crossing one boundary: as the deletion, and the replacement text lies outside the region
 *   (it replaced text that was partly not AI-written; documented in README.md);
 * - a deletion at an edge followed, as the very next change, by the re-insertion of the same text at the
 *   same place (its undo) restores the region's part of it (`Region.edge`).
 * `moveWindowMs` bounds how long a detached region may be re-attached by an exact re-insertion.
 */
export function applyChange(r: Region, c: ContentChange, now: number, moveWindowMs: number): void {
  const cs = c.rangeOffset;
  const ce = cs + c.rangeLength;
  const t = c.text;
  const delta = t.length - c.rangeLength;

  if (r.detachedText !== null) {
    if (ce <= r.start) r.start += delta;
    else if (cs < r.start) r.start = cs;
    r.end = r.start;
    const dt = r.detachedText;
    if (t.length >= dt.length && dt.length > 0 && now - r.detachedAt <= moveWindowMs) {
      const at = t.length === dt.length ? (t === dt ? 0 : -1) : t.indexOf(dt);
      if (at >= 0) r.attach(cs + at, dt);
    }
    return;
  }

  const edge = r.edge;
  if (edge) {
    r.edge = null;
    if (c.rangeLength === 0 && cs === edge.pos && t.length === edge.length) {
      if (edge.side === 'end' && cs === r.end && t.startsWith(edge.lost)) {
        r.text += edge.lost;
        r.end += edge.lost.length;
        r.version += 1;
        return;
      }
      if (edge.side === 'start' && cs === r.start && t.endsWith(edge.lost)) {
        r.text = edge.lost + r.text;
        r.start += t.length - edge.lost.length;
        r.end += t.length;
        r.version += 1;
        return;
      }
    }
  }

  const rs = r.start;
  const re = r.end;
  if (ce <= rs) {
    r.start = rs + delta;
    r.end = re + delta;
    return;
  }
  if (cs >= re) return;
  r.version += 1;
  if (cs <= rs && ce >= re) {
    if (t.length === 0) {
      r.start = cs;
      r.detach(now);
      return;
    }
    const at = r.text.length ? t.indexOf(r.text) : -1;
    if (at >= 0) {
      r.start = cs + at;
      r.end = r.start + r.text.length;
      return;
    }
    r.pendingText ??= r.text;
    r.start = cs;
    r.end = cs + t.length;
    r.text = t;
    return;
  }
  if (cs >= rs && ce <= re) {
    if (t.length === 0 && (cs === rs || ce === re)) {
      r.edge = { side: ce === re ? 'end' : 'start', pos: cs, lost: r.text.slice(cs - rs, ce - rs), length: c.rangeLength };
    }
    r.text = r.text.slice(0, cs - rs) + t + r.text.slice(ce - rs);
    r.end = re + delta;
    return;
  }
  if (cs < rs) {
    // Crosses the start: [rs, ce) of the region is gone; the replacement text stays before the region.
    if (t.length === 0) r.edge = { side: 'start', pos: cs, lost: r.text.slice(0, ce - rs), length: c.rangeLength };
    r.text = r.text.slice(ce - rs);
    r.start = cs + t.length;
    r.end = r.start + r.text.length;
    return;
  }
  // Crosses the end: [cs, re) of the region is gone; the replacement text stays after the region.
  if (t.length === 0) r.edge = { side: 'end', pos: cs, lost: r.text.slice(cs - rs), length: c.rangeLength };
  r.text = r.text.slice(0, cs - rs);
  r.end = cs;
}
