import * as z from 'zod';
import { onFirstUse, text } from './common.schema.ts';
import { AttachmentType } from './submit-complaint.schema.ts';

export const AttachmentUploadRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ name: text(200), contentType: AttachmentType.unwrap(), size: z.number().int().positive() })
    .strict()
    .meta({ id: 'AttachmentUploadRequest' }),
);

export const AttachmentUploadResponse = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      key: z.string(),
      name: z.string(),
      contentType: z.string(),
      size: z.number(),
      upload: z.object({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()), expiresAt: z.string() }),
    })
    .meta({ id: 'AttachmentUploadResponse' }),
);
