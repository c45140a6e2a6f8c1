import { reanchor } from './reanchor';
import type { ContentChange, Region } from './region';
import { countSignificantLines, measureSurvival, type Survival } from './similarity';
import { RegionTracker, type Spawn } from './tracker';

/** Checkpoints at which survival is measured (README.md). `inserted` records the insertion unmeasured. */
export type CheckpointName = 'inserted' | '30s' | '2m' | '10m' | 'save' | 'commit' | 'close' | 'evicted';

/** Timed checkpoints after the insertion; after the last one a region is settled. */
export const TIMED_CHECKPOINTS: ReadonlyArray<{ name: CheckpointName; afterMs: number }> = [
  { name: '30s', afterMs: 30_000 },
  { name: '2m', afterMs: 120_000 },
  { name: '10m', afterMs: 600_000 },
];

/** How an insertion was recognised as AI-written. */
export type Detection = 'inline' | 'workspace-edit' | 'disk';

/** What the event of an insertion says about it (never its text). */
export interface RegionMeta {
  detection: Detection;
  /** Named agent or provider (copilot, claude-code, …), the generic `inline`/`chat`, or null when unknown. */
  agent: string | null;
  /** 0..1: how sure the detection is that this was AI-written. */
  confidence: number;
  language: string | null;
  /** File extension without the dot, lower case. */
  ext: string | null;
  /** `pathHash()` of the workspace-relative path. */
  pathHash: string | null;
  sessionId: string | null;
  /** trace_hash of the agent's own edit event this insertion was matched to. */
  matchedTrace: string | null;
  repoSlug: string | null;
  branch: string | null;
  /** The developer (prodlens.developerId, else git user.email of the document's repository); null when unknown. */
  developerId?: string | null;
  /** The model, when the insertion matched an agent's edit whose session names one. */
  model?: string | null;
}

export interface EngineOptions {
  /** diff_ratio at or above which an insertion counts as accepted. */
  acceptThreshold: number;
  maxRegionsPerDoc: number;
  maxRegions: number;
  /** Insertions longer than this (UTF-16 units) are not tracked. */
  maxRegionChars: number;
  /** How long a wholly deleted region can come back by an exact re-insertion (cut/paste, undo/redo). */
  moveWindowMs: number;
  /** Settled regions are dropped this long after their insertion. */
  maxAgeMs: number;
  /** Tentative regions not confirmed or discarded within this time are discarded. */
  confirmTimeoutMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  acceptThreshold: 0.7,
  maxRegionsPerDoc: 200,
  maxRegions: 2000,
  maxRegionChars: 200_000,
  moveWindowMs: 120_000,
  maxAgeMs: 3_600_000,
  confirmTimeoutMs: 15_000,
};

/** One measurement (or the unmeasured insertion) to persist as the insertion's event. */
export interface Observation {
  id: string;
  insertedAt: number;
  meta: RegionMeta;
  insertedLines: number;
  /** The checkpoints this measurement answers (usually one). */
  checkpoints: CheckpointName[];
  survival: Survival | null;
  accepted: boolean | null;
  /** Latest ratio and accepted lines per checkpoint reached so far. */
  history: Partial<Record<CheckpointName, { ratio: number; lines: number }>>;
  /** No later observation will follow. */
  final: boolean;
}

/** What the test surface and logs may see of a region (offsets and metadata, no text). */
export interface RegionInfo {
  id: string;
  doc: string;
  start: number;
  end: number;
  state: 'tentative' | 'active' | 'settled';
  detached: boolean;
  pending: boolean;
  insertedLength: number;
  meta: RegionMeta | null;
  lastRatio: number | null;
}

interface Tracked {
  region: Region;
  meta: RegionMeta | null;
  insertedLines: number;
  nextTimed: number;
  settled: boolean;
  measuredVersion: number;
  survival: Survival | null;
  history: Observation['history'];
}

/** A region the adapter wants created (see `Spawn`). */
export type SpawnRequest = Spawn;

/**
 * Tracks AI insertions and measures their survival at checkpoints. The typing path (`applyEvent`) only
 * moves offsets; re-anchoring and diffs happen in `drain`, which the caller runs off the typing path
 * (on a timer) with a time budget. Memory is bounded by the caps: the oldest settled region goes first,
 * then the oldest active one (measured one last time as `evicted`).
 */
export class RetentionEngine {
  private readonly tracker: RegionTracker;
  private readonly tracked = new Map<string, Tracked>();
  /** Measurements to run, in order, with the checkpoints each answers. */
  private readonly queue = new Map<string, Set<CheckpointName>>();
  /** Regions no longer tracked but still owed a final measurement. */
  private readonly finalQueue = new Set<string>();
  readonly options: EngineOptions;

  constructor(options: Partial<EngineOptions> = {}) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    this.tracker = new RegionTracker(this.options.moveWindowMs);
  }

  get size(): number {
    return this.tracker.size;
  }

  /** Work waiting for `drain`. */
  get pendingWork(): number {
    return this.queue.size;
  }

  /**
   * The typing path: applies a document change event and creates the requested (tentative) regions.
   * Returns the ids created; spawns longer than `maxRegionChars` are not created.
   */
  applyEvent(doc: string, changes: readonly ContentChange[], now: number, spawns?: readonly SpawnRequest[]): string[] {
    const ok = spawns?.filter((s) => s.length > 0 && s.length <= this.options.maxRegionChars);
    const created = this.tracker.applyEvent(doc, changes, now, ok);
    if (!created.length) return [];
    for (const r of created) {
      this.tracked.set(r.id, {
        region: r,
        meta: null,
        insertedLines: countSignificantLines(r.inserted),
        nextTimed: 0,
        settled: false,
        measuredVersion: -1,
        survival: null,
        history: {},
      });
    }
    this.enforceCaps(doc, new Set(created.map((r) => r.id)));
    return created.map((r) => r.id);
  }

  /** Confirms a tentative region as an AI insertion; its `inserted` observation is queued. */
  confirm(id: string, meta: RegionMeta): boolean {
    const t = this.tracked.get(id);
    if (!t || t.meta) return false;
    t.meta = meta;
    this.enqueue(id, 'inserted');
    return true;
  }

  /** Drops a tentative region that turned out not to be AI-written (a paste, a snippet). */
  discard(id: string): void {
    const t = this.tracked.get(id);
    if (!t || t.meta) return;
    this.tracked.delete(id);
    this.tracker.remove(id);
  }

  /** Updates metadata learned later (an agent edit matched); the next observation carries it. */
  updateMeta(id: string, patch: Partial<RegionMeta>): void {
    const t = this.tracked.get(id);
    if (t?.meta) t.meta = { ...t.meta, ...patch };
  }

  /** Queues a measurement of a document's confirmed regions (save) or of those matching a filter (commit). */
  checkpoint(name: CheckpointName, docs: string | ((doc: string) => boolean)): void {
    const match = typeof docs === 'string' ? (d: string) => d === docs : docs;
    for (const [id, t] of this.tracked) if (t.meta && !this.finalQueue.has(id) && match(t.region.doc)) this.enqueue(id, name);
  }

  /** A document closed: its regions are measured one last time (`close`) and no longer tracked. */
  closeDoc(doc: string): void {
    for (const r of this.tracker.removeDoc(doc)) {
      const t = this.tracked.get(r.id);
      if (!t?.meta) {
        this.tracked.delete(r.id);
        continue;
      }
      this.enqueue(r.id, 'close');
      this.finalQueue.add(r.id);
    }
  }

  /** The document's line endings changed (see `RegionTracker.remapDoc`). */
  remapDoc(doc: string, mapOffset: (offset: number) => number, eol: '\n' | '\r\n'): void {
    this.tracker.remapDoc(doc, mapOffset, eol);
  }

  /** Queues timed checkpoints that are due and drops expired regions. Cheap; call every few seconds. */
  tick(now: number): void {
    for (const [id, t] of this.tracked) {
      if (this.finalQueue.has(id)) continue;
      const age = now - t.region.insertedAt;
      if (!t.meta) {
        if (age > this.options.confirmTimeoutMs) this.discard(id);
        continue;
      }
      if (t.settled) {
        if (age > this.options.maxAgeMs && !this.queue.has(id)) this.drop(id);
        continue;
      }
      const next = TIMED_CHECKPOINTS[t.nextTimed];
      if (next && age >= next.afterMs) {
        // A checkpoint missed while the machine slept is answered once, by the latest one due.
        while (t.nextTimed + 1 < TIMED_CHECKPOINTS.length && age >= TIMED_CHECKPOINTS[t.nextTimed + 1]!.afterMs) t.nextTimed += 1;
        this.enqueue(id, TIMED_CHECKPOINTS[t.nextTimed]!.name);
        t.nextTimed += 1;
      }
    }
  }

  /**
   * Runs queued measurements until `deadline()` says stop (checked between regions) and returns the
   * observations to persist. Off the typing path: this is where re-anchoring and diffs run.
   */
  drain(now: number, deadline: () => boolean = () => false): Observation[] {
    const out: Observation[] = [];
    for (const [id, names] of this.queue) {
      this.queue.delete(id);
      const t = this.tracked.get(id);
      if (!t?.meta) continue;
      const final = this.finalQueue.has(id);
      const measure = [...names].some((n) => n !== 'inserted');
      if (measure) {
        const r = t.region;
        if (r.pendingText !== null) reanchor(r, now);
        if (t.measuredVersion !== r.version || !t.survival) {
          t.survival = measureSurvival(r.inserted, r.text);
          t.measuredVersion = r.version;
        }
        for (const n of names) if (n !== 'inserted') t.history[n] = { ratio: t.survival.ratio, lines: t.survival.acceptedLines };
        if (names.has(TIMED_CHECKPOINTS.at(-1)!.name)) t.settled = true;
      }
      const s = measure ? t.survival : null;
      out.push({
        id,
        insertedAt: t.region.insertedAt,
        meta: t.meta,
        insertedLines: t.insertedLines,
        checkpoints: [...names],
        survival: s,
        accepted: s ? s.ratio >= this.options.acceptThreshold : null,
        history: { ...t.history },
        final,
      });
      if (final) {
        this.finalQueue.delete(id);
        this.tracked.delete(id);
      }
      if (deadline()) break;
    }
    return out;
  }

  /** Regions as the test surface and logs see them. */
  regions(): RegionInfo[] {
    return [...this.tracked.values()]
      .filter((t) => !this.finalQueue.has(t.region.id))
      .map((t) => ({
        id: t.region.id,
        doc: t.region.doc,
        start: t.region.start,
        end: t.region.end,
        state: !t.meta ? 'tentative' : t.settled ? 'settled' : 'active',
        detached: t.region.detached,
        pending: t.region.pendingText !== null,
        insertedLength: t.region.inserted.length,
        meta: t.meta,
        lastRatio: t.survival?.ratio ?? null,
      }));
  }

  /** The live region (offsets and current text) for an id; for the adapter's own checks. */
  region(id: string): Region | undefined {
    return this.tracker.get(id);
  }

  private enqueue(id: string, name: CheckpointName): void {
    let s = this.queue.get(id);
    if (!s) this.queue.set(id, (s = new Set()));
    s.add(name);
  }

  private drop(id: string): void {
    this.tracked.delete(id);
    this.tracker.remove(id);
    this.queue.delete(id);
  }

  /** Evicts beyond the caps: settled regions oldest first, then active ones (measured as `evicted`). */
  private enforceCaps(doc: string, keep: Set<string>): void {
    const over = (): 'doc' | 'all' | null =>
      this.tracker.docCount(doc) > this.options.maxRegionsPerDoc ? 'doc' : this.tracker.size > this.options.maxRegions ? 'all' : null;
    for (let scope = over(); scope; scope = over()) {
      const pool = scope === 'doc' ? this.tracker.regionsOf(doc) : this.tracker.all();
      let victim: Tracked | undefined;
      for (const r of pool) {
        if (keep.has(r.id)) continue;
        const t = this.tracked.get(r.id)!;
        if (!victim || rank(t) < rank(victim)) victim = t;
      }
      if (!victim) return;
      const id = victim.region.id;
      this.tracker.remove(id);
      if (victim.meta && !victim.settled) {
        this.enqueue(id, 'evicted');
        this.finalQueue.add(id);
      } else {
        this.tracked.delete(id);
        this.queue.delete(id);
      }
    }
  }
}

/** Eviction order: tentative and settled before active, older before newer. */
function rank(t: Tracked): number {
  const tier = !t.meta || t.settled ? 0 : 1;
  return tier * 1e15 + t.region.insertedAt;
}
