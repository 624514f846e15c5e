/**
 * Attachments go to object storage by a presigned upload, never through the API or into the
 * table. The object key is ours (uploads/<day>/<uuid>): the file's name is display text only
 * and never part of a key, so no name can reach another folder. Before a complaint refers to
 * an upload, the object must exist with the declared size (within the limit) and type - and
 * its content must be what the declared type says: the type is checked, not trusted (an
 * executable uploaded as "application/pdf" is refused and never referred to).
 *
 * The check reads the whole file (issue 16 #7): the type is detected from the content by a
 * maintained detector (file-type), then the whole file must parse as that type
 * (domain/file-content.ts: PNG chunks and CRCs to IEND, JPEG segments to EOI, GIF blocks to the
 * trailer, WebP chunks to the RIFF size, PDF header, startxref and %%EOF) and hold no HTML
 * markup - so a PNG with a web page appended or inside it is refused. One upload belongs to one
 * complaint: the repository records its owner with the complaint, conditionally.
 */
import { randomUUID } from 'node:crypto';
import { checkContent } from '../../domain/file-content.ts';
import { sniffType } from '../../domain/email-intake.ts';
import type { AttachmentStore } from '../../domain/ports.ts';
import type { AttachmentRef } from '../../domain/model.ts';
import { ATTACHMENT_TYPES } from '../../contract/submit-complaint.schema.ts';
import { ValidationError, type FieldIssue } from '../../shared/errors.ts';

/** Path separators, including look-alikes that some tools turn back into '/' or '\\'. */
const SEPARATORS = /[/\\\u2044\u2215\u29f8\u29f9\uff0f\uff3c]/;
/** Control characters and bidirectional overrides ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"). */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A plain file name to show and to save as: the last path segment, without invisible characters. */
export function safeAttachmentName(name: string): string {
  const base = name.normalize('NFC').replace(INVISIBLE, '').split(SEPARATORS).pop()!.trim().slice(0, 200);
  return base === '' || /^\.+$/.test(base) ? 'attachment' : base;
}

export async function createAttachmentUpload(
  req: { name: string; contentType: string; size: number },
  deps: { attachments: AttachmentStore; maxBytes: number; now: Date },
) {
  const issues: FieldIssue[] = [];
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(req.contentType))
    issues.push({ field: 'contentType', message: `must be one of ${ATTACHMENT_TYPES.join(', ')}` });
  if (req.size > deps.maxBytes) issues.push({ field: 'size', message: `must be at most ${deps.maxBytes} bytes` });
  if (issues.length) throw new ValidationError(issues);
  const key = `uploads/${deps.now.toISOString().slice(0, 10)}/${randomUUID()}`;
  const upload = await deps.attachments.presignUpload(key, req.contentType, req.size);
  return { key, name: safeAttachmentName(req.name), contentType: req.contentType, size: req.size, upload };
}

/** The detector, loaded when an attachment is first checked (a chunk of its own in the bundle). */
const detector = () => import('file-type').then((m) => m.fileTypeFromBuffer);

/** What the file is, from its content: its detected type when that is the declared one and the whole file parses as it. */
async function contentMatches(bytes: Uint8Array | undefined, declared: string): Promise<boolean> {
  if (!bytes?.length) return false;
  const detected = await (await detector())(bytes);
  return detected?.mime === declared && checkContent(bytes, declared).ok;
}

/**
 * Files the email intake stored itself (email/<messageId>/<n>) were screened by it
 * (domain/email-intake.ts planAttachments: the type from the first bytes); checked the same way
 * here. Customer uploads get the whole-file check.
 */
const SNIFF_BYTES = 16;
async function screenedByIntake(store: AttachmentStore, r: AttachmentRef): Promise<boolean> {
  return sniffType((await store.get(r.key, SNIFF_BYTES)) ?? new Uint8Array()) === r.contentType;
}

export async function verifyAttachments(refs: AttachmentRef[] | undefined, store: AttachmentStore, maxBytes: number): Promise<void> {
  if (!refs?.length) return;
  const issues: FieldIssue[] = [];
  await Promise.all(
    refs.map(async (r, i) => {
      const found = await store.head(r.key);
      if (!found) issues.push({ field: `attachments.${i}.key`, message: 'was not uploaded' });
      else if (found.size !== r.size || found.size > maxBytes) issues.push({ field: `attachments.${i}.size`, message: 'does not match the uploaded file' });
      else if (found.contentType !== r.contentType) issues.push({ field: `attachments.${i}.contentType`, message: 'does not match the uploaded file' });
      else if (!(await (r.key.startsWith('uploads/') ? contentMatches(await store.get(r.key), r.contentType) : screenedByIntake(store, r)))) {
        issues.push({ field: `attachments.${i}.contentType`, message: "does not match the file's content" });
      }
    }),
  );
  if (issues.length) throw new ValidationError(issues.sort((a, b) => a.field.localeCompare(b.field)));
}
