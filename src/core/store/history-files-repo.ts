import type { Store } from './store';
import { databaseOf } from './database-of';

/**
 * The parser states kept in the checkpoints of one agent's history files (table transcript_files), for
 * readers that need what other files said: an agent's telemetry names a session but not its working folder,
 * which the session's own history file recorded (src/sources/agents/session-folders.ts).
 */
export function historyFileStates(store: Store, agent: string): unknown[] {
  const r = databaseOf(store).exec('SELECT state FROM transcript_files WHERE agent = ? AND state IS NOT NULL', [agent])[0];
  const out: unknown[] = [];
  for (const [s] of r?.values ?? []) {
    try {
      out.push(JSON.parse(s as string) as unknown);
    } catch {
      // a damaged state is as good as none
    }
  }
  return out;
}
