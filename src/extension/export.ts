import * as vscode from 'vscode';
import { version as PRODLENS_VERSION } from '../../package.json';
import type { ExportSummary } from '../core/export/exporter';
import { LocaleFormat } from '../core/locale-format';
import { readConfig } from './config';
import { Disposable } from './lifecycle';
import { configuredZone } from './time-zone';
import type { ProdLensServices } from './services';

const FOLDER_KEY = 'prodlens.export.folder';
/**
 * The team secret lives in SecretStorage (the OS keychain), not in a setting: settings are plain JSON that
 * Settings Sync uploads and that workspace settings put in the repository, and anyone holding the secret
 * can test guesses of who is behind a pseudonym.
 */
export const TEAM_SECRET_KEY = 'prodlens.export.teamSecret';
const MIN_SECRET_LENGTH = 16;

/**
 * "ProdLens: Export Parquet": asks for a folder the first time (remembered per workspace), exports with a
 * cancellable progress notification, and offers to open the folder. The exporter (apache-arrow,
 * parquet-wasm) is loaded on first use, never at activation.
 */
export class ExportCommands extends Disposable {
  private running: Promise<ExportSummary | undefined> | undefined;

  constructor(private readonly services: ProdLensServices) {
    super();
    // An optional folder argument (scripts, keybindings, tests) exports there without asking.
    this._register(vscode.commands.registerCommand('prodlens.exportParquet', (target?: vscode.Uri) => this.exportParquet(false, target)));
    this._register(vscode.commands.registerCommand('prodlens.setExportTeamSecret', () => this.setTeamSecret()));
  }

  /** Resolves with the export's summary (undefined when nothing was exported). */
  private async exportParquet(choose = false, target?: vscode.Uri): Promise<ExportSummary | undefined> {
    if (this.running) {
      void vscode.window.showInformationMessage(vscode.l10n.t('ProdLens: an export is already running.'));
      return undefined;
    }
    const state = this.services.context.workspaceState;
    let folder = target instanceof vscode.Uri && target.scheme === 'file' ? target.fsPath : state.get<string>(FOLDER_KEY);
    if (target instanceof vscode.Uri && target.scheme === 'file') await state.update(FOLDER_KEY, folder);
    if (!folder || choose) {
      const picked = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: vscode.l10n.t('Export Here'),
        title: vscode.l10n.t('ProdLens: choose an empty folder (or a previous export) for the Parquet export'),
      });
      if (!picked?.[0]) return undefined;
      folder = picked[0].fsPath;
      await state.update(FOLDER_KEY, folder);
    }
    const secret = readConfig().export.pseudonymize ? await this.teamSecret() : undefined;
    if (secret === null) return undefined;
    const running = this.run(folder, secret).finally(() => (this.running = undefined));
    this.running = running;
    return running;
  }

  private async run(folder: string, secret: string | undefined): Promise<ExportSummary | undefined> {
    const log = this.services.log('export');
    const { exportParquet, ExportCancelledError } = await import('../core/export/exporter');
    try {
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ProdLens: exporting Parquet'), cancellable: true },
        async (progress, token) => {
          const { Pseudonymizer } = await import('../core/export/pseudonymize');
          const store = await this.services.store();
          store.setTimeZone(configuredZone().timeZone);
          const controller = new AbortController();
          const sub = token.onCancellationRequested(() => controller.abort());
          let reported = 0;
          try {
            return await exportParquet(store, {
              outDir: folder,
              analysis: { lags: readConfig().report.lags, minPairs: readConfig().report.minPairs },
              exporterVersion: PRODLENS_VERSION,
              pseudonymizer: secret ? new Pseudonymizer(secret) : undefined,
              signal: controller.signal,
              logger: log,
              onProgress: (p) => {
                const pct = p.partitionsToWrite ? Math.min(100, (100 * p.filesStaged) / p.partitionsToWrite) : 0;
                progress.report({
                  message: p.phase === 'writing' ? vscode.l10n.t('{0} of ~{1} files', p.filesStaged, p.partitionsToWrite) : p.phase,
                  increment: pct - reported,
                });
                reported = pct;
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
      log.info(
        `exported ${summary.rows} rows to ${summary.outDir}: ${summary.filesWritten} written, ${summary.filesUnchanged} unchanged, ${summary.filesRemoved} removed`,
      );
      // Not awaited: the command resolves when the export is done, not when the message is dismissed.
      const openFolder = vscode.l10n.t('Open Folder');
      const changeFolder = vscode.l10n.t('Change Folder…');
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t(
            'ProdLens: exported {0} rows ({1} files written, {2} unchanged).',
            new LocaleFormat(vscode.env.language).integer(summary.rows),
            summary.filesWritten,
            summary.filesUnchanged,
          ),
          openFolder,
          changeFolder,
        )
        .then(async (action) => {
          if (action === openFolder) await vscode.env.openExternal(vscode.Uri.file(summary.outDir));
          if (action === changeFolder) await this.exportParquet(true);
        });
      return summary;
    } catch (err) {
      if (err instanceof ExportCancelledError) {
        void vscode.window.showInformationMessage(vscode.l10n.t('ProdLens: export cancelled; the previous export is unchanged.'));
        return undefined;
      }
      log.error(`export to ${folder} failed: ${(err as Error).message}`);
      void vscode.window
        .showErrorMessage(vscode.l10n.t('ProdLens: export failed: {0}', (err as Error).message), vscode.l10n.t('Choose Another Folder…'))
        .then(async (action) => {
          if (action) await this.exportParquet(true);
        });
      return undefined;
    }
  }

  /** The stored team secret, else asked for now; null when the user gave up. */
  private async teamSecret(): Promise<string | null> {
    const stored = await this.services.context.secrets.get(TEAM_SECRET_KEY);
    if (stored && stored.length >= MIN_SECRET_LENGTH) return stored;
    return (await this.setTeamSecret()) ?? null;
  }

  private async setTeamSecret(): Promise<string | undefined> {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('ProdLens: team secret for pseudonymized exports'),
      prompt: vscode.l10n.t('The secret your team shares (at least {0} characters). Stored in the OS keychain, never in settings.', MIN_SECRET_LENGTH),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length >= MIN_SECRET_LENGTH ? undefined : vscode.l10n.t('At least {0} characters', MIN_SECRET_LENGTH)),
    });
    if (!value) return undefined;
    await this.services.context.secrets.store(TEAM_SECRET_KEY, value);
    return value;
  }
}

/** Registers the export commands (called from activate). */
export function registerExport(services: ProdLensServices): vscode.Disposable {
  return new ExportCommands(services);
}
