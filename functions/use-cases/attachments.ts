/**
 * Attachments go to object storage by a presigned upload, never through the API or into the
 * table. Before a complaint refers to one, the object must exist with the declared type and
 * size (within the limit).
 */
import { randomUUID } from 'node:crypto';
import type { AttachmentRef, AttachmentStore } from '../domain/ports.ts';
import { ATTACHMENT_TYPES } from '../http/schemas/submit-complaint.schema.ts';
import { ValidationError, type FieldIssue } from '../shared/errors.ts';

export async function createAttachmentUpload(req: { name: string; contentType: string; size: number }, deps: { attachments: AttachmentStore; maxBytes: number; now: Date }) {
  const issues: FieldIssue[] = [];
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(req.contentType)) issues.push({ field: 'contentType', message: `must be one of ${ATTACHMENT_TYPES.join(', ')}` });
  if (req.size > deps.maxBytes) issues.push({ field: 'size', message: `must be at most ${deps.maxBytes} bytes` });
  if (issues.length) throw new ValidationError(issues);
  const key = `uploads/${deps.now.toISOString().slice(0, 10)}/${randomUUID()}`;
  const upload = await deps.attachments.presignUpload(key, req.contentType, req.size);
  return { key, name: req.name, contentType: req.contentType, size: req.size, upload };
}

export async function verifyAttachments(refs: AttachmentRef[] | undefined, store: AttachmentStore, maxBytes: number): Promise<void> {
  if (!refs?.length) return;
  const issues: FieldIssue[] = [];
  await Promise.all(refs.map(async (r, i) => {
    const found = await store.head(r.key);
    if (!found) issues.push({ field: `attachments.${i}.key`, message: 'was not uploaded' });
    else if (found.size !== r.size || found.size > maxBytes) issues.push({ field: `attachments.${i}.size`, message: 'does not match the uploaded file' });
    else if (found.contentType !== r.contentType) issues.push({ field: `attachments.${i}.contentType`, message: 'does not match the uploaded file' });
  }));
  if (issues.length) throw new ValidationError(issues.sort((a, b) => a.field.localeCompare(b.field)));
}
