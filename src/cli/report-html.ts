/**
 * The standalone report: one HTML file with the same renderer and stylesheet as the webview inlined, the
 * report models as JSON data, and a CSP that allows exactly that inline script and style (by SHA-256 hash)
 * and nothing else — no network, no other inline code. Opens in any browser.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { standaloneThemeCss } from '../webview/shared/default-theme';
import { escapeAttr } from '../webview/shared/page-html';
import type { StandaloneData } from '../webview/shared/protocol';

export interface WebviewAssets {
  script: string;
  css: string;
}

/**
 * The bundled page (dist/webview.js and dist/webview.css): beside the CLI bundle when installed, or in the
 * project's dist/ when run from source. Null when it was never built.
 */
export function findWebviewAssets(dirs: string[] = [__dirname, path.join(__dirname, '..', '..', 'dist')]): WebviewAssets | null {
  for (const dir of dirs) {
    const js = path.join(dir, 'webview.js');
    const css = path.join(dir, 'webview.css');
    if (existsSync(js) && existsSync(css)) {
      // The linked source map comment would make browsers fetch a file the CSP forbids; drop it.
      const script = readFileSync(js, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
      const style = readFileSync(css, 'utf8').replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, '');
      return { script, css: style };
    }
  }
  return null;
}

/** JSON that can sit inside a `<script>` element: `<` is escaped, so `</script>` in data cannot end it. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function standaloneHtml(data: StandaloneData, assets: WebviewAssets, title: string): string {
  const style = `${standaloneThemeCss()}\n${assets.css}`;
  // Code cannot be escaped the way data can; a bundle containing these sequences would break the page.
  if (/<\/script|<!--/i.test(assets.script)) throw new Error('the webview bundle contains "</script" or "<!--" and cannot be inlined');
  if (/<\/style/i.test(style)) throw new Error('the webview stylesheet contains "</style" and cannot be inlined');
  const csp = ["default-src 'none'", `style-src ${sha256(style)}`, `script-src ${sha256(assets.script)}`, "base-uri 'none'", "form-action 'none'"].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="prodlens report --html">
<title>${escapeAttr(title)}</title>
<style>${style}</style>
</head>
<body>
<main id="app"></main>
<script type="application/json" id="prodlens-data">${scriptSafeJson(data)}</script>
<script>${assets.script}</script>
</body>
</html>
`;
}
