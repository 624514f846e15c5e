/**
 * The attachment store and the archive for functions where only some requests use them (a
 * complaint submitted with files; the staff API's retrieval and erasure): S3 loaded on first use.
 */
import type { ArchiveStore, AttachmentStore } from '../domain/ports.ts';
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
