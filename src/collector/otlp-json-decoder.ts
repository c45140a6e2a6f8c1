import protobuf from 'protobufjs';

type Json = Record<string, unknown>;
type Reader = protobuf.Reader;
type MessageDecoder = (r: Reader, end: number) => Json;

/** Fields whose bytes are ids, written as lowercase hex in the OTLP/JSON mapping (others are base64). */
const HEX_IDS = new Set(['traceId', 'spanId', 'parentSpanId']);

const TWO_32 = 4294967296;

/** A fixed64/sfixed64 as its exact decimal string (nanosecond times exceed 2^53). */
function fixed64String(r: Reader, signed: boolean): string {
  const lo = r.fixed32();
  const hi = r.fixed32();
  if (hi < 0x200000) return String(hi * TWO_32 + lo); // below 2^53: exact as a number
  let v = (BigInt(hi) << 32n) | BigInt(lo);
  if (signed && hi >= 0x80000000) v -= 1n << 64n;
  return v.toString();
}

/**
 * A varint int64/uint64: a number when exactly representable (as the OTel JS JSON exporter writes it), else
 * a decimal string. Values below 2^49 (seven bytes: token counts, durations, sequence numbers) are read
 * without allocating; longer ones (large or negative) go through protobufjs's exact 64-bit path.
 */
function varint64(r: Reader, unsigned: boolean): number | string {
  const buf = r.buf;
  let pos = r.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7 && pos < r.len; i++) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      r.pos = pos;
      return value;
    }
    scale *= 128;
  }
  const l = (unsigned ? r.uint64() : r.int64()) as unknown as number | { low: number; high: number; toString(): string };
  if (typeof l === 'number') return l;
  const hi = l.high;
  if (hi >= -0x200000 && hi < 0x200000 && !(unsigned && hi < 0)) return hi * TWO_32 + (l.low >>> 0);
  return l.toString();
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const base64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');

/** The wire type a field's values use (2 = length-delimited, 0 = varint, 1 = 64-bit, 5 = 32-bit). */
function wireType(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Type) return 2;
  switch (field.type) {
    case 'string':
    case 'bytes':
      return 2;
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return 1;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return 5;
    default:
      return 0;
  }
}

/**
 * Decodes OTLP protobuf straight into the OTLP/JSON mapping: camelCase names, ids as hex, other bytes as
 * base64, fixed64 times as decimal strings, enums as integers, unknown fields skipped, wrong wire types and
 * overruns rejected. The decoders are generated from the schema's protobufjs reflection (one function per
 * message type, as protobufjs itself does) and read with protobufjs's wire `Reader`: one pass, no message
 * objects, static property names, so the result is as fast to build and to read as `JSON.parse` output.
 */
export class OtlpJsonDecoder {
  private readonly decoders = new Map<protobuf.Type, MessageDecoder>();

  constructor(private readonly root: protobuf.Root) {}

  /** Decodes a whole message of `typeName`; throws on malformed input. */
  decode(typeName: string, buf: Uint8Array): Json {
    const r = protobuf.Reader.create(buf);
    return this.decoderFor(this.root.lookupType(typeName))(r, buf.length);
  }

  private decoderFor(type: protobuf.Type): MessageDecoder {
    const known = this.decoders.get(type);
    if (known) return known;
    // A slot filled after generation, so recursive types (AnyValue ↔ ArrayValue) resolve.
    const nested: MessageDecoder[] = [];
    let impl: MessageDecoder | undefined;
    const d: MessageDecoder = (r, end) => impl!(r, end);
    this.decoders.set(type, d);
    impl = this.generate(type, nested);
    this.decoders.set(type, impl);
    return impl;
  }

  private generate(type: protobuf.Type, nested: MessageDecoder[]): MessageDecoder {
    const cases: string[] = [];
    const ids: number[] = [];
    for (const field of type.fieldsArray) {
      field.resolve();
      const key = JSON.stringify(field.name);
      const wire = wireType(field);
      let read: string;
      if (field.resolvedType instanceof protobuf.Type) {
        nested.push(this.decoderFor(field.resolvedType));
        read = `sub(r, N[${nested.length - 1}])`;
      } else {
        read = scalarRead(field);
      }
      ids.push(field.id);
      if (!field.repeated) {
        cases.push(`case ${(field.id << 3) | wire}: o[${key}] = ${read}; break;`);
        continue;
      }
      cases.push(`case ${(field.id << 3) | wire}: (o[${key}] || (o[${key}] = [])).push(${read}); break;`);
      if (wire !== 2) {
        // Packed repeated scalars (proto3's default encoding).
        cases.push(
          `case ${(field.id << 3) | 2}: { const a = o[${key}] || (o[${key}] = []); const e = r.uint32() + r.pos; if (e > r.len) throw new Error('field ${field.name} overruns the buffer'); while (r.pos < e) a.push(${read}); break; }`,
        );
      }
    }
    const body = `
      const o = {};
      while (r.pos < end) {
        const t = r.uint32();
        switch (t) {
          ${cases.join('\n          ')}
          default:
            if (KNOWN.has(t >>> 3)) throw new Error('field ' + (t >>> 3) + ' of ${type.name} has the wrong wire type ' + (t & 7));
            r.skipType(t & 7);
        }
      }
      if (r.pos !== end) throw new Error('message ${type.name} overruns its length');
      return o;`;
    // oxlint-disable-next-line typescript/no-implied-eval -- decoders compiled once per message type from the bundled schema (no input text), for speed
    const make = new Function('N', 'KNOWN', 'sub', 'F64', 'V64', 'HEX', 'B64', `return function decode${type.name}(r, end) {${body}\n}`) as (
      ...a: unknown[]
    ) => MessageDecoder;
    return make(nested, new Set(ids), sub, fixed64String, varint64, hex, base64);
  }
}

function sub(r: Reader, d: MessageDecoder): Json {
  const end = r.uint32() + r.pos;
  if (end > r.len) throw new Error('a nested message overruns the buffer');
  return d(r, end);
}

/** The generated expression reading one scalar value of `field`. */
function scalarRead(field: protobuf.Field): string {
  switch (field.type) {
    case 'string':
      return 'r.string()';
    case 'bytes':
      return HEX_IDS.has(field.name) ? 'HEX(r.bytes())' : 'B64(r.bytes())';
    case 'bool':
    case 'double':
    case 'float':
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
      return `r.${field.type}()`;
    case 'fixed64':
      return 'F64(r, false)';
    case 'sfixed64':
      return 'F64(r, true)';
    case 'int64':
      return 'V64(r, false)';
    case 'uint64':
      return 'V64(r, true)';
    default:
      throw new Error(`unsupported field type ${field.type} (${field.name})`);
  }
}
