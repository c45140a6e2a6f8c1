import * as vscode from 'vscode';

/** The walkthrough's id in package.json `contributes.walkthroughs`. */
export const WALKTHROUGH_ID = 'firstRun';

/**
 * "ProdLens: Get Started" opens the first-run walkthrough (VS Code also opens it by itself right after the
 * extension is installed, unless `workbench.welcomePage.walkthroughs.openOnInstall` is off).
 */
export function registerWalkthrough(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.commands.registerCommand('prodlens.getStarted', () =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false),
  );
}
