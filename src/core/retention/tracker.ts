import { applyChange, Region, type ContentChange } from './region';

/** A region to create from part of one change's text, right after that change is applied. */
export interface Spawn {
  id: string;
  /** Index of the change (in the event) whose text holds the insertion. */
  changeIndex: number;
  /** Start of the insertion within that change's text (e.g. after an inline completion's typed prefix). */
  offset: number;
  length: number;
}

/**
 * Keeps every region's offsets and text current through document change events. This is the typing path:
 * a change costs one pass of offset arithmetic over the regions of its own document (bounded by the
 * per-document cap), plus a text splice only for the regions it touches. No diffs, no document reads.
 */
export class RegionTracker {
  private readonly docs = new Map<string, Region[]>();
  private readonly byId = new Map<string, Region>();

  constructor(private readonly moveWindowMs: number) {}

  get size(): number {
    return this.byId.size;
  }

  /**
   * Applies one event's changes in order and creates the spawned regions right after their own change,
   * so the event's later changes move them like any other region. Returns the created regions.
   */
  applyEvent(doc: string, changes: readonly ContentChange[], now: number, spawns?: readonly Spawn[]): Region[] {
    let list = this.docs.get(doc);
    if (!list && !spawns?.length) return [];
    const created: Region[] = [];
    const mw = this.moveWindowMs;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      if (list) {
        const cs = c.rangeOffset;
        const ce = cs + c.rangeLength;
        const delta = c.text.length - c.rangeLength;
        for (let k = 0; k < list.length; k++) {
          const r = list[k]!;
          // The common cases inline: a live region wholly after the change shifts, one wholly before it
          // stays. Everything else (touching, detached, an edge to restore) takes the full rules.
          if (r.edge === null && r.detachedText === null) {
            if (ce <= r.start) {
              r.start += delta;
              r.end += delta;
              continue;
            }
            if (cs >= r.end) continue;
          }
          applyChange(r, c, now, mw);
        }
      }
      if (!spawns) continue;
      for (const s of spawns) {
        if (s.changeIndex !== i) continue;
        const r = new Region(s.id, doc, c.rangeOffset + s.offset, c.text.slice(s.offset, s.offset + s.length), now);
        if (!list) this.docs.set(doc, (list = []));
        list.push(r);
        this.byId.set(r.id, r);
        created.push(r);
      }
    }
    return created;
  }

  get(id: string): Region | undefined {
    return this.byId.get(id);
  }

  regionsOf(doc: string): readonly Region[] {
    return this.docs.get(doc) ?? [];
  }

  docCount(doc: string): number {
    return this.docs.get(doc)?.length ?? 0;
  }

  /** Every tracked region (a snapshot, safe to iterate while removing). */
  all(): Region[] {
    return [...this.byId.values()];
  }

  /** Stops tracking a region; its object stays usable by whoever holds it. */
  remove(id: string): Region | undefined {
    const r = this.byId.get(id);
    if (!r) return undefined;
    this.byId.delete(id);
    const list = this.docs.get(r.doc);
    if (list) {
      const i = list.indexOf(r);
      if (i >= 0) list.splice(i, 1);
      if (!list.length) this.docs.delete(r.doc);
    }
    return r;
  }

  /** Stops tracking every region of a document (closed); returns them. */
  removeDoc(doc: string): Region[] {
    const list = this.docs.get(doc) ?? [];
    this.docs.delete(doc);
    for (const r of list) this.byId.delete(r.id);
    return list;
  }

  /**
   * Rewrites offsets and texts after the document's line endings changed (VS Code reports an EOL change
   * with no content change, yet every offset after the first line break moves). `mapOffset` maps an old
   * offset to the new one.
   */
  remapDoc(doc: string, mapOffset: (offset: number) => number, eol: '\n' | '\r\n'): void {
    for (const r of this.docs.get(doc) ?? []) {
      const conv = (s: string): string => s.replace(/\r\n|\n/g, eol);
      r.start = mapOffset(r.start);
      r.text = conv(r.text);
      r.end = r.start + r.text.length;
      if (r.pendingText !== null) r.pendingText = conv(r.pendingText);
      if (r.detachedText !== null) r.detachedText = conv(r.detachedText);
      r.version += 1;
    }
  }
}
