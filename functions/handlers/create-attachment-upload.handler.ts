import { httpHandler } from '../http/http-handler.ts';
import { AttachmentUploadRequest } from '../contract/attachment.schema.ts';
import { currentClock } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { attachments } from '../wiring/object-storage.ts';
import { createAttachmentUpload } from '../use-cases/intake/attachments.ts';

export const handler = httpHandler({ body: AttachmentUploadRequest }, async (req) => {
  // No container: this function has S3 only (FUNCTIONS), and the container would bundle the DynamoDB client.
  return {
    statusCode: 201,
    body: await createAttachmentUpload(req.body, { attachments: attachments(), maxBytes: config().attachmentMaxBytes, now: currentClock().now() }),
  };
});
