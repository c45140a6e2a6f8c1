import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { emptyBatch, mergeBatch, type Batch } from '../../../src/core/model';
import { normalizeDocument } from '../../../src/core/normalize/detect';
import { listImportFiles, readImportFile, type ImportOptions } from '../../../src/sources/file-import';
import { ctx, FIXTURES } from '../normalize/helpers';

async function readAll(path: string, opts?: ImportOptions): Promise<{ total: Batch; batches: Batch[] }> {
  const batches: Batch[] = [];
  for await (const b of readImportFile(path, ctx(), opts)) batches.push(b);
  const total = batches.reduce((a, b) => mergeBatch(a, b), emptyBatch());
  return { total, batches };
}

describe('file import', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prodlens-import-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fixtureText = (rel: string) => readFile(join(FIXTURES, rel), 'utf8');

  it('reads NDJSON line by line; a bad line is a dead letter naming file and line, the rest continues', async () => {
    const lines = (await fixtureText('litellm/payloads.ndjson')).trim().split('\n');
    const file = join(dir, 'spend.ndjson');
    await writeFile(file, `\uFEFF${lines[0]}\r\n\r\n{"broken": \r\n${lines.slice(1).join('\n')}\n`);
    const { total } = await readAll(file);
    assert.equal(total.events.length, lines.length);
    assert.equal(total.rejects.length, 1);
    assert.match(total.rejects[0]!.reason, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: invalid JSON`));
    assert.ok(!total.rejects[0]!.excerpt.includes('broken'), 'the line itself is not kept');
  });

  it('prefixes dead letters from inside a line with the file and line too', async () => {
    const file = join(dir, 'events.jsonl');
    await writeFile(file, '{"timestamp":"2026-01-05T10:00:00Z","kind":"request","tokens_in":-1}\n{"timestamp":"2026-01-05T10:00:00Z","kind":"request"}\n');
    const { total } = await readAll(file);
    assert.equal(total.events.length, 1);
    assert.match(total.rejects[0]!.reason, /events\.jsonl:1: tokens_in is negative/);
  });

  it('reads the OpenTelemetry Collector file exporter output (a .json file of JSON lines)', async () => {
    const text = await fixtureText('otlp/collector-file-export.json');
    const file = join(dir, 'otel-export.json');
    await writeFile(file, text);
    const { total } = await readAll(file);
    const want = text
      .trim()
      .split('\n')
      .reduce((b, l) => normalizeDocument(JSON.parse(l), ctx(), b), emptyBatch());
    assert.deepEqual(total, want);
    assert.ok(total.events.length > 0 && total.metrics.length > 0);
  });

  it('reads a pretty-printed single document and a pretty-printed top-level array', async () => {
    const single = join(dir, 'claude.json');
    await writeFile(single, await fixtureText('otlp/claude-code-logs-js.json'));
    assert.equal((await readAll(single)).total.events.length, 6);
    const array = join(dir, 'litellm.json');
    await writeFile(array, await fixtureText('litellm/payloads-json-array.json'));
    const { total } = await readAll(array);
    assert.equal(total.events.length, 4);
    assert.equal(total.rejects.length, 0);
  });

  it('streams a large top-level array in bounded batches, dead-lettering an oversized or broken element', async () => {
    const one = (i: number) =>
      JSON.stringify({
        timestamp: 1767607200 + i,
        kind: 'request',
        event_id: `e${i}`,
        model: 'gpt-4o',
        tokens_in: i,
        tokens_out: 1,
        attrs: { note: 'x]},{"y":"' },
      });
    const items = Array.from({ length: 2500 }, (_, i) => one(i));
    items[10] = JSON.stringify({ timestamp: 1767607200, kind: 'request', attrs: { big: 'z'.repeat(5000) } });
    items[20] = '{"timestamp": 1767607200, "kind": tru}';
    const file = join(dir, 'big.json');
    await writeFile(file, `[\n  ${items.join(',\n  ')}\n]\n`);
    const { total, batches } = await readAll(file, { batchSize: 500, maxValueChars: 1000 });
    assert.equal(total.events.length, 2498);
    assert.equal(total.rejects.length, 2);
    assert.match(total.rejects[0]!.reason, /big\.json:12: JSON value longer than 1000 characters/);
    assert.match(total.rejects[1]!.reason, /big\.json:22: invalid JSON/);
    assert.ok(batches.length >= 5);
    for (const b of batches) assert.ok(b.events.length + b.rejects.length <= 500);
  });

  it('decompresses gzip, and keeps what precedes a truncation', async () => {
    const text = await fixtureText('prodlens/events.ndjson');
    const gz = gzipSync(Buffer.from(text));
    const file = join(dir, 'events.ndjson.gz');
    await writeFile(file, gz);
    assert.equal((await readAll(file)).total.events.length, text.trim().split('\n').length);

    const big = Array.from(
      { length: 2000 },
      (_, i) => `{"timestamp":${1767607200 + i},"kind":"request","event_id":"g${i}","attrs":{"pad":"${'p'.repeat(200)}${i}"}}`,
    ).join('\n');
    const cut = join(dir, 'cut.jsonl.gz');
    const full = gzipSync(Buffer.from(big));
    await writeFile(cut, full.subarray(0, Math.floor(full.length / 2)));
    const { total } = await readAll(cut);
    assert.ok(total.events.length > 0 && total.events.length < 2000);
    assert.ok(total.rejects.some((r) => /gzip data is corrupt or truncated/.test(r.reason)));
  });

  it('dead-letters an over-long line and continues', async () => {
    const file = join(dir, 'long.ndjson');
    await writeFile(file, `{"timestamp":1767607200,"kind":"request","attrs":{"a":"${'x'.repeat(3000)}"}}\n{"timestamp":1767607200,"kind":"tool"}\n`);
    const { total } = await readAll(file, { maxLineChars: 1000 });
    assert.equal(total.events.length, 1);
    assert.match(total.rejects[0]!.reason, /long\.ndjson:1: line longer than 1000 characters/);
  });

  it('reads text that is not JSON as lines of dead letters, and an empty file as nothing', async () => {
    const file = join(dir, 'notes.json');
    await writeFile(file, 'hello\n{"timestamp":1767607200,"kind":"tool"}\n');
    const { total } = await readAll(file);
    assert.equal(total.events.length, 1);
    assert.match(total.rejects[0]!.reason, /notes\.json:1: invalid JSON/);
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '');
    assert.equal((await readAll(empty)).batches.length, 0);
  });

  it('throws a clear error for a missing file', async () => {
    await assert.rejects(readAll(join(dir, 'nope.json')), /cannot read .*nope\.json/);
  });

  it('lists folders recursively, keeping import extensions, skipping hidden folders, keeping named files', async () => {
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await mkdir(join(dir, '.git'));
    for (const f of ['a/x.json', 'a/b/y.jsonl', 'a/b/z.ndjson.gz', 'a/b/w.json.gz', 'a/readme.md', '.git/h.json', 'top.ndjson', 'named.txt'])
      await writeFile(join(dir, f), '');
    await symlink(join(dir, 'a'), join(dir, 'loop'));
    const files = await listImportFiles([dir, join(dir, 'named.txt'), join(dir, 'top.ndjson')]);
    assert.deepEqual(files, [
      join(dir, 'a', 'b', 'w.json.gz'),
      join(dir, 'a', 'b', 'y.jsonl'),
      join(dir, 'a', 'b', 'z.ndjson.gz'),
      join(dir, 'a', 'x.json'),
      join(dir, 'top.ndjson'),
      join(dir, 'named.txt'),
    ]);
    await assert.rejects(listImportFiles([join(dir, 'missing')]), /cannot read .*missing: no such file or folder/);
  });
});
