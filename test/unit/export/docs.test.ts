import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATASETS } from '../../../src/core/export/datasets';
import { exportParquet } from '../../../src/core/export/exporter';
import { describeDataset } from '../../../src/core/export/manifest';
import { ParquetWasmLoader } from '../../../src/core/export/node-parquet';
import { tempDir } from '../helpers/events';
import { duck, populatedStore, scalar } from './fixtures';

const DOC = readFileSync(path.resolve('docs/export.md'), 'utf8');

/** The fenced blocks of the doc whose info string is exactly `sql duckdb`. */
function duckdbBlocks(md: string): string[] {
  return [...md.matchAll(/^```sql duckdb\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

/** The column table under `### <dataset>`: [name, type, unit, nullable]. */
function columnTable(md: string, dataset: string): string[][] {
  const section = md.split(/^#{2,3} /m).find((s) => s.startsWith(`${dataset}\n`));
  assert.ok(section, `docs/export.md has a section for ${dataset}`);
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .split('|')
        .slice(1, 5)
        .map((c) => c.trim().replace(/`/g, '')),
    );
}

describe('docs/export.md', () => {
  it('describes every column of every dataset with the exporter’s type, unit and nullability', () => {
    for (const spec of DATASETS) {
      const expected = describeDataset(spec, []).columns.map((c) => [c.name, c.type, c.unit ?? '', c.nullable ? 'yes' : 'no']);
      assert.deepEqual(columnTable(DOC, spec.name), expected, spec.name);
    }
  });

  it('has DuckDB queries that run on real exports from two devices and add them up', async () => {
    const blocks = duckdbBlocks(DOC);
    assert.ok(blocks.length >= 6, `found ${blocks.length} DuckDB queries`);
    const tmp = tempDir('prodlens-docs-');
    const db = await duck();
    const parquet = new ParquetWasmLoader();
    try {
      const root = path.join(tmp.dir, 'exports');
      const stores = [
        await populatedStore({ developer: 'ana@example.com', idPrefix: 'a' }),
        await populatedStore({ developer: 'bo@example.com', idPrefix: 'b' }),
      ];
      for (const [i, s] of stores.entries())
        await exportParquet(s, { outDir: path.join(root, ['ana-laptop', 'bo-desktop'][i]!), exporterVersion: 't', parquet });
      const results: unknown[][][] = [];
      for (const sql of blocks) {
        const rows = await db.all(sql.replaceAll("'exports/", `'${root}/`));
        assert.ok(rows.length > 0, `no rows from:\n${sql}`);
        results.push(rows);
      }
      const events = results[0]!.reduce((n, r) => n + Number(r[1]), 0);
      assert.equal(
        events,
        stores.reduce((n, s) => n + scalar(s, 'SELECT count(*) FROM sessions WHERE duplicate_of IS NULL'), 0),
      );
      assert.ok(
        results[0]!.every((r) => Number(r[2]) === 2),
        'both devices on every day',
      );
      // Both devices exported the same commits and pull requests: each is counted once.
      assert.deepEqual(
        results[2]!.map((r) => [r[0], r[1], r[3]]),
        [
          ['acme/api', 1n, 1n],
          ['acme/web', 0n, null],
        ],
      );
      const manifests = results[results.length - 1]!;
      assert.equal(manifests.length, 2);
      for (const s of stores) await s.close();
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
