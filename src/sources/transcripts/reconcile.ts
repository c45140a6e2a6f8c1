// The OTel/transcript reconciliation is a store operation on sessions rows: see src/core/store/transcript-state-repo.ts.
export { reconcileOtelCopies, RECONCILE_WINDOW_MS } from '../../core/store/transcript-state-repo';
