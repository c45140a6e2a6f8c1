/**
 * The host side of the report protocol (src/webview/protocol.ts), without `vscode`: validates what the
 * page sends, builds the model for its filter, answers with the request id, and pushes live updates with
 * the current filter. The panel (report-panel.ts) wires it to a webview; tests wire it to a browser page.
 */
import { utcDay } from '../core/day';
import type { Logger } from '../core/ports';
import type { ReportFilter, ReportModel } from '../core/report/model';
import { DEFAULT_VIEW_STATE, parseFromWebview, type ReportCommandId, type ToWebview, type ViewFilter } from '../webview/shared/protocol';
import { toReportFilter } from '../webview/shared/view-filter';

export interface ReportHostPort {
  post(message: ToWebview): void | PromiseLike<unknown>;
  /**
   * Builds the model for a resolved filter (opens the store on first use). `signal` is aborted when a newer
   * build supersedes a live update: the build may stop early (reject), its result would be dropped anyway.
   */
  buildModel(filter: ReportFilter, signal: AbortSignal): Promise<ReportModel>;
  /** Runs an extension command the page asked for; the message is shown to the user. */
  runCommand(command: ReportCommandId): Promise<{ ok: boolean; message: string }>;
  /** Epoch ms (the day periods end on). */
  now(): number;
  /** The developer's local day of an instant (periods end on today's local day); default the UTC day. */
  dayOf?(ms: number): string;
  logger: Logger;
}

export class ReportController {
  private current: ViewFilter;
  /** Increments per build, so a slow older build never overwrites a newer one. */
  private generation = 0;
  /** The live update being built, stopped when a newer build starts. */
  private liveBuild: AbortController | undefined;
  private ready = false;
  /** A filter the host chose (e.g. a session's day) before the page was ready: the first answer uses it. */
  private chosen: ViewFilter | undefined;
  /** Errors and CSP violations the page reported (also logged). */
  readonly pageProblems: string[] = [];

  constructor(
    private readonly port: ReportHostPort,
    initial: ViewFilter = DEFAULT_VIEW_STATE.filter,
  ) {
    this.current = initial;
  }

  /** The filter live updates use (the last one the page asked for). */
  get filter(): ViewFilter {
    return this.current;
  }

  /** True once the page has sent `ready` (before that, posting would be lost). */
  get isReady(): boolean {
    return this.ready;
  }

  /** Handles one message from the page; invalid messages are logged and answered with an error. */
  async handle(raw: unknown): Promise<void> {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.port.logger.warn(`[report] ignored a message from the page: ${parsed.reason}`);
      const id = (raw as { requestId?: unknown } | null)?.requestId;
      await this.port.post({ type: 'error', requestId: typeof id === 'number' ? id : null, message: `invalid message: ${parsed.reason}` });
      return;
    }
    const m = parsed.value;
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        const filter = this.chosen ?? m.filter;
        this.chosen = undefined;
        return this.answer(m.requestId, filter);
      }
      case 'setFilter':
        return this.answer(m.requestId, m.filter);
      case 'pageProblem':
        this.pageProblems.push(`${m.kind}: ${m.message}`);
        this.port.logger.warn(`[report] the page reported ${m.kind === 'csp' ? 'a CSP violation' : 'an error'}: ${m.message}`);
        return;
      case 'runCommand': {
        let result: { ok: boolean; message: string };
        try {
          result = await this.port.runCommand(m.command);
        } catch (err) {
          result = { ok: false, message: `${m.command} failed: ${(err as Error).message}` };
        }
        await this.port.post({ type: 'commandResult', requestId: m.requestId, ...result });
        return;
      }
    }
  }

  /**
   * Shows the report for a filter the host chose (a click in the ProdLens view, a budget warning): pushed at
   * once to a ready page, which adopts it, or used to answer the page's `ready`.
   */
  async showFilter(filter: ViewFilter): Promise<void> {
    if (!this.ready) {
      this.chosen = filter;
      this.current = filter;
      return;
    }
    await this.answer(null, filter);
  }

  /** Rebuilds with the current filter and pushes it (new events arrived, settings changed). */
  async refresh(): Promise<void> {
    if (!this.ready) return;
    await this.answer(null, this.current);
  }

  private async answer(requestId: number | null, filter: ViewFilter): Promise<void> {
    this.current = filter;
    const gen = ++this.generation;
    // A live update still building is superseded by this build: its result would be dropped, so it stops.
    this.liveBuild?.abort();
    const build = new AbortController();
    if (requestId === null) this.liveBuild = build;
    const today = this.port.dayOf?.(this.port.now()) ?? utcDay(this.port.now());
    const started = Date.now();
    let message: ToWebview;
    try {
      const model = await this.port.buildModel(toReportFilter(filter, today), build.signal);
      message = { type: 'report', requestId, filter, model };
      this.port.logger.debug(`[report] built ${model.filter.since}…${model.filter.until} in ${Date.now() - started} ms`);
    } catch (err) {
      if (build.signal.aborted) return;
      this.port.logger.error(`[report] cannot build the report: ${(err as Error).stack ?? err}`);
      message = { type: 'error', requestId, message: (err as Error).message };
    } finally {
      if (this.liveBuild === build) this.liveBuild = undefined;
    }
    // A live update superseded by a newer build is dropped; an answer to a request is always sent.
    if (requestId === null && gen !== this.generation) return;
    await this.port.post(message);
  }
}
