// Requests from tests in the extension host (see test/integration/support/driver.ts): the test logs a marked
// JSON line, the driver acts on the page and writes `<id>.json` into the shared folder, the test polls for it.
import { renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { say } from './common.mjs';

const actions = {
  /** Screenshot of the whole window into the artifacts folder. */
  async screenshot({ page, request, artifacts }) {
    const base = path.basename(String(request.name ?? `screenshot-${request.id}`)).replace(/[^\w.-]/g, '_');
    const file = path.join(artifacts, base.endsWith('.png') ? base : `${base}.png`);
    await page.screenshot({ path: file, timeout: 15_000 });
    return { path: file, bytes: statSync(file).size };
  },
  /** Rendered text of the first element matching `selector` in the visible webview (two nested iframes). */
  async webviewText({ page, request }) {
    if (typeof request.selector !== 'string' || request.selector === '') throw new Error('selector is required');
    const element = page
      .locator('iframe.webview.ready')
      .filter({ visible: true })
      .first()
      .contentFrame()
      .locator('#active-frame')
      .contentFrame()
      .locator(request.selector)
      .first();
    await element.waitFor({ state: 'attached', timeout: Number(request.timeoutMs) || 15_000 });
    return { text: await element.innerText() };
  },
  /** Clicks the first element matching `selector` in the visible webview, as a person would with the mouse. */
  async webviewClick({ page, request }) {
    if (typeof request.selector !== 'string' || request.selector === '') throw new Error('selector is required');
    const element = page
      .locator('iframe.webview.ready')
      .filter({ visible: true })
      .first()
      .contentFrame()
      .locator('#active-frame')
      .contentFrame()
      .locator(request.selector)
      .first();
    await element.click({ timeout: Number(request.timeoutMs) || 15_000 });
    return { clicked: true };
  },
  /**
   * Elements of the workbench itself (views, status bar, notifications, the walkthrough page) matching
   * `selector`: their rendered text and accessible name, once at least one is visible (at most 200).
   */
  async workbenchElements({ page, request }) {
    if (typeof request.selector !== 'string' || request.selector === '') throw new Error('selector is required');
    const all = page.locator(request.selector);
    await all.first().waitFor({ state: 'visible', timeout: Number(request.timeoutMs) || 15_000 });
    const elements = await all.evaluateAll((nodes) =>
      nodes.slice(0, 200).map((n) => ({ text: n.innerText ?? n.textContent ?? '', ariaLabel: n.getAttribute('aria-label') })),
    );
    return { elements };
  },
  /** Clicks the first visible workbench element matching `selector` (as a person would, with the mouse). */
  async click({ page, request }) {
    if (typeof request.selector !== 'string' || request.selector === '') throw new Error('selector is required');
    const element = page.locator(request.selector).filter({ visible: true }).first();
    await element.click({ timeout: Number(request.timeoutMs) || 15_000 });
    return { clicked: true };
  },
  /** Presses keys on the page (`keys`: Playwright key names, e.g. ["ArrowDown", "Enter"]), one after the other. */
  async press({ page, request }) {
    const keys = Array.isArray(request.keys) ? request.keys.filter((k) => typeof k === 'string') : [];
    if (!keys.length) throw new Error('keys are required');
    for (const key of keys) await page.keyboard.press(key);
    return { pressed: keys.length };
  },
};

/** Parses one request line, performs it and writes the answer; never throws (the test gets the error). */
export async function handleDriverRequest({ page, line, requestsDir, artifacts }) {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    say(`ignored a driver request that is not JSON: ${line.slice(0, 200)}`);
    return;
  }
  if (typeof request?.id !== 'string' || !/^[\w.-]+$/.test(request.id)) {
    say(`ignored a driver request without a valid id: ${line.slice(0, 200)}`);
    return;
  }
  let answer;
  try {
    const action = actions[request.action];
    if (!action) throw new Error(`unknown action ${JSON.stringify(request.action)} (known: ${Object.keys(actions).join(', ')})`);
    answer = { ok: true, result: await action({ page, request, artifacts }) };
  } catch (error) {
    answer = { ok: false, error: String(error?.message ?? error).split('\n')[0] };
  }
  // Write then rename, so the polling test never reads half a file.
  const file = path.join(requestsDir, `${request.id}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(answer));
  renameSync(`${file}.tmp`, file);
}
