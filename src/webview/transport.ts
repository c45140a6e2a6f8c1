/**
 * Where the page gets its report from: the VS Code host (messages, see protocol.ts) or, in the standalone
 * HTML export, the models embedded in the file. The app talks to either through `Transport`.
 */
import {
  parseViewState,
  type FromWebview,
  type PeriodPreset,
  type ReportCommandId,
  type ToWebview,
  type ViewFilter,
  type ViewState,
  type StandaloneData,
} from './shared/protocol';

/** What the page's controls can do with this transport. */
export interface Capabilities {
  /** Periods offered (in order). */
  presets: PeriodPreset[];
  customPeriod: boolean;
  /** Repository, developer and source filters. */
  dimensions: boolean;
  /** Buttons that run extension commands. */
  commands: boolean;
  /** Why some controls are disabled (standalone export). */
  note: string | null;
}

export interface Transport {
  readonly capabilities: Capabilities;
  loadState(): ViewState;
  saveState(state: ViewState): void;
  /** Starts listening and sends the ready handshake with the first filter; returns its request id. */
  start(onMessage: (m: ToWebview) => void, filter: ViewFilter): number;
  requestReport(filter: ViewFilter): number;
  runCommand(command: ReportCommandId): number;
  /** Tells the host about an error or CSP violation in the page (its log shows them). */
  reportProblem(kind: 'error' | 'csp', message: string): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Inside a VS Code webview (or a host that provides the same API). */
export class VsCodeTransport implements Transport {
  readonly capabilities: Capabilities = { presets: ['7', '30', '90', 'all'], customPeriod: true, dimensions: true, commands: true, note: null };
  private readonly api = acquireVsCodeApi();
  private nextId = 1;

  static available(): boolean {
    return typeof acquireVsCodeApi === 'function';
  }

  loadState(): ViewState {
    return parseViewState(this.api.getState());
  }

  saveState(state: ViewState): void {
    this.api.setState(state);
  }

  start(onMessage: (m: ToWebview) => void, filter: ViewFilter): number {
    window.addEventListener('message', (e: MessageEvent) => {
      const m = e.data as ToWebview | undefined;
      if (m && typeof m === 'object' && typeof m.type === 'string') onMessage(m);
    });
    return this.post((requestId) => ({ type: 'ready', requestId, filter }));
  }

  requestReport(filter: ViewFilter): number {
    return this.post((requestId) => ({ type: 'setFilter', requestId, filter }));
  }

  runCommand(command: ReportCommandId): number {
    return this.post((requestId) => ({ type: 'runCommand', requestId, command }));
  }

  reportProblem(kind: 'error' | 'csp', message: string): void {
    this.api.postMessage({ type: 'pageProblem', kind, message: message.slice(0, 2000) } satisfies FromWebview);
  }

  private post(make: (id: number) => FromWebview): number {
    const id = this.nextId++;
    this.api.postMessage(make(id));
    return id;
  }
}

/** The standalone HTML export: answers from the embedded models, no network, no extension. */
export class StandaloneTransport implements Transport {
  readonly capabilities: Capabilities;
  private nextId = 1;
  private onMessage: (m: ToWebview) => void = () => {};

  constructor(private readonly data: StandaloneData) {
    const presets = (['7', '30', '90', 'all'] as const).filter((p) => data.models[p]);
    this.capabilities = { presets, customPeriod: false, dimensions: false, commands: false, note: data.note };
  }

  /** Reads the JSON the export wrote into `<script type="application/json" id="prodlens-data">`. */
  static fromDocument(): StandaloneTransport | null {
    const el = document.getElementById('prodlens-data');
    if (!el?.textContent) return null;
    return new StandaloneTransport(JSON.parse(el.textContent) as StandaloneData);
  }

  loadState(): ViewState {
    const s = parseViewState(null);
    const all = this.data.models.all.filter;
    const team = this.data.models.all.attribution?.scope === 'all';
    return {
      ...s,
      ...(this.data.group ? { group: this.data.group } : {}),
      filter: {
        ...s.filter,
        period: 'all',
        repo: all.repo,
        developer: all.developer,
        source: all.source,
        model: all.model ?? null,
        ...(team ? { allDevelopers: true } : {}),
      },
    };
  }

  saveState(): void {
    // A file opened from disk has no host to keep state in; the defaults are the exported view.
  }

  start(onMessage: (m: ToWebview) => void, filter: ViewFilter): number {
    this.onMessage = onMessage;
    return this.requestReport(filter);
  }

  requestReport(filter: ViewFilter): number {
    const id = this.nextId++;
    const period = filter.period === 'custom' ? 'all' : filter.period;
    const model = this.data.models[period] ?? this.data.models.all;
    const effective: ViewFilter = { ...filter, period: this.data.models[period] ? period : 'all', since: null, until: null };
    queueMicrotask(() => this.onMessage({ type: 'report', requestId: id, filter: effective, model }));
    return id;
  }

  runCommand(): number {
    return 0;
  }

  reportProblem(): void {
    // No host: the browser's console already shows it.
  }
}
