import { createHash } from 'node:crypto';
import { historyFileStates } from '../../core/store/history-files-repo';
import type { Store } from '../../core/store/store';
import { isInside } from '../transcripts/locations';
import type { AppendAgent, HistoryAgent } from './kinds';

/**
 * Where each session of an agent ran, as its own history file says (Gemini's chat `.project_root`, Copilot's
 * `session.start` context): the agents' telemetry names the session but not the folder, so the workspace
 * filter and the attribution hook look the folder up here. Built from the checkpoints of the files read in
 * earlier passes and updated with the ones read in this pass.
 */

/** What a history file's checkpoint keeps about its session. */
export interface SessionPlace {
  cwd: string | null;
  projectHash?: string | null;
  sessionId?: string | null;
}

/** The history agent whose files name the sessions of a telemetry file. */
const SESSIONS_OF: Record<AppendAgent, HistoryAgent> = { 'gemini-telemetry': 'gemini-cli', 'copilot-otel': 'copilot-cli' };

export class SessionFolders {
  private readonly byAgent = new Map<HistoryAgent, Map<string, SessionPlace>>();

  constructor(private readonly store: Store) {}

  /** Records a session read in this pass. */
  note(agent: HistoryAgent, place: SessionPlace): void {
    if (place.sessionId) this.map(agent).set(place.sessionId, place);
  }

  /** The recorded place of a telemetry file's session, or undefined when no history file names it. */
  placeOf(telemetry: AppendAgent, sessionId: string | null): SessionPlace | undefined {
    return sessionId ? this.map(SESSIONS_OF[telemetry]).get(sessionId) : undefined;
  }

  private map(agent: HistoryAgent): Map<string, SessionPlace> {
    let m = this.byAgent.get(agent);
    if (!m) {
      m = new Map();
      for (const s of historyFileStates(this.store, agent)) {
        const p = s as SessionPlace | null;
        if (p && typeof p.sessionId === 'string' && p.sessionId) m.set(p.sessionId, p);
      }
      this.byAgent.set(agent, m);
    }
    return m;
  }
}

/** Whether a session passes the workspace filter; an unknown working folder passes only without a filter. */
export function admitted(place: SessionPlace | null | undefined, folders: readonly string[] | null): boolean {
  if (folders === null) return true;
  if (place?.cwd && folders.some((w) => isInside(place.cwd!, w))) return true;
  // Gemini CLI's older project folders carry sha256(project root) instead of the root.
  if (place?.projectHash) return folders.some((w) => createHash('sha256').update(w).digest('hex') === place.projectHash);
  return false;
}
