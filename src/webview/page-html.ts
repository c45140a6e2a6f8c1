/**
 * The HTML shell of the report page inside a webview (the panel host and the test harness use it). The
 * CSP allows only the bundle carrying the nonce, stylesheets and images from the extension's own resource
 * origin (`cspSource`), nothing inline and no network. No DOM, no `vscode`.
 */

export interface WebviewPageOptions {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** Fresh per page load. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** VS Code's display language (`vscode.env.language`): numbers and days are written for it. */
  locale?: string;
}

export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function webviewHtml(o: WebviewPageOptions): string {
  return `<!DOCTYPE html>
<html lang="${escapeAttr(o.locale || 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(webviewCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
<title>ProdLens report</title>
</head>
<body>
<main id="app"></main>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** A nonce from a cryptographic source (Web Crypto exists in Node 20 and browsers). */
export function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}
