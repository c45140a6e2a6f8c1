import * as vscode from 'vscode';
import { FolderAttributor } from '../sources/git/attribution';
import { GitRunner } from '../sources/git/node-git';
import { importPaths } from '../sources/import-paths';
import { readConfig } from './config';
import type { ProdLensServices } from './services';

/**
 * "ProdLens: Import Events from File…": any supported file or folder (auto-detected), with progress and
 * cancel. The result is durable before the summary is shown.
 */
export function registerImportCommand(services: ProdLensServices): vscode.Disposable {
  return vscode.commands.registerCommand('prodlens.importEvents', async (uris?: vscode.Uri[] | vscode.Uri) => {
    let targets = Array.isArray(uris) ? uris : uris instanceof vscode.Uri ? [uris] : undefined;
    targets ??= await vscode.window.showOpenDialog({
      canSelectMany: true,
      canSelectFolders: true,
      canSelectFiles: true,
      openLabel: 'Import',
      title: 'ProdLens: import OTLP JSON, LiteLLM, ProdLens events or agent transcripts',
      filters: { 'JSON and JSON lines': ['json', 'jsonl', 'ndjson', 'gz'], 'All files': ['*'] },
    });
    if (!targets?.length) return undefined;
    const paths = targets.map((u) => u.fsPath);
    const log = services.log('import');
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'ProdLens: importing', cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          const store = await services.store();
          let last = 0;
          const summary = await importPaths(store, paths, {
            prices: services.prices,
            logger: log,
            signal: controller.signal,
            // The folders' own repository and git identity only: imported files may be another developer's.
            attribute: new FolderAttributor({ git: vscode.workspace.isTrusted ? new GitRunner(readConfig().git.path) : null }).hook,
            onProgress: (p) => {
              const pct = p.filesTotal ? Math.floor((100 * p.filesDone) / p.filesTotal) : 0;
              progress.report({ message: `${p.records.toLocaleString()} records, file ${p.filesDone + 1} of ${p.filesTotal}`, increment: pct - last });
              last = pct;
            },
          });
          const text =
            `ProdLens imported ${summary.inserted} new event(s) (${summary.duplicates} already stored, ${summary.updated} updated, ` +
            `${summary.deadLettered} rejected${summary.metricPoints ? `, ${summary.metricPoints} metric points` : ''})${summary.cancelled ? ' before you cancelled' : ''}.`;
          log.info(text);
          // Not awaited: the command (and its progress notification) ends with the import, not when the
          // user gets round to dismissing the message.
          if (summary.deadLettered) {
            void vscode.window
              .showWarningMessage(`${text} Rejected records are listed with their reasons in the report's data health section.`, 'Show Log')
              .then((pick) => pick === 'Show Log' && vscode.commands.executeCommand('prodlens.showLog'));
          } else void vscode.window.showInformationMessage(text);
          return summary;
        } catch (err) {
          const message = `ProdLens could not import: ${(err as Error).message}`;
          log.error(message);
          void vscode.window.showErrorMessage(message);
          return undefined;
        } finally {
          sub.dispose();
        }
      },
    );
  });
}
