/**
 * Real files for the upload checks (issue 16 #7): our own 16x16 drawing encoded by real
 * encoders (Chromium's libpng, libjpeg-turbo and libwebp, and an LZW encoder of ours for GIF),
 * made by test/fixtures/images/generate.ts and committed; and a small PDF built with a
 * correct cross-reference table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const image = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'images', name)));

export const PNG = image('sample.png');
export const JPEG = image('sample.jpg');
export const GIF = image('sample.gif');
export const WEBP = image('sample.webp');

/** A one-page PDF: header, objects, an xref table whose offsets are right, trailer, startxref, %%EOF. */
export function minimalPdf(text = 'Statement'): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
    `<< /Length ${`BT (${text}) Tj ET`.length} >>\nstream\nBT (${text}) Tj ET\nendstream`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

export const concat = (...parts: (Uint8Array | string)[]) =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));

/** HTML that a browser would run if it took the file for a page. */
export const HTML = '<html><body><script>fetch("/api/staff/audit").then(r=>r.text()).then(alert)</script></body></html>';
