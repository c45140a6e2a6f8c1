import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileFunction } from 'node:vm';
import type { Database, SqlJsStatic } from 'sql.js';

/**
 * Reaches into sql.js's in-memory file system (Emscripten MEMFS), which sql.js does not export: the file a
 * database lives in, its bytes, and the write operation all MEMFS files share. Added to the module by
 * `SQLJS_PATCHES`; absent if sql.js was loaded some other way (then snapshots fall back to `db.export()`).
 */
export interface MemfsAccess {
  /** The MEMFS node of a database's file (`db.filename`). */
  node(db: Database): MemfsNode;
  /**
   * The node's backing array; its first `used(node)` bytes are the file. A new view of the same (resizable)
   * buffer after the file grows, a new buffer only when the file is truncated or moves out of a fixed one.
   */
  contents(node: MemfsNode): Uint8Array | null;
  used(node: MemfsNode): number;
  /** The stream operations object shared by every MEMFS file (its `write` sees every write to any file). */
  streamOps(node: MemfsNode): MemfsStreamOps;
}
export type MemfsNode = object & { readonly __memfsNode?: never };
export type MemfsWrite = (stream: { node: MemfsNode }, buffer: Uint8Array, offset: number, length: number, position: number, canOwn?: boolean) => number;
export interface MemfsStreamOps {
  write: MemfsWrite;
}
export type PatchedSqlJs = SqlJsStatic & { prodlensMemfs?: MemfsAccess };

/**
 * Edits to sql.js 1.16's `dist/sql-wasm.js` (minified: MEMFS's node fields are `Ua` contents, `Wa` used
 * bytes, `Qa` stream operations; `B` is FS.lookupPath). Each `from` must occur exactly once and each
 * `witness` at least once (it shows the minified names mean what the patch assumes), else loading fails
 * with a message naming the edit: a sql.js upgrade must revisit them (a unit test loads them).
 */
export const SQLJS_PATCHES: readonly { why: string; from: string; to: string; witness?: string }[] = [
  {
    // The in-memory file grows by 12.5% at a time above 1 MiB, each time into a new array the whole file is
    // copied to: a bulk import writing a 500 MiB database allocated and copied ~9x its size in fresh
    // buffers, and fresh memory is what costs most on the machines measured (page faults; bench/README.md);
    // on the extension host one such copy of a 500 MiB file blocked the event loop 1.4 s. The file now
    // lives in a resizable ArrayBuffer (address space reserved up to 4 GiB, pages committed as they are
    // written) that grows in place: no copy, no second array. A file whose array is not resizable (sql.js's
    // first write) moves once into a resizable one.
    why: 'MEMFS files grow in place',
    from: 'm>=g||(g=Math.max(g,m*(m<1048576?2:1.125)>>>0),m&&(g=\nMath.max(g,256)),m=a.Ua.subarray(0,a.Wa),a.Ua=new Uint8Array(g),a.Ua.set(m))',
    to: 'm>=g||(g=Math.max(g,m*2>>>0),m&&(g=Math.max(g,256)),a.Ua.byteOffset===0&&a.Ua.buffer.resizable&&a.Ua.buffer.maxByteLength>=g?(a.Ua.buffer.resize(g),a.Ua=new Uint8Array(a.Ua.buffer)):(m=a.Ua.subarray(0,a.Wa),a.Ua=new Uint8Array(new ArrayBuffer(g,{maxByteLength:4294967296})),a.Ua.set(m)))',
  },
  {
    // `new Database(bytes)` copies the snapshot into the in-memory file; take the caller's buffer instead
    // (Store.open reads it for this alone), so opening a 500 MiB database holds it once, not twice.
    why: 'open adopts the caller buffer',
    from: 'jc(d,b,0,b.length,0)',
    to: '(d.node.Ua=b,d.node.Wa=b.length,d.node.mtime=d.node.ctime=Date.now())',
    witness: 'write(a,b,d,c,e,g){b.buffer===v.buffer&&(g=!1);if(!c)return 0;a=a.node;a.mtime=a.ctime=Date.now();if(g)a.Ua=b.subarray(d,d+c),a.Wa=c;',
  },
  {
    // Copy-on-write snapshots (snapshot.ts) read the live database file in slices instead of `db.export()`,
    // which copies the whole database in one step on the event loop (seconds at 1M events).
    why: 'MEMFS access for copy-on-write snapshots',
    from: 'k.Database=g}',
    to: 'k.Database=g;k.prodlensMemfs={node:function(db){return B("/"+db.filename).node},contents:function(n){return n.Ua},used:function(n){return n.Wa},streamOps:function(n){return n.Qa}}}',
    witness: 'var r=B(f).node,u=null,w=r.Qa.write;',
  },
  {
    // Binding a string measured its UTF-8 length twice (a codePointAt loop each time) before encoding it: a
    // third of a bulk insert's binding time, ~17 strings a sessions row. ASCII strings (ids, hashes, dates,
    // names) are now copied in one charCodeAt pass; any other string takes sql.js's own path.
    why: 'strings bind in one pass',
    from: 'c.prototype.Cb=function(f,h){h==null&&(h=this.Ta,this.Ta+=1);var p=fa(f);this.rb.push(p);this.db.handleError(uc(this.Va,h,p,l(f),0))}',
    to: 'c.prototype.Cb=function(f,h){h==null&&(h=this.Ta,this.Ta+=1);var n=f.length,p=da(n+1),w=0;for(;w<n;w++){var q=f.charCodeAt(w);if(q>127)break;E[p+w]=q}if(w<n){ea(p);p=fa(f);w=l(f)}this.rb.push(p);this.db.handleError(uc(this.Va,h,p,w,0))}',
    witness: 'fa=a=>{var b=l(a)+1,d=da(b);d&&L(a,E,d,b);return d}',
  },
];

/** Applies SQLJS_PATCHES to the text of `sql-wasm.js`; throws naming the first edit that no longer fits. */
export function patchSqlJs(text: string, file = 'sql-wasm.js'): string {
  let out = text;
  for (const p of SQLJS_PATCHES) {
    if (out.split(p.from).length !== 2)
      throw new Error(`sql.js patch "${p.why}": "${p.from}" not found exactly once in ${file}; sql.js changed, update SQLJS_PATCHES`);
    if (p.witness && !out.includes(p.witness))
      throw new Error(`sql.js patch "${p.why}": "${p.witness}" not found in ${file}; sql.js changed, update SQLJS_PATCHES`);
    out = out.replace(p.from, p.to);
  }
  return out;
}

/** Address space reserved for a database file's resizable buffer (sql.js's WASM cannot address more). */
export const MEMFS_FILE_RESERVE = 4 * 1024 * 1024 * 1024;

/**
 * An array for a database file of `size` bytes that MEMFS grows in place (see SQLJS_PATCHES): opening a
 * snapshot reads into one, so the first write past its end does not copy the database.
 */
export function growableFileBytes(size: number): Uint8Array {
  const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
  return new Uint8Array(new Resizable(size, { maxByteLength: Math.max(size, MEMFS_FILE_RESERVE) }));
}

/**
 * Loads sql.js on first use: its JavaScript (`sql-wasm.js`, patched as above, the same way under tests and
 * in the bundles, which ship it unbundled beside themselves; esbuild.mjs) and its WASM. The files' existence
 * is checked first: sql.js aborts the whole process when it cannot find its WASM, even if the init promise
 * is caught (MEASURED.md).
 */
export class SqlJsLoader {
  private loading: Promise<PatchedSqlJs> | undefined;

  constructor(
    private readonly wasmPath: string = defaultWasmPath('sql-wasm.wasm', 'sql.js/dist/sql-wasm.wasm'),
    private readonly jsPath: string = defaultWasmPath('sql-wasm.js', 'sql.js/dist/sql-wasm.js'),
  ) {}

  load(): Promise<PatchedSqlJs> {
    this.loading ??= this.init();
    return this.loading;
  }

  private async init(): Promise<PatchedSqlJs> {
    for (const file of [this.wasmPath, this.jsPath]) {
      if (!existsSync(file)) throw new Error(`sql.js file not found at ${file}; reinstall ProdLens or run npm run build`);
    }
    const wasmBinary = readFileSync(this.wasmPath);
    const init = compileSqlJs(this.jsPath);
    const buffer = wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer;
    return (await init({ wasmBinary: buffer })) as PatchedSqlJs;
  }
}

/** Evaluates the patched `sql-wasm.js` as the CommonJS module it is and returns its init function. */
function compileSqlJs(jsPath: string): (config: { wasmBinary: ArrayBuffer }) => Promise<SqlJsStatic> {
  const source = patchSqlJs(readFileSync(jsPath, 'utf8'), jsPath);
  const module = { exports: {} as unknown };
  // Compiled as Node compiles a CommonJS file (its own name in stack traces), from the package's own text.
  const factory = compileFunction(source, ['module', 'exports', 'require', '__filename', '__dirname'], { filename: jsPath }) as (...args: unknown[]) => void;
  factory(module, module.exports, require, jsPath, path.dirname(jsPath));
  return module.exports as (config: { wasmBinary: ArrayBuffer }) => Promise<SqlJsStatic>;
}

/**
 * A file shipped next to the running bundle (`dist/<name>`), else resolved from node_modules (tests, tsx).
 */
export function defaultWasmPath(fileName: string, packagePath: string): string {
  const beside = path.join(__dirname, fileName);
  if (existsSync(beside)) return beside;
  try {
    return require.resolve(packagePath);
  } catch {
    return beside;
  }
}
