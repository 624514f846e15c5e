/**
 * S3 for the functions that use it (attachments, inbound mail, archive), created once per
 * process (AWS SDK v3, settings: ./aws-clients.ts; path-style addressing by S3_FORCE_PATH_STYLE).
 * Kept out of the core container so that functions without S3 do not bundle its client, and
 * free of it (configuration and clock only) so that a function with S3 only does not bundle DynamoDB.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig, traced } from '../adapters/aws-clients.ts';
import { S3AttachmentStore } from '../adapters/s3-attachment-store.ts';
import type { AttachmentStore } from '../domain/ports.ts';
import { currentClock } from '../shared/clock.ts';
import { config } from '../shared/config.ts';

let client: S3Client | undefined;
let store: AttachmentStore | undefined;

export function s3(): S3Client {
  client ??= traced(new S3Client({ ...clientConfig(), forcePathStyle: config().s3ForcePathStyle }));
  return client;
}

/** The client that presigns uploads: no request checksum in the URL (the browser's body is not known here). */
function presignClient(): S3Client {
  return new S3Client({ ...clientConfig(), forcePathStyle: config().s3ForcePathStyle, requestChecksumCalculation: 'WHEN_REQUIRED' });
}

export function attachments(): AttachmentStore {
  store ??= new S3AttachmentStore(s3(), config().attachmentsBucket, () => currentClock().now(), presignClient());
  return store;
}
