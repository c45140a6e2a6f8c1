import type { Efficiency, ReportModel } from '../../core/report/model';
import { h } from '../dom';
import { formatChange, formatRange, formatValue, MISSING } from '../shared/format';
import { section } from './section';

/** Headline cards: the period's totals with the change vs the previous period of equal length. */
export function headlineSection(model: ReportModel): HTMLElement {
  const descriptions = new Map(model.seriesInfo.map((s) => [s.key as string, s.description]));
  const prev = formatRange(model.previousPeriod.since, model.previousPeriod.until);
  const cards = model.headline.map((c) => {
    const change =
      c.changePct !== null
        ? `${formatChange(c.changePct)} vs previous period`
        : c.note
          ? c.note
          : c.previous === null
            ? 'no data for the previous period'
            : c.value === null
              ? 'not measured in this period'
              : `previous period: ${formatValue(c.previous, c.unit)}`;
    return h(
      'li',
      { class: 'card', 'data-headline': c.key },
      h('div', { class: 'card-label' }, c.label),
      h('div', { class: 'card-value', 'aria-label': c.value === null ? `${c.label}: not measured` : null }, formatValue(c.value, c.unit)),
      h(
        'div',
        {
          class: `card-change${c.changePct === null ? ' muted' : ''}`,
          title: c.previous !== null ? `Previous period (${prev}): ${formatValue(c.previous, c.unit)}` : null,
        },
        change,
      ),
      descriptions.has(c.key) ? h('div', { class: 'card-help' }, descriptions.get(c.key)!) : null,
    );
  });
  return section('headline', 'Summary', h('p', { class: 'muted' }, `Compared with the previous period, ${prev} (UTC).`), h('ul', { class: 'cards' }, cards));
}

const EFFICIENCY: Array<{ key: keyof Efficiency; label: string; format: (v: number) => string }> = [
  { key: 'tokensPerAcceptedLine', label: 'Tokens per accepted AI line', format: (v) => formatValue(v, 'tokens') },
  { key: 'costPerAcceptedLine', label: 'Cost per accepted AI line', format: (v) => `$${v.toFixed(4)}` },
  { key: 'costPerMergedPr', label: 'Cost per merged PR', format: (v) => formatValue(v, 'usd') },
  { key: 'acceptedLinesPer1kOutputTokens', label: 'Accepted lines per 1,000 output tokens', format: (v) => v.toFixed(2) },
  { key: 'sessionGrowthPct', label: 'Sessions vs previous period', format: (v) => formatChange(v) },
];

/** Efficiency ratios of the period (empty when a denominator is missing or zero). */
export function efficiencySection(model: ReportModel): HTMLElement {
  return section(
    'efficiency',
    'Efficiency',
    h(
      'ul',
      { class: 'cards small' },
      EFFICIENCY.map((e) => {
        const v = model.efficiency[e.key];
        return h(
          'li',
          { class: 'card', 'data-efficiency': e.key },
          h('div', { class: 'card-label' }, e.label),
          h('div', { class: 'card-value' }, v === null ? MISSING : e.format(v)),
        );
      }),
    ),
  );
}
