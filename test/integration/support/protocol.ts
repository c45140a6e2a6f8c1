/**
 * What the extension host and the code-server driver (scripts/e2e/driver.mjs) agree on. The same strings live
 * in scripts/e2e/protocol.mjs; test/unit/e2e/protocol.test.ts keeps the two copies equal.
 */
export const OUTPUT_MARKER = '@@prodlens-test ';
/** Starts a line asking the driver to act on the page; a JSON {@link DriverRequest} follows. */
export const REQUEST_MARKER = '@@prodlens-driver ';
/** Names the folder where the driver writes `<id>.json` answers; set only when the driver runs the suite. */
export const DRIVER_DIR_ENV = 'PRODLENS_E2E_DRIVER_DIR';

/** Actions the driver performs on the page for a test. */
export type DriverAction = 'screenshot' | 'webviewText' | 'webviewClick' | 'workbenchElements' | 'click' | 'press';

/** A request line's JSON. */
export interface DriverRequest {
  id: string;
  action: DriverAction;
  /**
   * screenshot: file name under test-artifacts/integration/; webviewText, webviewClick: CSS selector inside the webview;
   * workbenchElements, click: CSS selector in the workbench page.
   */
  name?: string;
  selector?: string;
  /** press: Playwright key names, pressed in order. */
  keys?: string[];
  /** How long the driver waits for the selector to appear (ms). */
  timeoutMs?: number;
}

/** The answer file's JSON: a result or an error, never both. */
export type DriverAnswer<T> = { ok: true; result: T } | { ok: false; error: string };

/** What each action answers. */
export interface DriverResults {
  screenshot: { path: string; bytes: number };
  webviewText: { text: string };
  webviewClick: { clicked: true };
  workbenchElements: { elements: Array<{ text: string; ariaLabel: string | null }> };
  click: { clicked: true };
  press: { pressed: number };
}
