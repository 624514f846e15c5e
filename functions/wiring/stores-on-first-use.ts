/**
 * The attachment store and the archive for functions where only some requests use them (a
 * complaint submitted with files; the staff API's retrieval and erasure): S3 loaded on first use.
 */
import type { ArchiveStore, AttachmentStore, PdfRenderer, ReportArchive } from '../domain/ports.ts';
import { config } from '../shared/config.ts';
import { onFirstUse } from './on-first-use.ts';

let attachments: AttachmentStore | undefined;
export function attachmentsOnFirstUse(): AttachmentStore {
  attachments ??= onFirstUse<AttachmentStore>(() => import('./object-storage.ts').then((m) => m.attachments()), ['presignUpload', 'head', 'put', 'get']);
  return attachments;
}

let archive: ArchiveStore | undefined;
export function archiveOnFirstUse(): ArchiveStore {
  archive ??= onFirstUse<ArchiveStore>(
    () => import('./archive-storage.ts').then((m) => m.archiveStore()),
    ['stagedParts', 'readStaged', 'putStaged', 'deleteStaged', 'parts', 'stagedReferences', 'putRecord', 'getRecord', 'copyAttachment'],
  );
  return archive;
}

let reports: ReportArchive | undefined;
/** The reviews in the archive bucket (the staff API's periodic reviews): S3 loaded on first use. */
export function reportsOnFirstUse(): ReportArchive {
  reports ??= onFirstUse<ReportArchive>(() => import('./archive-storage.ts').then((m) => m.reportArchive()), ['putReport', 'getReport']);
  return reports;
}

let pdf: PdfRenderer | undefined;
/** The PDF renderer (pdfkit), loaded when a PDF is asked for. REPORT_CJK_FONT: a CJK font file for zh-CN. */
export function pdfOnFirstUse(): PdfRenderer {
  pdf ??= onFirstUse<PdfRenderer>(() => import('../adapters/pdf-document.ts').then((m) => new m.PdfKitRenderer(config().reportCjkFont)), ['render']);
  return pdf;
}
