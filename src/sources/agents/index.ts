/**
 * Zero-setup capture from agents' own history files (Cline, Roo Code, Kilo Code, Gemini CLI, Copilot CLI):
 * the entry points the CLI, `prodlens import` and the extension use. See docs/sources.md.
 */
export { HISTORY_SOURCE, type HistoryAgent, type HistoryFile } from './kinds';
export { historyRoots, listHistoryRoot, resolveHistoryPath, editorGlobalStorage, EXTENSION_IDS, type HistoryRoot, type HistoryLocationEnv } from './locations';
export { scanHistories, scanHistoryFiles, collectHistoryFiles, type HistoryScanOptions, type HistoryScanSummary } from './scan';
