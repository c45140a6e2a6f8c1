import type { ReportModel } from '../../core/report/model';
import { h } from '../dom';
import type { ReportCommandId } from '../shared/protocol';

/**
 * What a new user sees before ProdLens has any data: the ways to get data in, with buttons that run the
 * extension's setup commands (in the standalone export, the command names to run instead).
 */
export function emptyState(model: ReportModel, commands: boolean, run: (c: ReportCommandId) => void, status: HTMLElement): HTMLElement {
  const action = (command: ReportCommandId, label: string, palette: string) =>
    commands
      ? h('button', { type: 'button', class: 'primary', 'data-command': command, 'data-focus-key': command, on: { click: () => run(command) } }, label)
      : h('span', { class: 'muted' }, `In VS Code: run “${palette}” from the Command Palette.`);
  return h(
    'section',
    { id: 'empty-state', class: 'report-section empty', 'aria-labelledby': 'empty-title' },
    h('h2', { id: 'empty-title' }, 'No data yet'),
    h('p', null, 'ProdLens has not recorded any AI activity, commits or pull requests here yet. Get data in one of these ways:'),
    h(
      'ol',
      { class: 'steps' },
      h(
        'li',
        null,
        h('strong', null, 'Send telemetry to the local collector. '),
        'Claude Code, Codex and Gemini CLI can send OpenTelemetry events to ProdLens; the setup command copies the environment variables for your terminal. ',
        action('prodlens.copyCollectorSetup', 'Copy collector setup', 'ProdLens: Copy Collector Setup'),
      ),
      h(
        'li',
        null,
        h('strong', null, 'Read the transcripts agents already wrote. '),
        'Claude Code and Codex keep session logs (~/.claude/projects, ~/.codex/sessions); ProdLens reads their token counts and models. ',
        action('prodlens.rescanTranscripts', 'Rescan transcripts', 'ProdLens: Rescan Agent Transcripts'),
      ),
      h(
        'li',
        null,
        h('strong', null, 'Import files from a terminal: '),
        h('code', null, 'prodlens import PATH…'),
        ' (transcripts, OTLP JSON, ProdLens events).',
      ),
    ),
    status,
    h('p', { class: 'muted' }, model.definitions.privacy ?? ''),
  );
}
