/** The boundary of `getComplaintStatus`: what a customer sees with reference + access code. */
import * as z from 'zod';
import { DeadlineView, onFirstUse, Reference, text } from './common.schema.ts';

export const ComplaintStatusParams = /* @__PURE__ */ onFirstUse(() => z.object({ reference: Reference.unwrap() }));

export const ComplaintStatusResponse = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      reference: Reference.unwrap(),
      status: z.enum(['OPEN', 'CLOSED']),
      stage: z.enum(['RECEIVED', 'INVESTIGATION', 'REPLY', 'CALLBACK', 'CLOSED']),
      stageLabel: z.string(),
      receivedAt: z.string(),
      deadlines: z.record(z.string(), DeadlineView.unwrap()),
      history: z.array(z.object({ at: z.string(), action: z.string(), summary: z.string() })),
      reply: z.object({ subject: z.string(), text: z.string(), sentAt: z.string() }).optional().meta({ description: 'Our reply, once sent' }),
      callbackDue: z.boolean().meta({ description: 'The satisfaction callback can be answered now' }),
      submitted: z
        .object({
          description: z.string(),
          cause: z.string().optional(),
          demand: z.string().optional(),
          attachments: z.array(z.object({ name: z.string(), contentType: z.string(), size: z.number() })),
        })
        .meta({ description: 'What the customer submitted, for them to check: their words, whole, and the names of their attachments' }),
    })
    .meta({ id: 'ComplaintStatusResponse' }),
);
export type ComplaintStatusResponse = z.infer<typeof ComplaintStatusResponse>;

export const CustomerCallbackRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      satisfaction: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
      comment: text(4000).optional(),
    })
    .strict()
    .meta({ id: 'CustomerCallbackRequest' }),
);

/** The one-time code mailed to the earlier complaint's email on file (a suspected repeat: issue 16). */
export const RepeatConfirmationRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ code: text(40).meta({ description: 'The confirmation code from the email, e.g. 7K3QD-M9XPA' }) })
    .strict()
    .meta({ id: 'RepeatConfirmationRequest' }),
);
