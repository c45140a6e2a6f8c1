/**
 * The bare reference for the import benchmark: read the same NDJSON file line by line, `JSON.parse`, map
 * to event rows with no validation, coercion or hashing beyond a natural key, and upsert into
 * better-sqlite3 with the same `sessions` table and indexes as ProdLens, then close (which persists).
 * Usage: tsx bench/reference-import.ts <format> <file> <db>; prints JSON {rows, ms, maxRssMb}.
 */
import Database from 'better-sqlite3';
import { createReadStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MIGRATIONS } from '../src/core/store/schema';
import { EVENT_COLUMNS } from '../src/core/store/schema';

type Row = Record<string, unknown>;

function attrs(list: Array<{ key: string; value: Record<string, unknown> }>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const kv of list) {
    const v = kv.value;
    o[kv.key] = v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
  }
  return o;
}

function* rows(format: string, doc: any): Generator<Row> {
  if (format === 'otlp') {
    for (const rl of doc.resourceLogs)
      for (const sl of rl.scopeLogs)
        for (const lr of sl.logRecords) {
          const a = attrs(lr.attributes);
          const ms = Number(BigInt(lr.timeUnixNano) / 1_000_000n);
          const ti = Number(a.input_tokens),
            to = Number(a.output_tokens);
          yield {
            session_id: a['session.id'],
            developer_id: a['user.email'],
            timestamp: new Date(ms).toISOString(),
            model: a.model,
            tokens_in: ti,
            tokens_out: to,
            latency_ms: Number(a.duration_ms),
            event_date: new Date(ms).toISOString().slice(0, 10),
            total_tokens: ti + to,
            cost_usd: Number(a.cost_usd),
            trace_hash: `${a['session.id']}:${a['event.sequence']}`,
            source: 'claude-code-otel',
            kind: 'request',
            cache_read_tokens: Number(a.cache_read_tokens),
            cache_write_tokens: Number(a.cache_creation_tokens),
            cost_source: 'reported',
            ts_ms: ms,
          };
        }
  } else if (format === 'litellm') {
    const ms = Math.floor(doc.startTime * 1000);
    yield {
      session_id: doc.trace_id,
      developer_id: doc.metadata?.user_api_key_user_email,
      timestamp: new Date(ms).toISOString(),
      model: doc.model,
      tokens_in: doc.prompt_tokens,
      tokens_out: doc.completion_tokens,
      latency_ms: (doc.endTime - doc.startTime) * 1000,
      event_date: new Date(ms).toISOString().slice(0, 10),
      total_tokens: doc.total_tokens,
      cost_usd: doc.response_cost,
      trace_hash: doc.id,
      source: 'litellm',
      kind: 'request',
      cost_source: 'reported',
      ts_ms: ms,
    };
  } else {
    const ms = Date.parse(doc.timestamp);
    yield {
      ...doc,
      event_date: doc.timestamp.slice(0, 10),
      total_tokens: doc.tokens_in + doc.tokens_out,
      trace_hash: doc.event_id,
      source: 'prodlens',
      cost_source: 'reported',
      ts_ms: ms,
      event_id: undefined,
    };
  }
}

async function main() {
  const [format, file, dbPath] = process.argv.slice(2) as [string, string, string];
  rmSync(dbPath, { force: true });
  const started = performance.now();
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.exec(MIGRATIONS[0]!);
  const cols = EVENT_COLUMNS.filter((c) => c !== 'attrs');
  const upsert = db.prepare(
    `INSERT INTO sessions (${cols.join(', ')}, ingested_at) VALUES (${cols.map((c) => '@' + c).join(', ')}, @ingested_at)
     ON CONFLICT(trace_hash) DO UPDATE SET ${cols
       .filter((c) => c !== 'trace_hash')
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}`,
  );
  const now = new Date().toISOString();
  let batch: Row[] = [];
  let n = 0;
  const flush = db.transaction((items: Row[]) => {
    for (const r of items) {
      const p: Row = { ingested_at: now };
      for (const c of cols) p[c] = r[c] ?? null;
      upsert.run(p);
    }
  });
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    for (const r of rows(format, JSON.parse(line))) {
      batch.push(r);
      n++;
    }
    if (batch.length >= 5000) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  db.close();
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ rows: n, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
