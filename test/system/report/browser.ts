/**
 * Browser side of the report tests: Debian's chromium driven by playwright-core (never a downloaded
 * browser), the real page bundle built with the project's own esbuild options, a watcher for console
 * errors and CSP violations, theme switching the way VS Code does it, and colour-contrast reading.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { THEME_BODY_CLASS, THEMES, type ThemeName } from '../../../src/webview/shared/default-theme';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'report');
export const CHROMIUM = '/usr/bin/chromium';

/** Flags from /work/shared/E2E.md. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

let built: Promise<void> | undefined;

/** Builds dist/webview.js and dist/webview.css with the options `npm run build` uses (once per run). */
export function buildPage(): Promise<void> {
  built ??= (async () => {
    const esbuild = await import('esbuild');
    const { webviewOptions } = (await import(pathToFileURL(path.join(ROOT, 'esbuild.mjs')).href)) as {
      webviewOptions: (out?: string, prod?: boolean) => object;
    };
    await esbuild.build({ ...webviewOptions(DIST, false), logLevel: 'error' });
  })();
  return built;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); the report tests need it`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Everything a page reported that a user would count as broken. */
export interface PageProblems {
  console: string[];
  csp: string[];
}

/**
 * Records console errors and warnings, uncaught exceptions and CSP violations (both the DOM event and
 * Chromium's console message) from the first script on.
 */
export async function watch(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { console: [], csp: [] };
  // tsx compiles these test files with esbuild's keepNames, so functions handed to the page (init scripts,
  // evaluate) call esbuild's `__name` helper; give the page a no-op one. The page's own bundle does not use it.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) problems.csp.push(m.text());
    else if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.console.push(`pageerror: ${e.message}`));
  await page.exposeFunction('__reportCspViolation', (v: string) => problems.csp.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return problems;
}

/** Waits until the page has rendered at least `n` times and painted. */
export async function rendered(page: Page, n = 1): Promise<void> {
  await page.waitForFunction((k) => Number(document.body.dataset.renders ?? 0) >= k, n, { timeout: 20_000 });
}

/** Applies a theme the way the VS Code webview host does: variables on <html>, a class on <body>. */
export async function applyTheme(page: Page, theme: ThemeName): Promise<void> {
  const before = await page.evaluate(() => Number(document.body.dataset.chartsDrawn ?? 0));
  await page.evaluate(
    ({ vars, cls, all }) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
      document.body.classList.remove(...all);
      document.body.classList.add(cls);
    },
    { vars: THEMES[theme], cls: THEME_BODY_CLASS[theme], all: Object.values(THEME_BODY_CLASS) },
  );
  if (await page.locator('.chart').count()) await page.waitForFunction((b) => Number(document.body.dataset.chartsDrawn ?? 0) > b, before);
}

/** WCAG contrast ratio between an element's text colour and the first opaque background behind it. */
export async function contrastOf(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
      };
      const fg = rgb(getComputedStyle(el).color);
      let bgEl: Element | null = el;
      let bg = [255, 255, 255];
      while (bgEl) {
        const c = rgb(getComputedStyle(bgEl).backgroundColor);
        if (c.length >= 3 && (c.length === 3 || c[3]! > 0.9)) {
          bg = c;
          break;
        }
        bgEl = bgEl.parentElement;
      }
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      return (a! + 0.05) / (b! + 0.05);
    });
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** Reads a number back from its displayed form (`$1,234.56`, `12.3%`, `1,234 ms`, `−0.12`). */
export function parseShown(text: string): number | null {
  const t = text.trim();
  if (t === '—') return null;
  const n = Number(t.replace(/−/g, '-').replace(/[$,%]|\s*(ms|h)$/g, ''));
  if (Number.isNaN(n)) throw new Error(`not a number on the page: ${JSON.stringify(text)}`);
  return t.endsWith('%') ? n / 100 : n;
}

/** The tolerance a displayed value was rounded to. */
export function shownPrecision(text: string): number {
  const t = text.trim().replace(/\s*(ms|h)$/, '');
  const decimals = t.includes('.') ? t.split('.')[1]!.replace(/\D/g, '').length : 0;
  return (t.endsWith('%') ? 0.01 * 10 ** -decimals : 10 ** -decimals) / 2 + 1e-12;
}

/** Asserts a shown number equals the model's value to the precision it was written with. */
export function sameNumber(shown: string, expected: number | null, what: string): void {
  const v = parseShown(shown);
  if (expected === null || v === null) {
    if (expected !== v) throw new Error(`${what}: page shows ${JSON.stringify(shown)}, model has ${expected}`);
    return;
  }
  if (Math.abs(v - expected) > shownPrecision(shown)) throw new Error(`${what}: page shows ${JSON.stringify(shown)}, model has ${expected}`);
}
