import { Worker } from 'node:worker_threads';

/**
 * Parses a large OTLP/JSON logs body off the event loop: a worker thread runs `JSON.parse` (the one step that
 * cannot be sliced) and sends the request back as small sub-requests of at most `chunkRecords` log records,
 * each with its resource and scope, as JSON text. The caller parses and normalizes each in turn and yields
 * between them, so the extension host keeps answering while a 20 MiB batch is read.
 *
 * The worker is plain JavaScript evaluated from a string (no separate bundle file).
 */
const WORKER = `(() => {
const { parentPort, workerData } = require('node:worker_threads');
let doc;
try {
  doc = JSON.parse(Buffer.from(workerData.body).toString('utf8'));
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message) });
  return;
}
if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray(doc.resourceLogs)) {
  parentPort.postMessage({ notLogs: true });
  return;
}
const size = workerData.chunkRecords;
for (const rl of doc.resourceLogs) {
  const scopes = rl && typeof rl === 'object' ? (rl.scopeLogs || rl.instrumentationLibraryLogs) : undefined;
  if (!Array.isArray(scopes)) { parentPort.postMessage({ chunk: JSON.stringify({ resourceLogs: [rl] }) }); continue; }
  const { scopeLogs, instrumentationLibraryLogs, ...resource } = rl;
  for (const sl of scopes) {
    const records = sl && typeof sl === 'object' ? (sl.logRecords || sl.logs) : undefined;
    if (!Array.isArray(records) || records.length <= size) {
      parentPort.postMessage({ chunk: JSON.stringify({ resourceLogs: [{ ...resource, scopeLogs: [sl] }] }) });
      continue;
    }
    const { logRecords, logs, ...scope } = sl;
    for (let i = 0; i < records.length; i += size) {
      parentPort.postMessage({ chunk: JSON.stringify({ resourceLogs: [{ ...resource, scopeLogs: [{ ...scope, logRecords: records.slice(i, i + size) }] }] }) });
    }
  }
}
parentPort.postMessage({ done: true });
})();
`;

export type OffThreadResult = { kind: 'chunks'; chunks: AsyncGenerator<string> } | { kind: 'invalid'; reason: string } | { kind: 'notLogs' };

/** Starts parsing `body` in a worker; resolves once the worker knows whether it is an OTLP logs request. */
export function parseLogsOffThread(body: Buffer, chunkRecords: number): Promise<OffThreadResult> {
  const copy = new Uint8Array(body.length);
  copy.set(body);
  const worker = new Worker(WORKER, { eval: true, workerData: { body: copy, chunkRecords }, transferList: [copy.buffer] });
  const queue: Array<{ chunk?: string; error?: string; notLogs?: boolean; done?: boolean; failed?: Error }> = [];
  let wake: (() => void) | undefined;
  const push = (m: (typeof queue)[number]) => {
    queue.push(m);
    wake?.();
    wake = undefined;
  };
  worker.on('message', push);
  worker.on('error', (err) => push({ failed: err }));
  worker.on('exit', () => push({ done: true }));
  const next = async () => {
    while (!queue.length) await new Promise<void>((r) => (wake = r));
    return queue.shift()!;
  };
  return (async () => {
    const first = await next();
    if (first.failed) throw first.failed;
    if (first.error !== undefined) return { kind: 'invalid', reason: first.error };
    if (first.notLogs) return { kind: 'notLogs' };
    async function* chunks(): AsyncGenerator<string> {
      try {
        let m = first;
        for (;;) {
          if (m.failed) throw m.failed;
          if (m.done) return;
          if (m.chunk !== undefined) yield m.chunk;
          m = await next();
        }
      } finally {
        void worker.terminate();
      }
    }
    return { kind: 'chunks', chunks: chunks() };
  })();
}
