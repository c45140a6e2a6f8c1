import { Worker } from 'node:worker_threads';

/**
 * Parses a large OTLP/JSON logs body off the event loop: a worker thread runs `JSON.parse` (the one step that
 * cannot be sliced), counts the log records, and then hands the request back as small sub-requests of at
 * most `chunkRecords` log records, each with its resource and scope, as JSON text — one at a time, when the
 * caller asks for the next (so the worker does not compete for the CPU with the caller or flood its event
 * loop with messages, and the caller never holds more than a chunk or two). On Linux the worker thread
 * lowers its own priority (nice 10): on a busy machine the event loop gets the core first. The caller parses, normalizes
 * and stores each in turn and yields between them, so the extension host keeps answering while a 20 MiB
 * batch is read.
 *
 * The body reaches the worker through shared memory (readBody reads large bodies into it; any other is
 * copied in pieces between turns of the event loop: one 20 MiB copy would block it). The worker is plain JavaScript evaluated from a string (no separate bundle
 * file).
 */
const WORKER = `(() => {
const { parentPort, workerData } = require('node:worker_threads');
// Linux: this thread (not the process) yields the CPU to the extension host's event loop when cores are busy.
try { require('node:os').setPriority(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()), 10); } catch {}
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
const scopesOf = (rl) => (rl && typeof rl === 'object' ? (rl.scopeLogs || rl.instrumentationLibraryLogs) : undefined);
const recordsOf = (sl) => (sl && typeof sl === 'object' ? (sl.logRecords || sl.logs) : undefined);
let records = 0;
for (const rl of doc.resourceLogs) {
  const scopes = scopesOf(rl);
  if (Array.isArray(scopes)) for (const sl of scopes) { const r = recordsOf(sl); if (Array.isArray(r)) records += r.length; }
}
function* chunks() {
  for (const rl of doc.resourceLogs) {
    const scopes = scopesOf(rl);
    if (!Array.isArray(scopes)) { yield JSON.stringify({ resourceLogs: [rl] }); continue; }
    const { scopeLogs, instrumentationLibraryLogs, ...resource } = rl;
    for (const sl of scopes) {
      const recs = recordsOf(sl);
      if (!Array.isArray(recs) || recs.length <= size) { yield JSON.stringify({ resourceLogs: [{ ...resource, scopeLogs: [sl] }] }); continue; }
      const { logRecords, logs, ...scope } = sl;
      for (let i = 0; i < recs.length; i += size) {
        yield JSON.stringify({ resourceLogs: [{ ...resource, scopeLogs: [{ ...scope, logRecords: recs.slice(i, i + size) }] }] });
      }
    }
  }
}
const it = chunks();
parentPort.on('message', () => {
  const n = it.next();
  parentPort.postMessage(n.done ? { done: true } : { chunk: n.value });
  if (n.done) { doc = undefined; parentPort.close(); }
});
parentPort.postMessage({ records });
})();
`;

/** Bytes copied into shared memory per turn of the event loop. */
const COPY_PIECE = 1024 * 1024;

export type OffThreadResult =
  { kind: 'chunks'; records: number; chunks: AsyncGenerator<string>; stop(): Promise<void> } | { kind: 'invalid'; reason: string } | { kind: 'notLogs' };

type Message = { chunk?: string; records?: number; error?: string; notLogs?: boolean; done?: boolean; failed?: Error };

/**
 * Starts parsing `body` in a worker; resolves once the worker knows whether it is an OTLP logs request
 * (with its number of log records). The caller must `stop()` it once done with the chunks (ends the worker).
 */
export async function parseLogsOffThread(body: Buffer, chunkRecords: number): Promise<OffThreadResult> {
  let shared: Uint8Array;
  if (body.buffer instanceof SharedArrayBuffer) shared = new Uint8Array(body.buffer, body.byteOffset, body.length);
  else {
    shared = new Uint8Array(new SharedArrayBuffer(body.length));
    for (let at = 0; at < body.length; at += COPY_PIECE) {
      shared.set(body.subarray(at, at + COPY_PIECE), at);
      if (at + COPY_PIECE < body.length) await new Promise<void>((r) => setImmediate(r));
    }
  }
  const worker = new Worker(WORKER, { eval: true, workerData: { body: shared, chunkRecords } });
  const queue: Message[] = [];
  let wake: (() => void) | undefined;
  const push = (m: Message) => {
    queue.push(m);
    wake?.();
    wake = undefined;
  };
  worker.on('message', push);
  worker.on('error', (err) => push({ failed: err }));
  worker.on('exit', (code) => push(code === 0 ? { done: true } : { failed: new Error(`the JSON worker stopped (exit code ${code})`) }));
  const next = async () => {
    while (!queue.length) await new Promise<void>((r) => (wake = r));
    return queue.shift()!;
  };
  const first = await next();
  if (first.failed) throw first.failed;
  if (first.error !== undefined || first.notLogs || first.records === undefined) {
    void worker.terminate();
    if (first.error !== undefined) return { kind: 'invalid', reason: first.error };
    return { kind: 'notLogs' };
  }
  async function* chunks(): AsyncGenerator<string> {
    try {
      worker.postMessage('next');
      for (;;) {
        const m = await next();
        if (m.failed) throw m.failed;
        if (m.done) return;
        // Ask for the next chunk before handing this one over: the worker serializes it meanwhile.
        worker.postMessage('next');
        if (m.chunk !== undefined) yield m.chunk;
      }
    } finally {
      void worker.terminate();
    }
  }
  return {
    kind: 'chunks',
    records: first.records,
    chunks: chunks(),
    // Ends the worker whether or not the chunks were read (a generator never started runs no finally).
    stop: async () => {
      await worker.terminate();
    },
  };
}
