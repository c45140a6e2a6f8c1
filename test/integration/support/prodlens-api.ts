import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { Database } from 'sql.js';
import type { ProdLensApi } from '../../../src/extension/extension';
import { extensionId } from './manifest';

/** The store as the tests use it: the same object the running extension writes to (one extension host). */
export type RunningStore = Awaited<ReturnType<ProdLensApi['services']['store']>>;

/** Activates ProdLens (idempotent) and returns the API that activate() returned. */
export async function prodlens(): Promise<ProdLensApi> {
  const extension = vscode.extensions.getExtension<ProdLensApi>(extensionId());
  if (!extension) throw new Error(`${extensionId()} is not installed in this VS Code`);
  return extension.activate();
}

/**
 * The running extension's database, for the tests' own queries. `Store.db` is private to src/core/store; this
 * suite is compiled file by file (no bundling), so it cannot import `rawDatabaseForTests` from src/ and reads
 * the field itself.
 */
export function rawDatabaseForTests(store: RunningStore): Database {
  return (store as unknown as { db: Database }).db;
}

/** Runs a query on the running extension's database; rows as arrays. */
export function rows(store: RunningStore, sql: string, params: Array<string | number> = []): unknown[][] {
  return rawDatabaseForTests(store).exec(sql, params)[0]?.values ?? [];
}

/** The single value of a one-row, one-column query. */
export function scalar(store: RunningStore, sql: string, params: Array<string | number> = []): unknown {
  return rows(store, sql, params)[0]?.[0];
}

/**
 * Polls `probe` until it returns something other than undefined (or false), or fails after `timeoutMs`
 * with `what` and the last value seen. For things the extension does on its own schedule (watchers,
 * debounced refreshes); never a fixed sleep.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  describeLast?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${describeLast ? ` (last seen: ${describeLast()})` : ''}`);
    await sleep(200);
  }
}

/** The open workspace folder (the fixture made by scripts/e2e/fixture.mjs). */
export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** Today's UTC day, the status bar's day. */
export function utcDay(ms = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 10);
}
