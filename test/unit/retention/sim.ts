import type { ContentChange } from '../../../src/core/retention/region';
import { RegionTracker } from '../../../src/core/retention/tracker';
import type { Region } from '../../../src/core/retention/region';

/**
 * A document and a tracker driven by the same change events, the way VS Code drives the adapter: each
 * event's changes are applied in order to the text, and handed to the tracker as they are.
 */
export class SimDoc {
  readonly tracker: RegionTracker;
  now = 0;

  constructor(
    public text: string,
    moveWindowMs = 120_000,
    readonly uri = 'file:///w/a.ts',
  ) {
    this.tracker = new RegionTracker(moveWindowMs);
  }

  /** Applies an event (changes in the order given) to the text and the tracker. */
  event(changes: ContentChange[]): void {
    for (const c of changes) {
      if (c.rangeOffset < 0 || c.rangeOffset + c.rangeLength > this.text.length) throw new Error(`change out of range: ${JSON.stringify(c)}`);
      this.text = this.text.slice(0, c.rangeOffset) + c.text + this.text.slice(c.rangeOffset + c.rangeLength);
    }
    this.tracker.applyEvent(this.uri, changes, this.now);
  }

  /** Inserts `text` at `offset` as an AI insertion and returns its region. */
  insertAi(offset: number, text: string, id = 'r1'): Region {
    this.text = this.text.slice(0, offset) + text + this.text.slice(offset);
    const [r] = this.tracker.applyEvent(this.uri, [{ rangeOffset: offset, rangeLength: 0, text }], this.now, [
      { id, changeIndex: 0, offset: 0, length: text.length },
    ]);
    return r!;
  }

  insert(offset: number, text: string): void {
    this.event([{ rangeOffset: offset, rangeLength: 0, text }]);
  }

  delete(offset: number, length: number): void {
    this.event([{ rangeOffset: offset, rangeLength: length, text: '' }]);
  }

  replace(offset: number, length: number, text: string): void {
    this.event([{ rangeOffset: offset, rangeLength: length, text }]);
  }

  /** The document's text where the region says it is. */
  at(r: Region): string {
    return this.text.slice(r.start, r.end);
  }
}
