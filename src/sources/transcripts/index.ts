/**
 * Zero-setup capture from agent transcripts (Claude Code, Codex): the entry points the CLI, `prodlens import`
 * and the extension use. See docs/sources.md.
 */
export { isTranscriptPath, defaultRoots, claudeRoots, codexRoots, type TranscriptFile, type TranscriptRoot } from './locations';
export { scanTranscripts, scanFiles, collectFiles, type ScanOptions, type ScanSummary, type ScanProgress } from './scan';
export { reconcileOtelCopies, RECONCILE_WINDOW_MS } from './reconcile';
