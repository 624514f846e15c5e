/**
 * The archive store for functions where only some requests read or change the archive (the
 * staff API: retrieval and erasure): the S3 client is loaded on the store's first use, a chunk
 * of its own in the bundle, instead of at every cold start. Functions that use the archive on
 * every invocation import ./archive-storage.ts directly.
 */
import type { ArchiveStore } from '../domain/ports.ts';

let store: ArchiveStore | undefined;

export function archiveStore(): ArchiveStore {
  const s3 = () => import('./archive-storage.ts').then((m) => m.archiveStore());
  store ??= {
    stagedParts: async (reference) => (await s3()).stagedParts(reference),
    readStaged: async (keys) => (await s3()).readStaged(keys),
    putStaged: async (key, items) => (await s3()).putStaged(key, items),
    deleteStaged: async (keys) => (await s3()).deleteStaged(keys),
    parts: async (reference) => (await s3()).parts(reference),
    stagedReferences: async () => (await s3()).stagedReferences(),
    putRecord: async (key, record, retainUntil) => (await s3()).putRecord(key, record, retainUntil),
    getRecord: async (key) => (await s3()).getRecord(key),
    copyAttachment: async (sourceKey, destKey, retainUntil) => (await s3()).copyAttachment(sourceKey, destKey, retainUntil),
  };
  return store;
}
