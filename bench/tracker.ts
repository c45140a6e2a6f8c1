/**
 * Benchmark (not a test) of the editor-capture tracker on the typing path: 10,000 tracked AI regions over
 * 50 documents (200 each, the per-document cap) and 100,000 change events shaped like editing — single
 * characters typed and deleted, multi-cursor edits, pastes, line deletions — at random places, so most
 * land inside or around regions. Times every `applyEvent` call and prints, per run and as the median of
 * the runs: median, p99 and mean µs per event; heap held by the regions; and the off-path cost of one
 * checkpoint pass measuring every region after the edits.
 *
 *   npm run bench:tracker [-- runs]      (node --expose-gc, so heap figures are after a full GC)
 */
import { RetentionEngine, type RegionMeta } from '../src/core/retention/engine';
import type { ContentChange } from '../src/core/retention/region';

const DOCS = 50;
const PER_DOC = 200;
const EVENTS = 100_000;
const RUNS = Math.max(3, Number(process.argv[2] ?? 5));
const GAP = 120; // characters of human code between regions

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A plausible AI block of 3-12 lines (~25 characters each). */
function block(rnd: () => number, i: number): string {
  const lines = 3 + Math.floor(rnd() * 10);
  let s = '';
  for (let k = 0; k < lines; k++) s += `  const v${i}_${k} = compute(${k}, "${'x'.repeat(Math.floor(rnd() * 8))}");\n`;
  return s;
}

interface Plan {
  blocks: string[][];
  starts: number[][];
  lengths: number[];
  events: Array<{ doc: number; changes: ContentChange[] }>;
}

/** Everything is generated before timing; offsets stay valid because document lengths are followed. */
function plan(): Plan {
  const rnd = lcg(42);
  const blocks: string[][] = [];
  const starts: number[][] = [];
  const lengths: number[] = [];
  for (let d = 0; d < DOCS; d++) {
    let len = 0;
    const b: string[] = [];
    const st: number[] = [];
    for (let i = 0; i < PER_DOC; i++) {
      len += GAP;
      const text = block(rnd, i);
      st.push(len);
      b.push(text);
      len += text.length;
    }
    blocks.push(b);
    starts.push(st);
    lengths.push(len + GAP);
  }
  const len = [...lengths];
  const events: Plan['events'] = [];
  const paste = '    if (value === undefined) {\n      return fallback;\n    }\n';
  for (let n = 0; n < EVENTS; n++) {
    const doc = Math.floor(rnd() * DOCS);
    const kind = rnd();
    const at = Math.floor(rnd() * len[doc]!);
    let changes: ContentChange[];
    if (kind < 0.85) changes = [{ rangeOffset: at, rangeLength: 0, text: 'abcdefgh'[n % 8]! }];
    else if (kind < 0.93) changes = [{ rangeOffset: Math.max(0, at - 1), rangeLength: Math.min(1, len[doc]!), text: '' }];
    else if (kind < 0.97) {
      // Three cursors typing, sent last-first as VS Code does.
      const offs = [at, Math.floor(rnd() * len[doc]!), Math.floor(rnd() * len[doc]!)].sort((a, b) => b - a);
      changes = offs.map((o) => ({ rangeOffset: o, rangeLength: 0, text: ';' }));
    } else if (kind < 0.99) changes = [{ rangeOffset: at, rangeLength: 0, text: paste }];
    else changes = [{ rangeOffset: at, rangeLength: Math.min(40, len[doc]! - at), text: '' }];
    for (const c of changes) len[doc] = len[doc]! + c.text.length - c.rangeLength;
    events.push({ doc, changes });
  }
  return { blocks, starts, lengths, events };
}

const META: RegionMeta = {
  detection: 'inline',
  agent: 'copilot',
  confidence: 0.8,
  language: 'typescript',
  ext: 'ts',
  pathHash: '0123456789abcdef',
  sessionId: null,
  matchedTrace: null,
  repoSlug: null,
  branch: null,
};

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:tracker does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / 1048576;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function run(p: Plan): { medianUs: number; p99Us: number; meanUs: number; heapMb: number; heapAfterMb: number; checkpointMs: number; regions: number } {
  const base = heapMb();
  const engine = new RetentionEngine({ maxRegions: DOCS * PER_DOC, maxRegionsPerDoc: PER_DOC });
  const uris = Array.from({ length: DOCS }, (_, d) => `file:///bench/src/file${d}.ts`);
  let id = 0;
  for (let d = 0; d < DOCS; d++) {
    // Insert the blocks last-first so earlier offsets stay put, each as an AI insertion.
    for (let i = PER_DOC - 1; i >= 0; i--) {
      // A fresh copy, so the heap figure counts the text the engine holds (not the plan's strings).
      const text = Buffer.from(p.blocks[d]![i]!).toString();
      const rid = `r${id++}`;
      engine.applyEvent(uris[d]!, [{ rangeOffset: p.starts[d]![i]!, rangeLength: 0, text }], 0, [{ id: rid, changeIndex: 0, offset: 0, length: text.length }]);
      engine.confirm(rid, META);
    }
  }
  engine.drain(0);
  const held = heapMb() - base;
  const times = new Float64Array(p.events.length);
  const t0 = performance.now();
  for (let n = 0; n < p.events.length; n++) {
    const e = p.events[n]!;
    const s = performance.now();
    engine.applyEvent(uris[e.doc]!, e.changes, 1000 + n);
    times[n] = (performance.now() - s) * 1e6;
  }
  const total = (performance.now() - t0) * 1e6;
  const heldAfter = heapMb() - base;
  const sorted = Array.from(times).sort((a, b) => a - b);
  // One checkpoint pass over every region (off the typing path).
  for (const u of uris) engine.checkpoint('save', u);
  const c0 = process.hrtime.bigint();
  const obs = engine.drain(2_000_000);
  const checkpointMs = Number(process.hrtime.bigint() - c0) / 1e6;
  if (obs.length !== DOCS * PER_DOC) throw new Error(`expected ${DOCS * PER_DOC} observations, got ${obs.length}`);
  return {
    medianUs: sorted[sorted.length >> 1]! / 1000,
    p99Us: sorted[Math.floor(sorted.length * 0.99)]! / 1000,
    meanUs: total / p.events.length / 1000,
    heapMb: held,
    heapAfterMb: heldAfter,
    checkpointMs,
    regions: engine.size,
  };
}

const p = plan();
run(p); // warm-up (JIT, lazily compiled modules), not reported
const results: Array<ReturnType<typeof run>> = [];
console.log(`tracker bench: ${DOCS * PER_DOC} regions in ${DOCS} documents, ${EVENTS} change events, ${RUNS} runs (node ${process.version})`);
for (let i = 0; i < RUNS; i++) {
  const r = run(p);
  results.push(r);
  console.log(
    `run ${i + 1}: median ${r.medianUs.toFixed(2)} µs/event, p99 ${r.p99Us.toFixed(2)} µs, mean ${r.meanUs.toFixed(2)} µs; ` +
      `regions ${r.regions}, heap ${r.heapMb.toFixed(1)} MB (${r.heapAfterMb.toFixed(1)} MB after the edits); checkpoint pass ${r.checkpointMs.toFixed(0)} ms (${((r.checkpointMs * 1000) / (DOCS * PER_DOC)).toFixed(1)} µs/region)`,
  );
}
const m = (f: (r: (typeof results)[number]) => number) => median(results.map(f));
console.log(
  `median of ${RUNS} runs: ${m((r) => r.medianUs).toFixed(2)} µs/event (goal < 5), p99 ${m((r) => r.p99Us).toFixed(2)} µs, mean ${m((r) => r.meanUs).toFixed(2)} µs, ` +
    `heap ${m((r) => r.heapMb).toFixed(1)} MB for ${DOCS * PER_DOC} regions (${m((r) => r.heapAfterMb).toFixed(1)} MB after the edits), checkpoint pass ${m((r) => r.checkpointMs).toFixed(0)} ms`,
);
