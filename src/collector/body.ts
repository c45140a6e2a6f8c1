import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** Why a body could not be read, with the HTTP status to answer. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Bodies of at least this many declared bytes are read into shared memory. */
const SHARED_FROM = 1024 * 1024;

/**
 * Reads a request body, decompressing `gzip`/`x-gzip`/`deflate` as it streams. The size limit applies to
 * the bytes on the wire and again to the decompressed bytes, so a small compressed "zip bomb" is cut off
 * as soon as it inflates past the limit (413), never buffered whole. Rejects with BodyError.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyError(413, `body of ${declared} bytes is over the ${limit}-byte limit`));
  }
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  let decoder: zlib.Gunzip | zlib.Inflate | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip();
  else if (encoding === 'deflate') decoder = zlib.createInflate();
  else if (encoding !== 'identity' && encoding !== '') {
    return Promise.reject(new BodyError(415, `unsupported Content-Encoding ${JSON.stringify(encoding)} (use gzip, deflate or none)`));
  }

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    // A large body of known length is copied into place as it arrives (no 20 MiB concatenation at the end,
    // which blocks the event loop), in shared memory so a worker thread can parse it without another copy.
    const into = !decoder && Number.isFinite(declared) && declared >= SHARED_FROM ? Buffer.from(new SharedArrayBuffer(declared)) : undefined;
    let wire = 0;
    let size = 0;
    let done = false;
    const finish = (err: Error | null, body?: Buffer) => {
      if (done) return;
      done = true;
      req.off('data', onWire);
      if (decoder) {
        decoder.off('data', onData);
        req.unpipe(decoder);
        decoder.destroy();
      }
      if (err) reject(err);
      else resolve(body!);
    };
    const onWire = (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > limit) finish(new BodyError(413, `body is over the ${limit}-byte limit`));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(new BodyError(413, `decompressed body is over the ${limit}-byte limit`));
      else if (!into) chunks.push(chunk);
      else if (size > into.length) finish(new BodyError(400, 'the body is longer than its Content-Length'));
      else chunk.copy(into, size - chunk.length);
    };
    req.on('data', onWire);
    // A client that disconnects (or is cut off by the server's request timeout) ends the read.
    req.once('close', () => {
      if (!req.complete) finish(new BodyError(400, 'the connection closed before the body ended'));
    });
    req.once('error', (e) => finish(new BodyError(400, `error reading the body: ${e.message}`)));
    const source: Readable = decoder ?? req;
    if (decoder) {
      decoder.once('error', (e) => finish(new BodyError(400, `cannot decompress the ${encoding} body: ${e.message}`)));
      req.pipe(decoder);
    }
    source.on('data', onData);
    source.once('end', () => finish(null, into ? into.subarray(0, size) : Buffer.concat(chunks, size)));
  });
}
