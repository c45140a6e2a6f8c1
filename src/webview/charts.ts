/**
 * The daily charts, drawn with uPlot on canvas. Colours are the theme's `--vscode-charts-*` variables,
 * resolved with getComputedStyle when a chart is built (canvas cannot read CSS variables) and rebuilt when
 * the theme changes. Days without a measurement are null and drawn as gaps, never as zero. Each chart can
 * be focused and read day by day with the arrow keys; the tooltip shows the values under the cursor.
 * Chart titles carry `elementtiming`, so the browser reports when a chart was first presented (the
 * render benchmark reads it; uPlot draws in the same task, before that frame).
 */
import uPlot from 'uplot';
import type { SeriesKey } from '../core/analyze/series';
import { groupSeries, type GroupedSeries } from '../core/report/grouping';
import type { ReportModel, SeriesInfo, Unit } from '../core/report/model';
import { cssVar, h } from './dom';
import { formatAxis, formatPeriod, formatRange, formatValue } from './shared/format';

type ChartColor = 'blue' | 'red' | 'green' | 'orange' | 'purple' | 'yellow';

interface ChartDef {
  id: string;
  title: string;
  series: Array<{ key: SeriesKey; scale: 'left' | 'right'; color: ChartColor; dash?: boolean }>;
}

/** The four daily charts of the report. */
export const CHARTS: readonly ChartDef[] = [
  {
    id: 'tokens-cost',
    title: 'Tokens and cost',
    series: [
      { key: 'total_tokens', scale: 'left', color: 'blue' },
      { key: 'cost_usd', scale: 'right', color: 'orange', dash: true },
    ],
  },
  {
    id: 'requests-errors',
    title: 'Requests and errors',
    series: [
      { key: 'requests', scale: 'left', color: 'blue' },
      { key: 'errors', scale: 'right', color: 'red', dash: true },
    ],
  },
  {
    id: 'lines',
    title: 'AI-inserted vs accepted lines',
    series: [
      { key: 'inserted_lines', scale: 'left', color: 'purple' },
      { key: 'accepted_lines', scale: 'left', color: 'green', dash: true },
    ],
  },
  {
    id: 'outcomes',
    title: 'Commits and merged PRs',
    series: [
      { key: 'commits', scale: 'left', color: 'blue' },
      { key: 'merged_prs', scale: 'left', color: 'green', dash: true },
    ],
  },
];

const HEIGHT = 200;

/** Live charts of one render; `destroy` before re-rendering. */
export interface ChartSet {
  destroy(): void;
}

function palette() {
  const fg = cssVar('--vscode-charts-foreground', cssVar('--vscode-foreground', 'CanvasText'));
  const color = (c: ChartColor) => cssVar(`--vscode-charts-${c}`, fg);
  return {
    fg,
    grid: cssVar('--vscode-charts-lines', fg),
    color,
    font: `${cssVar('--vscode-font-size', '13px')} ${cssVar('--vscode-font-family', 'sans-serif')}`,
  };
}

function sumOf(values: ReadonlyArray<number | null>): number | null {
  let s: number | null = null;
  for (const v of values) if (v !== null) s = (s ?? 0) + v;
  return s;
}

/** How the charts show the model: by day, week or month, and what a click on a point does. */
export interface ChartView {
  grouped?: GroupedSeries;
  /** Called with the inclusive UTC days of the clicked (or Enter-selected) day, week or month. */
  onPick?: (since: string, until: string) => void;
}

/** Builds the chart figures (not yet drawn) and a function that draws them once they are in the document. */
export function chartFigures(model: ReportModel, view: ChartView = {}): { figures: HTMLElement[]; draw: () => ChartSet } {
  const info = new Map(model.seriesInfo.map((s) => [s.key, s] as const));
  const grouped = view.grouped ?? groupSeries(model.days, model.series, 'day');
  const xs = grouped.periods.map((p) => Date.parse(`${p.start}T00:00:00Z`) / 1000);
  const built = CHARTS.map((def) => buildFigure(def, model, info, xs, grouped, view.onPick));
  return {
    figures: built.map((b) => b.figure),
    draw: () => {
      const colors = palette();
      // Read every width before any chart adds elements, so layout is computed once, not once per chart.
      const widths = built.map((b) => b.plot.clientWidth);
      const plots = built.map((b, i) => b.draw(colors, widths[i]!));
      return { destroy: () => plots.forEach((p) => p()) };
    },
  };
}

function buildFigure(
  def: ChartDef,
  model: ReportModel,
  info: Map<SeriesKey, SeriesInfo>,
  xs: number[],
  grouped: GroupedSeries,
  onPick?: (since: string, until: string) => void,
) {
  const periods = grouped.periods;
  const by = grouped.group === 'day' ? 'daily' : grouped.group === 'week' ? 'weekly' : 'monthly';
  const series = def.series.map((s) => ({ ...s, info: info.get(s.key)!, values: grouped.series[s.key] }));
  const totals = series.map((s) => `${s.info.label} ${formatValue(sumOf(s.values), s.info.unit)}`).join(', ');
  const range = model.days.length ? formatRange(model.days[0]!, model.days[model.days.length - 1]!) : '';
  const live = h('div', { class: 'sr-only', 'aria-live': 'polite' });
  const swatches = series.map((s) => h('span', { class: `swatch${s.dash ? ' dashed' : ''}`, 'data-color': s.color, 'aria-hidden': 'true' }));
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((s, i) => h('li', null, swatches[i]!, `${s.info.label}${s.scale === 'right' ? ' (right axis)' : ''}`)),
  );
  const plot = h('div', {
    class: 'plot',
    tabindex: 0,
    // Its own arrow-key navigation, so screen readers pass keys through instead of browsing.
    role: 'application',
    'aria-roledescription': 'chart',
    'aria-label': `${def.title}, ${range}. Totals: ${totals}. Use the left and right arrow keys to read ${by} values${onPick ? `, Enter to filter the report to that ${grouped.group}` : ''}.`,
    'data-chart': def.id,
    'data-group': grouped.group,
    'data-pick': onPick ? 'true' : null,
  });
  const tip = h('div', { class: 'chart-tooltip hidden', role: 'presentation', 'data-chart-tooltip': def.id });
  const figure = h(
    'figure',
    { class: 'chart', id: `chart-${def.id}` },
    h('figcaption', null, h('h3', { elementtiming: `chart-${def.id}` }, def.title), legend),
    plot,
    live,
  );

  const unitOf = (scale: 'left' | 'right'): Unit => series.find((s) => s.scale === scale)?.info.unit ?? 'count';
  const hasRight = series.some((s) => s.scale === 'right');

  const draw = (colors: ReturnType<typeof palette>, width: number): (() => void) => {
    series.forEach((s, i) => (swatches[i]!.style.borderColor = colors.color(s.color)));
    const zeroBased: uPlot.Scale.Range = (_u, _min, max) => [0, max !== null && max > 0 ? max * 1.08 : 1];
    const axis = (scale: 'left' | 'right'): uPlot.Axis => ({
      scale,
      side: scale === 'left' ? 3 : 1,
      stroke: colors.fg,
      font: colors.font,
      size: 60,
      grid: { show: scale === 'left', stroke: colors.grid, width: 1, dash: [2, 4] },
      ticks: { show: false },
      values: (_u, vals) => vals.map((v) => formatAxis(v, unitOf(scale))),
    });
    const opts: uPlot.Options = {
      width: Math.max(280, width),
      height: HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, y: false, points: { size: 7 } },
      scales: { x: { time: true }, left: { range: zeroBased }, right: { range: zeroBased } },
      axes: [
        { stroke: colors.fg, font: colors.font, grid: { stroke: colors.grid, width: 1, dash: [2, 4] }, ticks: { show: false } },
        axis('left'),
        ...(hasRight ? [axis('right')] : []),
      ],
      series: [
        {},
        ...series.map((s): uPlot.Series => ({
          label: s.info.label,
          scale: s.scale,
          stroke: colors.color(s.color),
          width: 1.5,
          dash: s.dash ? [6, 3] : undefined,
          spanGaps: false,
          points: { show: periods.length <= 62, size: 4, fill: colors.color(s.color) },
        })),
      ],
      hooks: { setCursor: [(u) => showTooltip(u)] },
    };
    const data = [xs, ...series.map((s) => s.values)] as unknown as uPlot.AlignedData;
    plot.textContent = '';
    const u = new uPlot(opts, data, plot);
    u.over.appendChild(tip);

    function showTooltip(u: uPlot): void {
      const idx = u.cursor.idx;
      if (idx === null || idx === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
        tip.classList.add('hidden');
        return;
      }
      const period = periods[idx]!;
      tip.textContent = '';
      tip.dataset.day = period.start;
      tip.append(h('div', { class: 'tip-day' }, formatPeriod(period, grouped.group)));
      series.forEach((s) => {
        const v = s.values[idx] ?? null;
        tip.append(
          h(
            'div',
            { class: 'tip-row', 'data-series': s.key },
            h('span', { class: 'tip-label' }, `${s.info.label}: `),
            h('span', { class: 'tip-value' }, v === null ? 'not measured' : formatValue(v, s.info.unit)),
          ),
        );
      });
      tip.classList.remove('hidden');
      const w = tip.offsetWidth;
      const left = u.cursor.left + 12 + w > u.over.clientWidth ? u.cursor.left - 12 - w : u.cursor.left + 12;
      tip.style.transform = `translate(${Math.max(0, left)}px, 8px)`;
    }

    const moveTo = (idx: number) => {
      const i = Math.max(0, Math.min(periods.length - 1, idx));
      u.setCursor({ left: u.valToPos(xs[i]!, 'x'), top: u.over.clientHeight / 2 });
      live.textContent = tip.textContent ? [...tip.querySelectorAll('div')].map((d) => d.textContent).join('; ') : '';
    };
    const onKey = (e: KeyboardEvent) => {
      const cur = u.cursor.idx ?? periods.length - 1;
      const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, PageUp: -7, PageDown: 7 };
      if (e.key in step) moveTo(cur + step[e.key]!);
      else if (e.key === 'Home') moveTo(0);
      else if (e.key === 'End') moveTo(periods.length - 1);
      else if (e.key === 'Enter' && onPick && u.cursor.idx !== null && u.cursor.idx !== undefined) pick(u.cursor.idx);
      else if (e.key === 'Escape') u.setCursor({ left: -10, top: -10 });
      else return;
      e.preventDefault();
    };
    const onFocus = () => periods.length && moveTo(u.cursor.idx ?? periods.length - 1);
    const onBlur = () => u.setCursor({ left: -10, top: -10 });
    const pick = (idx: number) => {
      const p = periods[idx];
      if (p && onPick) onPick(p.since, p.until);
    };
    // A click (not a drag: uPlot's drag zoom is off) on the plot picks the day or period under the cursor.
    const onClick = () => {
      const idx = u.cursor.idx;
      if (idx !== null && idx !== undefined && u.cursor.left !== undefined && u.cursor.left >= 0) pick(idx);
    };
    if (onPick) u.over.addEventListener('click', onClick);
    plot.addEventListener('keydown', onKey);
    plot.addEventListener('focus', onFocus);
    plot.addEventListener('blur', onBlur);
    const resize = new ResizeObserver(() => {
      const w = Math.max(280, plot.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height: HEIGHT });
    });
    resize.observe(plot);
    return () => {
      resize.disconnect();
      u.over.removeEventListener('click', onClick);
      plot.removeEventListener('keydown', onKey);
      plot.removeEventListener('focus', onFocus);
      plot.removeEventListener('blur', onBlur);
      u.destroy();
    };
  };
  return { figure, plot, draw };
}
