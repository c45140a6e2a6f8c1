import * as vscode from 'vscode';
import { LocaleFormat } from '../core/locale-format';
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
      openLabel: vscode.l10n.t('Import'),
      title: vscode.l10n.t('ProdLens: import OTLP JSON, LiteLLM, ProdLens events or agent transcripts'),
      filters: { [vscode.l10n.t('JSON and JSON lines')]: ['json', 'jsonl', 'ndjson', 'gz'], [vscode.l10n.t('All files')]: ['*'] },
    });
    if (!targets?.length) return undefined;
    const paths = targets.map((u) => u.fsPath);
    const log = services.log('import');
    const fmt = new LocaleFormat(vscode.env.language);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ProdLens: importing'), cancellable: true },
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
            // The extension host also serves the collector and the UI: let it turn every ~10 ms of work.
            yieldMs: 10,
            // The folders' own repository and git identity only: imported files may be another developer's.
            attribute: new FolderAttributor({ git: vscode.workspace.isTrusted ? new GitRunner(readConfig().git.path) : null }).hook,
            onProgress: (p) => {
              const pct = p.filesTotal ? Math.floor((100 * p.filesDone) / p.filesTotal) : 0;
              progress.report({
                message: vscode.l10n.t('{0} records, file {1} of {2}', fmt.integer(p.records), p.filesDone + 1, p.filesTotal),
                increment: pct - last,
              });
              last = pct;
            },
          });
          const counts = summary.metricPoints
            ? vscode.l10n.t(
                '{0} already stored, {1} updated, {2} rejected, {3} metric points',
                summary.duplicates,
                summary.updated,
                summary.deadLettered,
                summary.metricPoints,
              )
            : vscode.l10n.t('{0} already stored, {1} updated, {2} rejected', summary.duplicates, summary.updated, summary.deadLettered);
          const text = summary.cancelled
            ? vscode.l10n.t('ProdLens imported {0} new event(s) ({1}) before you cancelled.', summary.inserted, counts)
            : vscode.l10n.t('ProdLens imported {0} new event(s) ({1}).', summary.inserted, counts);
          log.info(text);
          // Not awaited: the command (and its progress notification) ends with the import, not when the
          // user gets round to dismissing the message.
          if (summary.deadLettered) {
            const showLog = vscode.l10n.t('Show Log');
            void vscode.window
              .showWarningMessage(`${text} ${vscode.l10n.t("Rejected records are listed with their reasons in the report's data health section.")}`, showLog)
              .then((pick) => pick === showLog && vscode.commands.executeCommand('prodlens.showLog'));
          } else void vscode.window.showInformationMessage(text);
          return summary;
        } catch (err) {
          const message = vscode.l10n.t('ProdLens could not import: {0}', (err as Error).message);
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
