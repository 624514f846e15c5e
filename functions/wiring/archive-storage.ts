/**
 * The archive store for the functions that use it (archival, retrieval, erasure, reconciliation),
 * created once per process on the same S3 client as the attachments.
 */
import { S3ArchiveStore } from '../adapters/s3-archive-store.ts';
import { S3ReportArchive } from '../adapters/s3-report-archive.ts';
import type { ArchiveStore, ReportArchive } from '../domain/ports.ts';
import { config } from '../shared/config.ts';
import { s3 } from './object-storage.ts';

let store: ArchiveStore | undefined;

export function archiveStore(): ArchiveStore {
  store ??= new S3ArchiveStore(s3(), config().archiveBucket, config().attachmentsBucket);
  return store;
}

let reports: ReportArchive | undefined;

/** The periodic reviews in the same locked bucket (reviews/). */
export function reportArchive(): ReportArchive {
  reports ??= new S3ReportArchive(s3(), config().archiveBucket);
  return reports;
}
