import * as vscode from 'vscode';
import type { LocaleFormat } from '../../core/locale-format';
import type { Overview } from '../../core/overview/overview';
import { Disposable } from '../lifecycle';
import type { OverviewSource } from './overview-source';

/** A row of a ProdLens tree: the item VS Code shows and, for parents, its rows. */
export interface Node {
  item: vscode.TreeItem;
  children?: Node[];
}

/** What each view makes of the overview. */
export type RowsOf = (overview: Overview, fmt: LocaleFormat, nowMs: number) => Node[];

/**
 * One of the ProdLens tree views over the shared overview: rebuilds its rows when the overview changes,
 * and says so in an error row (with the log one click away) when the database cannot be read.
 */
export class OverviewTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly emitter = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  readonly view: vscode.TreeView<Node>;
  private rows: Promise<Node[]> | undefined;

  constructor(
    readonly id: string,
    private readonly source: OverviewSource,
    private readonly rowsOf: RowsOf,
  ) {
    super();
    this.view = this._register(vscode.window.createTreeView(id, { treeDataProvider: this, showCollapseAll: false }));
    source.track(this.view);
    this._register(
      source.onDidChange(() => {
        this.rows = undefined;
        this.emitter.fire(undefined);
      }),
    );
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return node.item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node) return node.children ?? [];
    this.rows ??= this.source.get().then(
      (o) => this.rowsOf(o, this.source.fmt, Date.now()),
      (err: Error) => [errorRow(err)],
    );
    return this.rows;
  }

  /** The rows shown now (integration tests compare them with the store). */
  async currentRows(): Promise<Node[]> {
    return this.getChildren();
  }
}

function errorRow(err: Error): Node {
  const item = new vscode.TreeItem(vscode.l10n.t('ProdLens could not read its database'));
  item.description = err.message;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  item.tooltip = vscode.l10n.t('{0} Click to show the ProdLens log.', err.message);
  item.command = { command: 'prodlens.showLog', title: vscode.l10n.t('Show Log') };
  item.accessibilityInformation = { label: vscode.l10n.t('ProdLens could not read its database: {0}', err.message), role: 'treeitem' };
  return { item };
}

/** A row with a label, a description, a tooltip and the same said in one sentence for screen readers. */
export function row(
  label: string,
  description: string,
  spoken: string,
  opts: { icon?: vscode.ThemeIcon; tooltip?: string | vscode.MarkdownString; id?: string } = {},
): Node {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.description = description;
  item.tooltip = opts.tooltip ?? spoken;
  item.iconPath = opts.icon;
  if (opts.id) item.id = opts.id;
  item.accessibilityInformation = { label: spoken, role: 'treeitem' };
  return { item };
}
