/**
 * S3 for the functions that use it (attachments, inbound mail), created once per process.
 * Kept out of the core container so that functions without S3 do not bundle its client.
 */
import { S3 } from '../aws/s3.ts';
import { S3AttachmentStore } from '../adapters/s3-attachment-store.ts';
import type { AttachmentStore } from '../domain/ports.ts';
import { deps } from './container.ts';

let client: S3 | undefined;
let store: AttachmentStore | undefined;

export function s3(): S3 {
  client ??= new S3({ forcePathStyle: deps().config.s3ForcePathStyle });
  return client;
}

export function attachments(): AttachmentStore {
  store ??= new S3AttachmentStore(s3(), deps().config.attachmentsBucket, () => deps().clock.now());
  return store;
}
