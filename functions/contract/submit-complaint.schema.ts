/** The boundary of `submitComplaint`: the body a customer (web form) sends, and the answer. */
import * as z from 'zod';
import { VulnerabilityFields } from './redress.schema.ts';
import { DESCRIPTION_MAX_CHARS } from '../domain/complaint.ts';
import { DeadlineView, onFirstUse, Reference, text } from './common.schema.ts';

/** Images and PDF only: what a complaint needs as evidence, nothing executable. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;
export const AttachmentType = /* @__PURE__ */ onFirstUse(() => z.enum(ATTACHMENT_TYPES));
export const MAX_ATTACHMENTS = 5;
/**
 * The largest body a complaint may come in (submitComplaint, createStaffComplaint): the longest
 * description JSON-escaped (6 bytes a character) and every other field at its maximum fit,
 * so no complaint is refused for its length before its fields are read.
 */
export const SUBMIT_MAX_BODY_BYTES = 512 * 1024;

export const SubmitComplaintRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      language: z.enum(['zh-CN', 'en']).optional().meta({ description: "Defaults to the region's first language" }),
      complainant: z
        .object({
          anonymous: z.boolean().default(false),
          name: text(200).optional(),
          gender: z.enum(['female', 'male', 'other', 'undisclosed']).optional(),
          age: z.number().int().min(0).max(150).optional(),
          contact: z
            .object({
              email: z.email().max(254).optional(),
              phone: z
                .string()
                .trim()
                .regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number')
                .optional(),
              address: text(500).optional(),
            })
            .strict()
            .optional(),
        })
        .strict(),
      target: z
        .object({ department: text(200).optional(), staffMember: text(200).optional() })
        .strict()
        .optional(),
      matter: z
        .object({
          description: text(DESCRIPTION_MAX_CHARS).meta({
            description: `What happened, in the customer's words: up to ${DESCRIPTION_MAX_CHARS} characters, stored whole`,
          }),
          cause: text(2_000).optional(),
          demand: text(2_000).optional().meta({ description: 'What the customer wants' }),
        })
        .strict(),
      occurredAt: z.iso
        .date()
        .or(z.iso.datetime({ offset: true }))
        .optional(),
      place: text(500).optional(),
      businessLine: text(100).optional(),
      amount: z
        .object({
          // At most 4 decimal places: a sum of money, and a number DynamoDB can store (it refuses magnitudes below 1e-130: 5e-324 was a 500).
          value: z
            .number()
            .nonnegative()
            .max(1e13)
            .refine((v) => /^\d+(\.\d{1,4})?$/.test(String(v)), 'must be an amount with at most 4 decimal places'),
          currency: z.string().regex(/^[A-Z]{3}$/),
        })
        .strict()
        .optional(),
      consent: z.object({ personalData: z.boolean() }).strict().optional(),
      attachments: z
        .array(
          z
            .object({
              key: z.string().regex(/^uploads\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}$/, 'must be a key returned by createAttachmentUpload'),
              name: text(200),
              contentType: AttachmentType.unwrap(),
              size: z.number().int().positive(),
            })
            .strict(),
        )
        .max(MAX_ATTACHMENTS)
        .optional()
        .meta({ description: 'Files uploaded first with createAttachmentUpload' }),
      vulnerability: VulnerabilityFields.unwrap()
        .optional()
        .meta({ description: 'Optional: the customer tells us of circumstances that make them vulnerable, and the support they need; it gives priority' }),
    })
    .strict()
    .superRefine((v, ctx) => {
      const c = v.complainant.contact;
      const hasContact = !!(c?.email || c?.phone || c?.address);
      if (!v.complainant.anonymous && !hasContact) {
        ctx.addIssue({
          code: 'custom',
          path: ['complainant', 'contact'],
          message: 'give an email, phone or address, or choose to stay anonymous',
        });
      }
      if (!v.complainant.anonymous && v.consent?.personalData !== true) {
        ctx.addIssue({ code: 'custom', path: ['consent', 'personalData'], message: 'consent to the processing of personal data is required' });
      }
    })
    .meta({ id: 'SubmitComplaintRequest' }),
);
export type SubmitComplaintRequest = z.infer<typeof SubmitComplaintRequest>;

export const SubmitComplaintResponse = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      reference: Reference.unwrap(),
      accessCode: z.string().meta({ description: 'Give it with the reference to follow the complaint; shown once' }),
      acknowledgement: z.object({
        receivedAt: z.string(),
        message: z.string(),
        nextSteps: z.array(z.string()),
        responseDeadline: DeadlineView.unwrap(),
        followUp: z.string(),
      }),
    })
    .meta({ id: 'SubmitComplaintResponse' }),
);
export type SubmitComplaintResponse = z.infer<typeof SubmitComplaintResponse>;
