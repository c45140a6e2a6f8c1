/**
 * `import()` of an ES module outside the bundle (DuckDB's `@duckdb/node-api`). The CLI's entry compiles
 * its main bundle through `vm.Script` from a V8 code cache (src/cli/code-cache.ts), and Node 20 gives a
 * script compiled that way no loader for its own `import()` ("A dynamic import callback was not
 * specified"): the entry, compiled the ordinary way, hands in an importer of its own (`setEsmImporter`).
 * Elsewhere (the extension, tests from source) the module's own `import()` is used.
 */
type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

export function setEsmImporter(f: Importer): void {
  importer = f;
}

export function importEsm<T>(specifier: string): Promise<T> {
  return importer(specifier) as Promise<T>;
}
