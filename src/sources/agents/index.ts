/**
 * Zero-setup capture from agents' own history files (Cline, Roo Code, Kilo Code, Gemini CLI, Copilot CLI):
 * the entry points the CLI, `prodlens import` and the extension use. See docs/sources.md.
 */
export { HISTORY_SOURCE, type HistoryFile } from './kinds';
export { historyRoots, resolveHistoryPath, type HistoryLocationEnv } from './locations';
export { scanHistories, scanHistoryFiles, collectHistoryFiles, type HistoryScanSummary } from './scan';
export { reconcileHistoryCopies } from './reconcile';
export { geminiTelemetryFiles, sniffTelemetryFile } from './locations';
export type { AttributeHook } from './kinds';
