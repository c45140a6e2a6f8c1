import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildReport } from '../../../src/core/report/build';
import { DEFINITIONS, SERIES_INFO } from '../../../src/core/report/definitions';
import { prices } from '../helpers/events';
import { fixtureNow, fixtureStore } from './fixture';

/** docs/report.md is the reference of `report --json`: it must keep up with the model. */
describe('docs/report.md', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/report.md'), 'utf8');

  it('carries every definition and series description the report shows', () => {
    for (const [key, text] of Object.entries(DEFINITIONS)) assert.ok(doc.includes(`**${key}** — ${text}`), `definition ${key}`);
    for (const s of SERIES_INFO) assert.ok(doc.includes(`| \`${s.key}\` | ${s.label} | ${s.unit} | ${s.family} | ${s.description} |`), `series ${s.key}`);
  });

  it('documents every field of the JSON model', async () => {
    const store = await fixtureStore({ lastDay: '2026-06-30', days: 20 });
    const m = buildReport(store, {}, { prices, nowMs: fixtureNow('2026-06-30') });
    await store.close();
    const fields = new Set<string>();
    const walk = (prefix: string, v: unknown, depth: number) => {
      if (v === null || typeof v !== 'object' || depth > 2) return;
      const obj = Array.isArray(v) ? v[0] : v;
      if (!obj || typeof obj !== 'object') return;
      for (const [k, child] of Object.entries(obj)) {
        if (prefix === 'series.' || prefix === 'definitions.') continue; // keyed by series / definition name
        fields.add(k);
        walk(`${prefix}${k}.`, child, depth + 1);
      }
    };
    walk('', m, 0);
    for (const f of fields) assert.match(doc, new RegExp(`\`[^\`]*\\b${f}\\b[^\`]*\``), `field ${f} is not documented`);
  });
});
