import type { ProdLensServices } from '../services';
import { EditorCapture } from './capture';

export { EditorCapture };

/**
 * What integration tests may use (returned from activate() as `editorCapture`). Read-only plus a wait:
 * `regions()` lists tracked insertions (offsets, state and metadata — no text), `whenIdle()` resolves once
 * pending confirmations have settled and queued measurements are written to the store. Neither changes
 * what is captured or when checkpoints happen.
 */
export interface EditorCaptureApi {
  readonly enabled: boolean;
  regions: EditorCapture['regions'];
  whenIdle(): Promise<void>;
}

/** Starts editor capture (inert until the workspace is trusted and `prodlens.editor.capture` is on). */
export function registerEditorCapture(services: ProdLensServices): EditorCapture {
  return new EditorCapture(services);
}
