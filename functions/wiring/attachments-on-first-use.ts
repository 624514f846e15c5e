/**
 * The attachment store for functions where only some requests carry attachments (a complaint
 * submitted with files): the S3 client and its presigner (~150 KB) are loaded on the store's
 * first use, a chunk of their own in the bundle, instead of at every cold start.
 */
import type { AttachmentStore } from '../domain/ports.ts';

let store: AttachmentStore | undefined;

export function attachments(): AttachmentStore {
  const s3 = () => import('./object-storage.ts').then((m) => m.attachments());
  store ??= {
    presignUpload: async (key, contentType, size) => (await s3()).presignUpload(key, contentType, size),
    head: async (key) => (await s3()).head(key),
    put: async (key, body, contentType, metadata) => (await s3()).put(key, body, contentType, metadata),
    get: async (key, firstBytes) => (await s3()).get(key, firstBytes),
  };
  return store;
}
