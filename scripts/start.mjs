// `npm start`: ProdLens in a real VS Code in the browser, on a machine without desktop VS Code. Packages the VSIX,
// installs it into code-server (VS Code 1.139) with a demo workspace and sample data, prints the URL and runs
// until Ctrl-C, which stops everything and removes the temp folders. Options: --port N (default: a free port).
import { parseArgs } from 'node:util';
import { runCli, say, UserError } from './e2e/common.mjs';
import { startDemo } from './e2e/demo.mjs';
import { cleanupAll, cleanupStarted } from './e2e/lifecycle.mjs';

runCli(async () => {
  const { values } = parseArgs({ options: { port: { type: 'string', default: process.env.PRODLENS_PORT ?? '0' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a port number, not ${values.port}`);
  const demo = await startDemo({ port });
  process.stdout.write(
    `\nProdLens is running in VS Code (code-server on 127.0.0.1:${demo.server.port}, loopback only).\n` +
      `Open this URL in a browser on this machine:\n\n    ${demo.url}\n\n` +
      'The lens in the activity bar opens the ProdLens view (usage, recent sessions, sources); the demo sets a\n' +
      `daily budget of $${demo.budgets.daily.toFixed(2)} that today's sessions have used 85 % of, and a weekly one of $${demo.budgets.weekly.toFixed(2)}.\n` +
      'Run "ProdLens: …" commands from the Command Palette (F1); "ProdLens: Get Started" walks through them.\n' +
      'Press Ctrl-C here to stop.\n',
  );
  const code = await demo.server.exited;
  if (cleanupStarted()) return new Promise(() => {}); // Ctrl-C: the signal handler finishes and exits.
  say(`code-server stopped by itself (exit code ${code})`);
  await cleanupAll();
  return 1;
});
