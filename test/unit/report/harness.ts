/**
 * A stand-in for the VS Code webview host, and nothing more: a local HTTP server serves the page shell
 * the panel uses (same template, same CSP with a fresh nonce, resources from one origin like
 * `webview.cspSource`) and the real bundle from dist/; a fake `acquireVsCodeApi` forwards the page's
 * messages to the real ReportController, which builds real models with `buildReport` on a real store.
 * State kept with setState survives a reload (sessionStorage), as VS Code keeps it.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { silentLogger } from '../../../src/core/ports';
import type { AnalysisOptions } from '../../../src/core/report/correlations';
import { buildReport } from '../../../src/core/report/build';
import type { ReportFilter, ReportModel } from '../../../src/core/report/model';
import type { Store } from '../../../src/core/store/store';
import { ReportController } from '../../../src/extension/report-controller';
import { THEME_BODY_CLASS, THEMES, type ThemeName } from '../../../src/webview/default-theme';
import { makeNonce, webviewHtml } from '../../../src/webview/page-html';
import type { FromWebview, ReportCommandId, ToWebview } from '../../../src/webview/protocol';
import { prices } from '../helpers/events';
import { DIST } from './browser';

/** Serves the page shell (for VS Code's display language `locale`, default English) and the bundle (dist/ unless told otherwise) on 127.0.0.1. */
export async function startPageServer(bundleDir = DIST, locale?: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(webviewHtml({ cspSource: origin, nonce: makeNonce(), scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/dist/webview.css`, locale }));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // browsers ask for one; a webview never does
      return;
    }
    const m = /^\/dist\/(webview\.(?:js|css)(?:\.map)?)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const type = m[1]!.endsWith('.css') ? 'text/css' : m[1]!.endsWith('.js') ? 'text/javascript' : 'application/json';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` });
    res.end(readFileSync(path.join(bundleDir, m[1]!)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface HarnessHost {
  controller: ReportController;
  /** Every message the page sent, in order. */
  received: FromWebview[];
  /** Every message posted to the page, in order. */
  posted: ToWebview[];
  commands: ReportCommandId[];
  /** The filters buildReport was called with. */
  built: ReportFilter[];
  lastModel(): ReportModel;
}

/**
 * Installs the fake VS Code API in the page and connects it to a real controller over `store`. Like the
 * VS Code host, the theme's variables are on <html> before the page's script runs.
 */
export async function attachHost(page: Page, store: Store, nowMs: number, analysis: AnalysisOptions = {}, theme: ThemeName = 'light'): Promise<HarnessHost> {
  const host: HarnessHost = {
    received: [],
    posted: [],
    commands: [],
    built: [],
    lastModel() {
      const r = [...this.posted].reverse().find((m) => m.type === 'report');
      if (!r || r.type !== 'report') throw new Error('no report posted yet');
      return r.model;
    },
    controller: undefined as unknown as ReportController,
  };
  host.controller = new ReportController({
    // Structured clone in VS Code; JSON here (the model is JSON-safe by contract).
    post: async (m) => {
      host.posted.push(m);
      await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(m));
    },
    buildModel: async (filter) => {
      host.built.push(filter);
      return buildReport(store, filter, { prices, nowMs, analysis });
    },
    runCommand: async (c) => {
      host.commands.push(c);
      return { ok: true, message: `Ran ${c}.` };
    },
    now: () => nowMs,
    logger: silentLogger,
  });
  await page.exposeFunction('__prodlensHost', (json: string) => {
    const m = JSON.parse(json) as FromWebview;
    host.received.push(m);
    void host.controller.handle(m);
  });
  await page.addInitScript(
    ({ vars, cls }) => {
      const apply = () => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
      };
      if (document.documentElement) apply();
      else
        new MutationObserver((_, o) => {
          if (!document.documentElement) return;
          o.disconnect();
          apply();
        }).observe(document, { childList: true });
      document.addEventListener('DOMContentLoaded', () => document.body.classList.add(cls));
    },
    { vars: THEMES[theme], cls: THEME_BODY_CLASS[theme] },
  );
  await page.addInitScript(() => {
    let acquired = false;
    const w = window as unknown as { acquireVsCodeApi: () => unknown; __prodlensHost(json: string): void };
    w.acquireVsCodeApi = () => {
      if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
      acquired = true;
      return {
        postMessage: (m: unknown) => w.__prodlensHost(JSON.stringify(m)),
        getState: () => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') as unknown,
        setState: (s: unknown) => sessionStorage.setItem('vscode-state', JSON.stringify(s)),
      };
    };
  });
  return host;
}
