/**
 * Entry of the report page bundle (dist/webview.js, with its CSS in dist/webview.css). Inside VS Code it
 * talks to the extension through `acquireVsCodeApi`; in the standalone HTML export it reads the models
 * embedded in the file.
 */
import 'uplot/dist/uPlot.min.css';
import '../../media/report.css';
import { App } from './app';
import { setLocale } from './format';
import { StandaloneTransport, VsCodeTransport, type Transport } from './transport';

function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  let transport: Transport | null = null;
  try {
    transport = VsCodeTransport.available() ? new VsCodeTransport() : StandaloneTransport.fromDocument();
  } catch (err) {
    root.textContent = `The report data could not be read: ${(err as Error).message}`;
    return;
  }
  if (!transport) {
    root.textContent = 'This page needs the ProdLens extension or data exported by `prodlens report --html`.';
    return;
  }
  setLocale(document.documentElement.lang);
  const t = transport;
  window.addEventListener('error', (e) => t.reportProblem('error', `${e.message} (${e.filename}:${e.lineno})`));
  window.addEventListener('unhandledrejection', (e) => t.reportProblem('error', String((e.reason as Error)?.stack ?? e.reason)));
  document.addEventListener('securitypolicyviolation', (e) => t.reportProblem('csp', `${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
  new App(root, transport);
}

start();
