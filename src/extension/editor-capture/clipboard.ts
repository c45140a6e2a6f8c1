import * as vscode from 'vscode';

/**
 * Reads the clipboard only when an insertion needs checking against it, and reuses the text for a short
 * while: a multi-cursor paste checks several changes at once.
 */
export class ClipboardCache {
  private text: Promise<string> | undefined;
  private readAt = 0;

  constructor(private readonly maxAgeMs = 500) {}

  read(): Promise<string> {
    const now = Date.now();
    if (!this.text || now - this.readAt > this.maxAgeMs) {
      this.readAt = now;
      this.text = Promise.resolve(vscode.env.clipboard.readText()).catch(() => '');
    }
    return this.text;
  }
}
