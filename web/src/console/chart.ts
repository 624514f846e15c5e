/**
 * Small accessible bar charts in SVG (no chart library in the project): every bar has its
 * value as text, the chart is an image with a text alternative, and the same numbers are
 * available as a table. Attributes only - no inline styles (the pages' CSP).
 */
import { el } from '../lib/page.ts';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface Bar { label: string; value: number; valueText?: string; highlight?: boolean; note?: string }

/** Vertical bars (e.g. volume by month). */
export function columnChart(bars: Bar[], opts: { title: string; id: string }): SVGSVGElement {
  const width = Math.max(320, bars.length * 64 + 40);
  const height = 220;
  const top = 24; const bottom = 36; const left = 12;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = (width - left * 2) / Math.max(1, bars.length);
  const barWidth = Math.min(44, slot * 0.62);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${opts.id}-title`, class: 'chart chart-columns', preserveAspectRatio: 'xMinYMin meet' });
  chart.append(svg('title', { id: `${opts.id}-title` }, `${opts.title}: ${bars.map((b) => `${b.label} ${b.valueText ?? b.value}`).join(', ')}`));
  const base = height - bottom;
  chart.append(svg('line', { x1: left, x2: width - left, y1: base, y2: base, class: 'chart-axis' }));
  bars.forEach((b, i) => {
    const h = Math.round(((base - top) * b.value) / max);
    const x = left + slot * i + (slot - barWidth) / 2;
    const g = svg('g', { class: b.highlight ? 'chart-bar chart-bar-highlight' : 'chart-bar' });
    g.append(svg('rect', { x: x.toFixed(1), y: base - h, width: barWidth.toFixed(1), height: Math.max(h, b.value > 0 ? 1 : 0), rx: 3 }));
    g.append(svg('text', { x: (x + barWidth / 2).toFixed(1), y: base - h - 6, 'text-anchor': 'middle', class: 'chart-value' }, b.valueText ?? String(b.value)));
    g.append(svg('text', { x: (x + barWidth / 2).toFixed(1), y: base + 18, 'text-anchor': 'middle', class: 'chart-label' }, b.label));
    chart.append(g);
  });
  return chart;
}

/** Horizontal bars (e.g. volume by department), labels on the left. */
export function barChart(bars: Bar[], opts: { title: string; id: string }): SVGSVGElement {
  const row = 30; const labelWidth = 150; const width = 560; const valueWidth = 96;
  const height = Math.max(row, bars.length * row) + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${opts.id}-title`, class: 'chart chart-bars', preserveAspectRatio: 'xMinYMin meet' });
  chart.append(svg('title', { id: `${opts.id}-title` }, `${opts.title}: ${bars.map((b) => `${b.label} ${b.valueText ?? b.value}`).join(', ')}`));
  bars.forEach((b, i) => {
    const y = i * row + 4;
    const w = Math.round(((width - labelWidth - valueWidth) * b.value) / max);
    const g = svg('g', { class: b.highlight ? 'chart-bar chart-bar-highlight' : 'chart-bar' });
    g.append(svg('text', { x: labelWidth - 8, y: y + row / 2 + 1, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'chart-label' }, b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label));
    g.append(svg('rect', { x: labelWidth, y: y + 4, width: Math.max(w, b.value > 0 ? 1 : 0), height: row - 10, rx: 3 }));
    g.append(svg('text', { x: labelWidth + w + 6, y: y + row / 2 + 1, 'dominant-baseline': 'middle', class: 'chart-value' }, b.valueText ?? String(b.value)));
    chart.append(g);
  });
  return chart;
}

/** A figure: the chart, its caption, and the numbers as a table behind a disclosure. */
export function figure(caption: string, chart: SVGSVGElement, table: HTMLElement, tableLabel: string): HTMLElement {
  return el('figure', { className: 'chart-figure' },
    el('figcaption', { text: caption }),
    el('div', { className: 'chart-scroll' }, chart),
    el('details', { className: 'chart-table' }, el('summary', { text: tableLabel }), table));
}
