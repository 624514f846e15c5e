/**
 * Tables -> an XLSX workbook (one worksheet per table), with exceljs. Loaded by the staff API
 * only when an XLSX export is asked for (dynamic import): the other routes never load it.
 * Cells are written as values, never as formulas, so a text such as "=1+1" stays text.
 */
import ExcelJS from 'exceljs';

export interface WorkbookSheet {
  name: string;
  rows: (string | number)[][];
}

/** The workbook's bytes; `at` dates it (created/modified), so the same return gives the same content. */
export async function xlsxOf(sheets: WorkbookSheet[], at: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'complaint pipeline';
  wb.created = at;
  wb.modified = at;
  for (const s of sheets) {
    // Excel: at most 31 characters, none of []:*?/\ in a worksheet's name.
    const ws = wb.addWorksheet(s.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31));
    for (const row of s.rows) ws.addRow(row);
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((col) => {
      col.width = Math.min(60, Math.max(10, ...s.rows.map((r) => String(r[(col.number ?? 1) - 1] ?? '').length + 2)));
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
