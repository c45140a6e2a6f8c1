import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProdLensApi } from '../../src/extension/extension';
import { workspaceGit } from './support/editor';
import { prodlens, rows, scalar, waitFor, workspaceFolder, type RunningStore } from './support/prodlens-api';

/** Where Claude Code keeps transcripts, in the isolated HOME the harness gives the extension host. */
const projectsDir = () => path.join(os.homedir(), '.claude', 'projects');
/** Claude Code's folder name for a working folder. */
const slugOf = (folder: string) => folder.replace(/[^A-Za-z0-9]/g, '-');

interface Line {
  type?: string;
  sessionId?: string;
  cwd?: string;
  requestId?: string;
  message?: { id?: string; model?: string; usage?: { output_tokens?: number } };
}

/** Every transcript file below a folder (session files and their subagents' files). */
function transcriptFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(dir, f));
}

/**
 * What the fixture holds for a set of project folders, read straight from the files: sessions, and model
 * requests (one per message id + request id; Claude Code writes a line per content block and the last
 * copy has the final output count; `<synthetic>` lines are not requests).
 */
function fixtureRequests(folders: string[]): { sessions: string[]; requests: number; outputTokens: number } {
  const sessions = new Set<string>();
  const output = new Map<string, number>();
  for (const file of folders.flatMap(transcriptFiles)) {
    for (const text of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const line = JSON.parse(text) as Line;
      if (line.sessionId) sessions.add(line.sessionId);
      const m = line.message;
      if (line.type !== 'assistant' || !m?.usage || m.model === '<synthetic>') continue;
      const key = `${m.id}/${line.requestId}`;
      output.set(key, Math.max(output.get(key) ?? 0, m.usage.output_tokens ?? 0));
    }
  }
  return { sessions: [...sessions], requests: output.size, outputTokens: [...output.values()].reduce((a, b) => a + b, 0) };
}

/** Project folders of this workspace (the root's and its subfolders') and of everything else. */
function projectFolders(): { mine: string[]; others: string[] } {
  const slug = slugOf(workspaceFolder());
  const all = readdirSync(projectsDir()).map((name) => path.join(projectsDir(), name));
  const mine = all.filter((p) => path.basename(p) === slug || path.basename(p).startsWith(`${slug}-`));
  return { mine, others: all.filter((p) => !mine.includes(p)) };
}

function storedRequests(store: RunningStore, sessions: string[]): { requests: number; outputTokens: number } {
  const [count, output] = rows(
    store,
    `SELECT COUNT(*), COALESCE(SUM(tokens_out), 0) FROM sessions
      WHERE source = 'claude-code-transcript' AND kind = 'request' AND session_id IN (${sessions.map(() => '?').join(',')})`,
    sessions,
  )[0] as [number, number];
  return { requests: Number(count), outputTokens: Number(output) };
}

/** An assistant line as Claude Code appends it while a session runs: a new request, timestamped now. */
function newRequestLine(transcript: string): { text: string; timestamp: string; sessionId: string } {
  const last = readFileSync(transcript, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line & Record<string, unknown>)
    .filter((l) => l.sessionId)
    .pop()!;
  const stamp = Date.now().toString(36);
  const timestamp = new Date().toISOString();
  const line = {
    parentUuid: last.uuid,
    isSidechain: false,
    userType: 'external',
    cwd: last.cwd,
    sessionId: last.sessionId,
    version: last.version,
    gitBranch: last.gitBranch,
    uuid: `live-${stamp}`,
    timestamp,
    message: {
      id: `msg_01LIVE${stamp}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'Appended while the test watched.' }],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 5000, output_tokens: 33, service_tier: 'standard' },
    },
    requestId: `req_011LIVE${stamp}`,
    type: 'assistant',
  };
  return { text: `${JSON.stringify(line)}\n`, timestamp, sessionId: String(last.sessionId) };
}

describe('transcripts', () => {
  let api: ProdLensApi;
  let store: RunningStore;

  before(async () => {
    api = await prodlens();
    store = await api.services.store();
  });

  it('picks up this workspace’s Claude Code sessions after activation, with no command and no setup', async () => {
    const { mine } = projectFolders();
    assert.ok(mine.length >= 2, `the fixture HOME has this workspace's project folders (root and src/): ${mine.join(', ')}`);
    const expected = fixtureRequests(mine);
    assert.ok(expected.requests > 0);
    const stored = await waitFor(
      `${expected.requests} requests of sessions ${expected.sessions.join(', ')}`,
      () => {
        const s = storedRequests(store, expected.sessions);
        return s.requests >= expected.requests ? s : undefined;
      },
      30_000,
      () => JSON.stringify(storedRequests(store, expected.sessions)),
    );
    assert.deepEqual(stored, { requests: expected.requests, outputTokens: expected.outputTokens });
  });

  it('gives this workspace’s sessions the developer (git user.email) and repository (origin) of their folder', async () => {
    const { mine } = projectFolders();
    const { sessions } = fixtureRequests(mine);
    const g = workspaceGit(workspaceFolder());
    const attributed = await waitFor(
      'every request of this workspace attributed',
      () => {
        const r = rows(
          store,
          `SELECT DISTINCT developer_id, repo_slug FROM sessions WHERE source = 'claude-code-transcript' AND session_id IN (${sessions.map(() => '?').join(',')})`,
          sessions,
        );
        return r.length === 1 && r[0]![0] !== null ? r : undefined;
      },
      30_000,
    );
    assert.deepEqual(attributed, [[g.email, g.slug]]);
  });

  it('leaves out sessions that ran in other projects, also on a rescan', async () => {
    const { others } = projectFolders();
    const foreign = fixtureRequests(others);
    assert.ok(foreign.sessions.length > 0, 'the fixture HOME has a session of another project');
    await vscode.commands.executeCommand('prodlens.rescanTranscripts');
    const seen = Number(scalar(store, 'SELECT COUNT(*) FROM transcript_files WHERE included = 0'));
    assert.ok(seen >= transcriptFiles(others[0]!).length, 'the other project’s files were looked at and excluded');
    assert.equal(storedRequests(store, foreign.sessions).requests, 0);
  });

  it('shows a request appended to a running session within seconds, through the watcher alone', async () => {
    const [root] = projectFolders().mine.filter((p) => path.basename(p) === slugOf(workspaceFolder()));
    const transcript = transcriptFiles(root!).find((f) => !f.includes(`${path.sep}subagents${path.sep}`))!;
    const line = newRequestLine(transcript);
    appendFileSync(transcript, line.text);
    await waitFor(
      'the appended request in the store',
      () => Number(scalar(store, 'SELECT COUNT(*) FROM sessions WHERE session_id = ? AND timestamp = ?', [line.sessionId, line.timestamp])) === 1,
      15_000,
    );
  });

  it('"Rescan Agent Transcripts" has stored what was appended by the time it finishes', async () => {
    const [root] = projectFolders().mine.filter((p) => path.basename(p) === slugOf(workspaceFolder()));
    const transcript = transcriptFiles(root!).find((f) => !f.includes(`${path.sep}subagents${path.sep}`))!;
    const line = newRequestLine(transcript);
    appendFileSync(transcript, line.text);
    await vscode.commands.executeCommand('prodlens.rescanTranscripts');
    assert.equal(Number(scalar(store, 'SELECT COUNT(*) FROM sessions WHERE session_id = ? AND timestamp = ?', [line.sessionId, line.timestamp])), 1);
  });
});
