import type { Database } from 'sql.js';

/**
 * The schema of a database as statements that recreate it: tables, then indexes, then triggers, each in the
 * order SQLite created them (automatic indexes of UNIQUE and PRIMARY KEY constraints come with their tables).
 * Used to generate FRESH_SCHEMA (scripts/fresh-schema.ts) and by the test that keeps it equal to the
 * migrations.
 */
export function schemaStatements(db: Database): string[] {
  const rows = db.exec(
    `SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
     ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`,
  )[0];
  return (rows?.values ?? []).map((r) => String(r[0]));
}
