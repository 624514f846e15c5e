/**
 * A management report as data (the drill report, the periodic review): headings, paragraphs,
 * figures, tables and bar charts. One document, two renderings: HTML here (pure, with inline
 * SVG charts), PDF by adapters/pdf-document.ts (pdfkit). Pure.
 */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'figures'; items: { label: string; value: string }[] }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | {
      kind: 'bars';
      title: string;
      /** One stacked part per series, in this order. */
      series: { label: string; color: string }[];
      groups: { label: string; values: number[] }[];
    };

export interface ReportDocument {
  language: 'en' | 'zh-CN';
  title: string;
  subtitle?: string;
  blocks: Block[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A stacked horizontal bar chart as inline SVG (no script: the archived HTML stays static). */
export function barsSvg(b: Extract<Block, { kind: 'bars' }>): string {
  const labelW = 200;
  const barW = 380;
  const rowH = 26;
  const top = 8;
  const legendH = 24;
  const max = Math.max(1, ...b.groups.map((g) => g.values.reduce((s, v) => s + v, 0)));
  const height = top + b.groups.length * rowH + legendH + 8;
  const rows = b.groups.map((g, i) => {
    const y = top + i * rowH;
    let x = labelW;
    const parts = g.values.map((v, s) => {
      const w = (v / max) * barW;
      const rect =
        v > 0
          ? `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${b.series[s].color}"><title>${escapeHtml(b.series[s].label)}: ${v}</title></rect>`
          : '';
      x += w;
      return rect;
    });
    const total = g.values.reduce((s, v) => s + v, 0);
    return `<text x="${labelW - 6}" y="${y + rowH - 12}" text-anchor="end">${escapeHtml(g.label)}</text>${parts.join('')}<text x="${(x + 4).toFixed(1)}" y="${y + rowH - 12}">${total}</text>`;
  });
  const legendY = top + b.groups.length * rowH + 6;
  const legend = b.series.map(
    (s, i) =>
      `<rect x="${labelW + i * 110}" y="${legendY}" width="12" height="12" fill="${s.color}"/><text x="${labelW + i * 110 + 16}" y="${legendY + 11}">${escapeHtml(s.label)}</text>`,
  );
  return `<svg role="img" aria-label="${escapeHtml(b.title)}" xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 80}" height="${height}" font-size="12" font-family="sans-serif">${rows.join('')}${legend.join('')}</svg>`;
}

const STYLE = `body{font-family:system-ui,"Noto Sans SC","Microsoft YaHei",sans-serif;margin:24px;color:#1b1f24;max-width:900px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.sub{color:#57606a;margin:0 0 12px}.figures{display:flex;flex-wrap:wrap;gap:10px}.figure{border:1px solid #d0d7de;border-radius:6px;padding:6px 10px;min-width:120px}
.figure b{display:block;font-size:18px}table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.chart{margin:8px 0}`;

function blockHtml(b: Block): string {
  if (b.kind === 'heading') return `<h2>${escapeHtml(b.text)}</h2>`;
  if (b.kind === 'paragraph') return `<p>${escapeHtml(b.text)}</p>`;
  if (b.kind === 'figures')
    return `<div class="figures">${b.items.map((f) => `<div class="figure">${escapeHtml(f.label)}<b>${escapeHtml(f.value)}</b></div>`).join('')}</div>`;
  if (b.kind === 'table')
    return `<table><thead><tr>${b.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${b.rows
      .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  return `<figure class="chart"><figcaption>${escapeHtml(b.title)}</figcaption>${barsSvg(b)}</figure>`;
}

/** The document as one static HTML page (inline style and SVG; nothing loaded from elsewhere). */
export function renderHtml(doc: ReportDocument): string {
  const body = doc.blocks.map(blockHtml).join('\n');
  return `<!doctype html>
<html lang="${doc.language}"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(doc.title)}</h1>${doc.subtitle ? `<p class="sub">${escapeHtml(doc.subtitle)}</p>` : ''}
${body}
</body></html>`;
}

/** A rate as a percentage with one decimal ('-' when undefined). */
export function percent(r: number | null | undefined): string {
  return r === null || r === undefined ? '-' : `${(Math.round(r * 1000) / 10).toFixed(1)} %`;
}
