import * as vscode from 'vscode';

/** Longest a clipboard read may hold up a confirmation; a slower read counts as unreadable. */
const READ_TIMEOUT_MS = 1_000;

/**
 * Reads the clipboard only when an insertion needs checking against it, and reuses the text for a short
 * while: a multi-cursor paste checks several changes at once.
 *
 * Not in VS Code for the Web (code-server, vscode.dev, Codespaces in a browser): there `clipboard.readText()` is
 * `navigator.clipboard.readText()`, which needs the site's clipboard-read permission — the browser asks the user,
 * and when it is refused VS Code shows a sticky error notification and keeps the read pending until the user
 * closes it (seen in code-server 4.139 / VS Code 1.139). Reading there would bother the user at every AI insertion
 * and stall its confirmation. `read()` then resolves to null and the caller falls back to open documents.
 */
export class ClipboardCache {
  private text: Promise<string | null> | undefined;
  private readAt = 0;

  constructor(
    private readonly maxAgeMs = 500,
    readonly readable = vscode.env.uiKind !== vscode.UIKind.Web,
  ) {}

  read(): Promise<string | null> {
    if (!this.readable) return Promise.resolve(null);
    const now = Date.now();
    if (!this.text || now - this.readAt > this.maxAgeMs) {
      this.readAt = now;
      const read = Promise.resolve(vscode.env.clipboard.readText()).catch(() => null);
      const timeout = new Promise<null>((r) => setTimeout(() => r(null), READ_TIMEOUT_MS));
      this.text = Promise.race([read, timeout]);
    }
    return this.text;
  }
}
