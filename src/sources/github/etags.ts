import type { Database } from 'sql.js';

/**
 * ETags of GitHub responses whose data is stored (`etag_state`). An ETag is written in the same
 * transaction as the rows it covers, so a 304 always means "what we have is current".
 */
export class EtagTable {
  constructor(private readonly db: Database) {}

  get(url: string): string | null {
    const r = this.db.exec('SELECT etag FROM etag_state WHERE url = ?', [url]);
    return (r[0]?.values[0]?.[0] as string | null | undefined) ?? null;
  }

  put(url: string, etag: string | null, at: string): void {
    if (!etag) {
      this.db.run('DELETE FROM etag_state WHERE url = ?', [url]);
      return;
    }
    this.db.run(
      `INSERT INTO etag_state (url, etag, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, updated_at = excluded.updated_at`,
      [url, etag, at],
    );
  }
}
