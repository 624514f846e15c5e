import { httpHandler } from '../http/http-handler.ts';
import { AttachmentUploadRequest } from '../http/schemas/attachment.schema.ts';
import { deps } from '../shared/container.ts';
import { attachments } from '../shared/object-storage.ts';
import { createAttachmentUpload } from '../use-cases/attachments.ts';

export const handler = httpHandler({ body: AttachmentUploadRequest }, async (req) => {
  const d = deps();
  return { statusCode: 201, body: await createAttachmentUpload(req.body, { attachments: attachments(), maxBytes: d.config.attachmentMaxBytes, now: d.clock.now() }) };
});
