/**
 * S3 for the functions that use it (attachments, inbound mail), created once per process.
 * Kept out of the core container so that functions without S3 do not bundle its client.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3AttachmentStore } from '../adapters/s3-attachment-store.ts';
import type { AttachmentStore } from '../domain/ports.ts';
import { deps } from './container.ts';
import { SDK_RETRY } from './sdk-retry.ts';

let client: S3Client | undefined;
let store: AttachmentStore | undefined;

export function s3(): S3Client {
  // Checksums only when required: a presigned PUT must not carry the checksum of an empty body.
  client ??= new S3Client({ ...SDK_RETRY, forcePathStyle: deps().config.s3ForcePathStyle, requestChecksumCalculation: 'WHEN_REQUIRED' });
  return client;
}

export function attachments(): AttachmentStore {
  store ??= new S3AttachmentStore(s3(), deps().config.attachmentsBucket, () => deps().clock.now());
  return store;
}
