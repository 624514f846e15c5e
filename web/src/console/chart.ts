/**
 * Bar charts drawn by Chart.js (tree-shaken: bar charts only, no animation). Each chart is an
 * image with a text alternative that reads out every value, and the same numbers are
 * available as a table; nothing here needs inline styles (the pages' CSP).
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale } from 'chart.js';
import { el } from '../lib/page.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale);

export interface Bar {
  label: string;
  value: number;
  valueText?: string;
  highlight?: boolean;
  note?: string;
}

const NAVY = '#1d4f91';
const AMBER = '#b45309';

function chart(bars: Bar[], opts: { title: string; id: string }, horizontal: boolean): HTMLElement {
  const width = horizontal ? 560 : Math.max(320, bars.length * 64 + 40);
  const height = horizontal ? Math.max(60, bars.length * 30 + 30) : 220;
  const canvas = el('canvas', {
    attrs: { width: String(width), height: String(height), role: 'img', 'aria-labelledby': `${opts.id}-title` },
  }) as HTMLCanvasElement;
  const title = el('span', {
    className: 'visually-hidden',
    attrs: { id: `${opts.id}-title` },
    text: `${opts.title}: ${bars.map((b) => `${b.label} ${b.valueText ?? b.value}`).join(', ')}`,
  });
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: bars.map((b) => (b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label)),
      datasets: [{ data: bars.map((b) => b.value), backgroundColor: bars.map((b) => (b.highlight ? AMBER : NAVY)), borderRadius: 3 }],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: false,
      animation: false,
      events: [],
      plugins: { legend: { display: false } },
      scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  return el('div', { className: `chart ${horizontal ? 'chart-bars' : 'chart-columns'}` }, title, canvas);
}

/** Vertical bars (e.g. volume by month). */
export function columnChart(bars: Bar[], opts: { title: string; id: string }): HTMLElement {
  return chart(bars, opts, false);
}

/** Horizontal bars (e.g. volume by department). */
export function barChart(bars: Bar[], opts: { title: string; id: string }): HTMLElement {
  return chart(bars, opts, true);
}

/** A figure: the chart, its caption, and the numbers as a table behind a disclosure. */
export function figure(caption: string, chartNode: HTMLElement, table: HTMLElement, tableLabel: string): HTMLElement {
  return el(
    'figure',
    { className: 'chart-figure' },
    el('figcaption', { text: caption }),
    el('div', { className: 'chart-scroll' }, chartNode),
    el('details', { className: 'chart-table' }, el('summary', { text: tableLabel }), table),
  );
}
