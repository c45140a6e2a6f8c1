/**
 * A long-task tracer: the process notes when a short interval timer fires; a gap between two firings longer
 * than a threshold is a long task (the event loop did not turn), and the CPU profile of the run
 * (`node --cpu-prof`) says which functions ran in it (inclusive and self time). Used by
 * bench/import-host.ts to name what blocks the extension host.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** The JSON of a `.cpuprofile` file. Times in µs on the monotonic clock (`process.hrtime`). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface LongTask {
  /** µs on the profile's clock. */
  startUs: number;
  ms: number;
  /** Functions by time spent in them or their callees, longest first. */
  inclusive: Array<{ fn: string; ms: number }>;
  /** Functions by time spent in themselves, longest first. */
  self: Array<{ fn: string; ms: number }>;
}

function frameName(f: CallFrame): string {
  const file = f.url ? f.url.slice(f.url.lastIndexOf('/') + 1) : '';
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
}

/**
 * What ran in each window (µs on the profile's clock; a window is a stretch between two turns of the event
 * loop, measured by the process itself), from the samples inside it.
 */
export function whatRan(profile: CpuProfile, windows: ReadonlyArray<{ fromUs: number; toUs: number }>, top = 8): LongTask[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Sample i covers [t[i], t[i+1]).
  const t: number[] = [];
  let now = profile.startTime;
  for (const d of profile.timeDeltas) t.push((now += d));
  t.push(profile.endTime);
  return windows.map((w) => {
    const incl = new Map<string, number>();
    const self = new Map<string, number>();
    for (let k = 0; k < profile.samples.length; k++) {
      if (t[k]! < w.fromUs || t[k]! >= w.toUs) continue;
      const dt = (t[k + 1]! - t[k]!) / 1000;
      let id: number | undefined = profile.samples[k]!;
      const leaf = frameName(byId.get(id)!.callFrame);
      self.set(leaf, (self.get(leaf) ?? 0) + dt);
      const seen = new Set<string>();
      for (; id !== undefined; id = parent.get(id)) {
        const name = frameName(byId.get(id)!.callFrame);
        if (seen.has(name) || name === '(root)') continue;
        seen.add(name);
        incl.set(name, (incl.get(name) ?? 0) + dt);
      }
    }
    const rank = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([fn, v]) => ({ fn, ms: Math.round(v) }));
    return { startUs: w.fromUs, ms: Math.round((w.toUs - w.fromUs) / 1000), inclusive: rank(incl), self: rank(self) };
  });
}
