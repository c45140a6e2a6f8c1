/**
 * Zero-setup capture from agent transcripts (Claude Code, Codex): the entry points the CLI, `prodlens import`
 * and the extension use. See docs/sources.md.
 */
export { defaultRoots, type TranscriptFile } from './locations';
export { scanTranscripts, scanFiles, collectFiles, warmScanReader, type ScanSummary } from './scan';
export { reconcileOtelCopies, RECONCILE_WINDOW_MS } from './reconcile';
