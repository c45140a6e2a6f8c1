import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The store boundary (issue 15): SQL and the sql.js database live in src/core/store only. `Store.db` is
 * private (the type checks enforce that); this scan catches the rest — SQL statements in other files, sql.js
 * imports, and the store-internal accessor (`databaseOf`, `rawDatabaseForTests`) used outside the store.
 * The team's DuckDB SQL over the exported lake lives there too (src/core/store/team-lake-sql.ts).
 */

const ROOT = path.resolve(__dirname, '../../..');
const STORE_DIR = 'src/core/store/';

/** SQL statements as the code base writes them (upper-case keywords). */
const SQL_STATEMENT =
  /\b(?:SELECT\s+(?:DISTINCT\s+)?[\w*(]|INSERT\s+(?:OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(?:TEMP\s+|UNIQUE\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\b|DROP\s+(?:TABLE|INDEX|VIEW|TRIGGER)\b|PRAGMA\s+\w+|SAVEPOINT\s+\w+|RELEASE\s+\w+|BEGIN\s+TRANSACTION\b)/;
const SQLJS_IMPORT = /from\s+['"]sql\.js['"]|require\(\s*['"]sql\.js['"]\s*\)|import\(\s*['"]sql\.js['"]\s*\)/;
const STORE_INTERNALS = /\b(?:databaseOf|rawDatabaseForTests)\b|['"][./]*(?:core\/)?store\/database-of['"]/;
const PREPARED = /\.prepare\(/;

/** What is wrong with one file's text, as `line: reason` (empty when nothing). */
function boundaryViolations(relPath: string, text: string): string[] {
  if (relPath.startsWith(STORE_DIR)) return [];
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const at = `${relPath}:${i + 1}`;
    if (SQLJS_IMPORT.test(line)) out.push(`${at}: imports sql.js (only src/core/store may)`);
    if (STORE_INTERNALS.test(line)) out.push(`${at}: uses the store's database accessor (only src/core/store may)`);
    if (SQL_STATEMENT.test(line)) out.push(`${at}: SQL statement outside src/core/store (move it into a repository there)`);
    if (PREPARED.test(line)) out.push(`${at}: prepares a statement outside src/core/store`);
  });
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(?:ts|tsx|mts|cts|js|mjs|cjs)$/.test(e.name)) out.push(rel);
  }
  return out;
}

describe('store boundary: no SQL outside src/core/store', () => {
  it('finds no SQL, sql.js import or database accessor in src/ outside src/core/store', () => {
    const files = sourceFiles('src');
    assert.ok(files.length > 100, `expected the source tree, found ${files.length} files`);
    assert.ok(files.some((f) => f.startsWith(STORE_DIR)));
    const violations = files.flatMap((f) => boundaryViolations(f, readFileSync(path.join(ROOT, f), 'utf8')));
    assert.deepEqual(violations, [], `SQL belongs in a repository in src/core/store:\n${violations.join('\n')}`);
  });

  it('names the file and line of each kind of violation, and lets the store be', () => {
    const text = [
      "import type { Database } from 'sql.js';",
      "const rows = db.exec('SELECT trace_hash FROM sessions WHERE day = ?', [d]);",
      "db.run('INSERT OR IGNORE INTO dirty_days (event_date) VALUES (?)', [d]);",
      '`UPDATE commits SET unreachable_at = ? WHERE sha = ?`',
      "db.run('DELETE FROM pr_events WHERE number = ?');",
      "import { databaseOf } from '../core/store/database-of';",
      'const stmt = db.prepare(sql);',
      '// Selects the newest row; updates nothing. A regexp: /^(\\d+)/.exec(line)',
    ].join('\n');
    assert.deepEqual(boundaryViolations('src/sources/example.ts', text), [
      'src/sources/example.ts:1: imports sql.js (only src/core/store may)',
      'src/sources/example.ts:2: SQL statement outside src/core/store (move it into a repository there)',
      'src/sources/example.ts:3: SQL statement outside src/core/store (move it into a repository there)',
      'src/sources/example.ts:4: SQL statement outside src/core/store (move it into a repository there)',
      'src/sources/example.ts:5: SQL statement outside src/core/store (move it into a repository there)',
      "src/sources/example.ts:6: uses the store's database accessor (only src/core/store may)",
      'src/sources/example.ts:7: prepares a statement outside src/core/store',
    ]);
    assert.deepEqual(boundaryViolations('src/core/store/usage-reader.ts', text), []);
    assert.equal(boundaryViolations('src/core/team/run.ts', "await con.run('SELECT 1 FROM team_developers');").length, 1);
  });
});
