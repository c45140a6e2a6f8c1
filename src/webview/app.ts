/**
 * The report page: holds the view state, asks the transport for models, and renders every section. A
 * re-render (new model, live update) keeps keyboard focus, open disclosures and the scroll position.
 */
import type { ReportModel } from '../core/report/model';
import { chartFigures, type ChartSet } from './charts';
import { h, replaceChildren } from './dom';
import { formatInstant, formatRange } from './shared/format';
import type { CorrelationSortKey, ReportCommandId, ToWebview, ViewFilter, ViewState } from './shared/protocol';
import { correlationsSection } from './sections/correlations';
import { emptyState } from './sections/empty';
import { experimentSection, perceivedSection } from './sections/experiments';
import { filterBar } from './sections/filters';
import { efficiencySection, headlineSection } from './sections/headline';
import { definitionsSection, healthSection } from './sections/health';
import { section } from './sections/section';
import { groupSeries, type Grouping } from '../core/report/grouping';
import { groupControl, periodTable } from './sections/periods';
import { sessionsSection } from './sections/sessions';
import { breakdownSection, modelsSection, type RowFilters } from './sections/tables';
import type { Transport } from './transport';

export class App {
  private state: ViewState;
  private model: ReportModel | null = null;
  private charts: ChartSet | null = null;
  private chartDraw: (() => ChartSet) | null = null;
  private latestRequest = 0;
  private pending = false;
  private renders = 0;
  private chartDraws = 0;
  private readonly status = h('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly commandStatus = h('p', { id: 'command-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly error = h('div', { id: 'error', class: 'error-banner hidden', role: 'alert' });
  private readonly content = h('div', { id: 'content' });
  private readonly filters = h('div', { id: 'filters-slot' });
  private readonly header = h('div', { id: 'header-slot' });

  constructor(
    private readonly root: HTMLElement,
    private readonly transport: Transport,
  ) {
    this.state = transport.loadState();
    replaceChildren(root, this.header, this.filters, this.status, this.error, this.content);
    this.content.append(h('p', { class: 'muted', id: 'loading' }, 'Loading the report…'));
    this.setBusy(true);
    this.latestRequest = transport.start((m) => this.onMessage(m), this.state.filter);
    this.watchTheme();
  }

  private onMessage(m: ToWebview): void {
    if (m.type === 'report') {
      if (m.requestId === null ? this.pending : m.requestId < this.latestRequest) return; // superseded
      if (m.requestId === this.latestRequest) this.setBusy(false);
      this.model = m.model;
      this.state = { ...this.state, filter: m.filter };
      this.transport.saveState(this.state);
      this.error.classList.add('hidden');
      this.render();
    } else if (m.type === 'error') {
      if (m.requestId !== null && m.requestId === this.latestRequest) this.setBusy(false);
      this.error.textContent = `The report could not be built: ${m.message}`;
      this.error.classList.remove('hidden');
    } else if (m.type === 'commandResult') {
      this.commandStatus.textContent = m.message;
      this.commandStatus.classList.toggle('error', !m.ok);
    }
  }

  private setBusy(busy: boolean): void {
    this.pending = busy;
    this.root.setAttribute('aria-busy', String(busy));
    this.status.textContent = busy ? 'Updating…' : '';
  }

  private setFilter(filter: ViewFilter): void {
    this.state = { ...this.state, filter };
    this.transport.saveState(this.state);
    this.setBusy(true);
    this.latestRequest = this.transport.requestReport(filter);
  }

  private sortBy(key: CorrelationSortKey): void {
    const t = this.state.table;
    const sortDir = t.sortKey === key && t.sortDir === 'asc' ? 'desc' : 'asc';
    this.updateTable({ ...t, sortKey: key, sortDir });
  }

  private updateTable(table: ViewState['table']): void {
    this.state = { ...this.state, table };
    this.transport.saveState(this.state);
    if (!this.model) return;
    const old = document.getElementById('correlations');
    this.preservingFocus(() => old?.replaceWith(this.correlations(this.model!)));
  }

  private setGroup(group: Grouping): void {
    this.state = { ...this.state, group };
    this.transport.saveState(this.state);
    if (this.model && !this.model.empty) this.render();
  }

  /** Clicks on a model, repository, developer, session day, period or chart point; none where the transport cannot filter. */
  private rowFilters(): RowFilters | undefined {
    if (!this.transport.capabilities.dimensions) return undefined;
    const dims = (patch: Partial<ViewFilter>) => this.setFilter({ ...this.state.filter, ...patch });
    return {
      model: (m) => dims({ model: m ?? '' }),
      repo: (r) => dims({ repo: r ?? '' }),
      developer: (d) => dims({ developer: d ?? '' }),
      period: (since, until) => dims({ period: 'custom', since, until }),
    };
  }

  private runCommand(command: ReportCommandId): void {
    this.commandStatus.textContent = 'Running…';
    this.transport.runCommand(command);
  }

  private correlations(model: ReportModel): HTMLElement {
    return correlationsSection(model, this.state.table, { onSort: (k) => this.sortBy(k) });
  }

  /** Runs a DOM change and puts keyboard focus back on the control with the same `data-focus-key`. */
  private preservingFocus(change: () => void): void {
    const key = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    const scroll = window.scrollY;
    change();
    if (key) (document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) as HTMLElement | null)?.focus({ preventScroll: true });
    window.scrollTo(0, scroll);
  }

  private render(): void {
    const model = this.model!;
    const open = [...document.querySelectorAll('details[open]')].map((d) => d.id).filter(Boolean);
    this.preservingFocus(() => {
      this.charts?.destroy();
      this.charts = null;
      replaceChildren(
        this.header,
        h('h1', null, 'ProdLens report'),
        h(
          'p',
          { class: 'subtitle' },
          h(
            'span',
            { id: 'range' },
            `${formatRange(model.filter.since, model.filter.until)} (${model.timeZone ? `local days, ${model.timeZone}` : 'UTC days'})`,
          ),
          ` · generated ${formatInstant(model.generatedAt, model.generatedAt).replace(/ \(.*\)$/, '')} · prices: ${model.priceTable}`,
        ),
      );
      // A new user has nothing to filter; the filters come with the first data.
      replaceChildren(this.filters, model.empty ? null : filterBar(model, this.state.filter, this.transport.capabilities, (f) => this.setFilter(f)));
      if (model.empty) {
        this.chartDraw = null;
        replaceChildren(
          this.content,
          emptyState(model, this.transport.capabilities.commands, (c) => this.runCommand(c), this.commandStatus),
        );
      } else {
        const group = this.state.group;
        const filters = this.rowFilters();
        const grouped = groupSeries(model.days, model.series, group);
        const charts = chartFigures(model, { grouped, onPick: filters?.period });
        this.chartDraw = charts.draw;
        const title = group === 'day' ? 'Daily activity' : group === 'week' ? 'Weekly activity' : 'Monthly activity';
        replaceChildren(
          this.content,
          headlineSection(model),
          section(
            'charts',
            title,
            groupControl(group, (g) => this.setGroup(g)),
            h(
              'p',
              { class: 'muted' },
              'Gaps are days that were not measured (before a source sent data or outside a sync), not zero.',
              filters ? ` Select a point (or press Enter on a chart) to see that ${group} only.` : null,
            ),
            h('div', { class: 'chart-grid' }, charts.figures),
            periodTable(model, grouped, filters),
          ),
          efficiencySection(model),
          this.correlations(model),
          modelsSection(model, filters),
          breakdownSection(model, filters),
          sessionsSection(model, filters),
          perceivedSection(model),
          experimentSection(model),
          healthSection(model),
          definitionsSection(model),
        );
        this.drawCharts();
      }
      for (const id of open) document.getElementById(id)?.setAttribute('open', '');
    });
    this.markPainted();
  }

  private drawCharts(): void {
    this.charts?.destroy();
    this.charts = this.chartDraw!();
    document.body.dataset.chartsDrawn = String(++this.chartDraws);
  }

  /**
   * Marks when the frame with this render has been produced: a task queued from a frame callback runs
   * after that frame's rendering steps. Tests and the render benchmark wait for it.
   */
  private markPainted(): void {
    const n = ++this.renders;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (n === 1) performance.mark('prodlens:first-paint');
        document.body.dataset.renders = String(n);
      }, 0),
    );
  }

  /** VS Code switches themes by changing body classes and the variables on <html>; redraw the canvases then. */
  private watchTheme(): void {
    let timer: number | undefined;
    const redraw = () => {
      clearTimeout(timer);
      timer = window.setTimeout(() => {
        if (this.chartDraw) this.drawCharts();
      }, 50);
    };
    new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    new MutationObserver(redraw).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', redraw);
    window.matchMedia('(prefers-contrast: more)').addEventListener('change', redraw);
  }
}
