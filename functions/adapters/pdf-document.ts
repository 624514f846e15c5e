/**
 * A report document (domain/report-document.ts) as PDF with pdfkit: headings, figure boxes,
 * tables and the bar charts drawn as vector shapes. Chinese text needs a CJK font that the
 * standard PDF fonts lack: `cjkFont` (a TTF/OTF file, or a collection and its face as
 * `file.ttc#Face`: REPORT_CJK_FONT, functions/shared/report-font.ts) is embedded, as a subset of
 * the glyphs used, when given; without it a zh-CN document is refused (the HTML has it in any language).
 */
import PDFDocument from 'pdfkit';
import type { PdfRenderer } from '../domain/ports.ts';
import type { Block, ReportDocument } from '../domain/report-document.ts';
import { parseReportFontSetting } from '../shared/report-font.ts';

export class MissingCjkFont extends Error {
  constructor() {
    super('a zh-CN PDF needs a CJK font (REPORT_CJK_FONT); the HTML is available in zh-CN');
    this.name = 'MissingCjkFont';
  }
}

const MARGIN = 40;

export class PdfKitRenderer implements PdfRenderer {
  constructor(private readonly cjkFont?: string) {}

  async render(doc: ReportDocument): Promise<Uint8Array> {
    if (doc.language === 'zh-CN' && !this.cjkFont) throw new MissingCjkFont();
    // A fixed creation date: the same document gives the same bytes (archived once, compared in tests).
    const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: doc.title, CreationDate: new Date(0) }, compress: true });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((resolve, reject) => {
      pdf.on('end', () => resolve());
      pdf.on('error', reject);
    });
    if (this.cjkFont) {
      const font = parseReportFontSetting(this.cjkFont);
      pdf.registerFont('cjk', font.path, font.family);
    }
    const regular = this.cjkFont ? 'cjk' : 'Helvetica';
    const bold = this.cjkFont ? 'cjk' : 'Helvetica-Bold';
    const width = pdf.page.width - 2 * MARGIN;
    const ensure = (h: number) => {
      if (pdf.y + h > pdf.page.height - MARGIN) pdf.addPage();
    };
    pdf.font(bold).fontSize(16).text(doc.title);
    if (doc.subtitle) pdf.font(regular).fontSize(9).fillColor('#57606a').text(doc.subtitle).fillColor('black');
    pdf.moveDown(0.5);
    for (const b of doc.blocks) this.block(pdf, b, { regular, bold, width, ensure });
    pdf.end();
    await done;
    return new Uint8Array(Buffer.concat(chunks));
  }

  private block(pdf: PDFKit.PDFDocument, b: Block, o: { regular: string; bold: string; width: number; ensure: (h: number) => void }): void {
    switch (b.kind) {
      case 'heading':
        o.ensure(40);
        pdf.moveDown(0.6).font(o.bold).fontSize(12).text(b.text, MARGIN).moveDown(0.2);
        return;
      case 'paragraph':
        pdf.font(o.regular).fontSize(9).text(b.text, MARGIN);
        return;
      case 'figures': {
        const w = o.width / Math.min(4, b.items.length || 1);
        for (let i = 0; i < b.items.length; i += 4) {
          o.ensure(36);
          const y = pdf.y;
          b.items.slice(i, i + 4).forEach((f, j) => {
            const x = MARGIN + j * w;
            pdf
              .rect(x, y, w - 6, 32)
              .strokeColor('#d0d7de')
              .stroke();
            pdf
              .font(o.regular)
              .fontSize(7)
              .fillColor('#57606a')
              .text(f.label, x + 4, y + 3, { width: w - 14, height: 10, ellipsis: true });
            pdf
              .font(o.bold)
              .fontSize(12)
              .fillColor('black')
              .text(f.value, x + 4, y + 15, { width: w - 14 });
          });
          pdf.x = MARGIN;
          pdf.y = y + 38;
        }
        return;
      }
      case 'table': {
        const colW = o.width / b.columns.length;
        const row = (cells: string[], font: string) => {
          pdf.font(font).fontSize(7.5);
          const h = Math.max(...cells.map((c) => pdf.heightOfString(c || ' ', { width: colW - 6 }))) + 4;
          o.ensure(h);
          const y = pdf.y;
          cells.forEach((c, i) => {
            pdf
              .rect(MARGIN + i * colW, y, colW, h)
              .strokeColor('#d0d7de')
              .stroke();
            pdf.fillColor('black').text(c, MARGIN + i * colW + 3, y + 2, { width: colW - 6 });
          });
          pdf.x = MARGIN;
          pdf.y = y + h;
        };
        row(b.columns, o.bold);
        for (const r of b.rows) row(r, o.regular);
        pdf.moveDown(0.4);
        return;
      }
      case 'bars': {
        const labelW = 150;
        const barW = o.width - labelW - 40;
        const rowH = 14;
        const max = Math.max(1, ...b.groups.map((g) => g.values.reduce((s, v) => s + v, 0)));
        o.ensure(20 + b.groups.length * rowH + 20);
        pdf.font(o.bold).fontSize(9).fillColor('black').text(b.title, MARGIN);
        let y = pdf.y + 4;
        for (const g of b.groups) {
          pdf
            .font(o.regular)
            .fontSize(7)
            .fillColor('black')
            .text(g.label, MARGIN, y + 2, { width: labelW - 6, align: 'right', height: rowH, ellipsis: true });
          let x = MARGIN + labelW;
          g.values.forEach((v, s) => {
            const w = (v / max) * barW;
            if (w > 0) pdf.rect(x, y, w, rowH - 4).fill(b.series[s].color);
            x += w;
          });
          pdf.fillColor('black').text(String(g.values.reduce((s, v) => s + v, 0)), x + 3, y + 2);
          y += rowH;
        }
        let lx = MARGIN + labelW;
        for (const s of b.series) {
          pdf.rect(lx, y + 4, 8, 8).fill(s.color);
          pdf
            .fillColor('black')
            .font(o.regular)
            .fontSize(7)
            .text(s.label, lx + 11, y + 5);
          lx += 90;
        }
        pdf.x = MARGIN;
        pdf.y = y + 20;
        return;
      }
    }
  }
}
