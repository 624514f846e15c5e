/**
 * The archive store for the functions that use it (archival, retrieval, erasure, reconciliation),
 * created once per process on the same S3 client as the attachments.
 */
import { S3ArchiveStore } from '../adapters/s3-archive-store.ts';
import type { ArchiveStore } from '../domain/ports.ts';
import { config } from '../shared/config.ts';
import { s3 } from './object-storage.ts';

let store: ArchiveStore | undefined;

export function archiveStore(): ArchiveStore {
  store ??= new S3ArchiveStore(s3(), config().archiveBucket, config().attachmentsBucket);
  return store;
}
