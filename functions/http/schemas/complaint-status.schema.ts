/** The boundary of `getComplaintStatus`: what a customer sees with reference + access code. */
import { z } from 'zod';
import { DeadlineView, Reference } from './common.schema.ts';

export const ComplaintStatusParams = z.object({ reference: Reference });

export const ComplaintStatusResponse = z
  .object({
    reference: Reference,
    status: z.enum(['OPEN', 'CLOSED']),
    stage: z.enum(['RECEIVED', 'INVESTIGATION', 'REPLY', 'CALLBACK', 'CLOSED']),
    stageLabel: z.string(),
    receivedAt: z.string(),
    deadlines: z.record(z.string(), DeadlineView),
    history: z.array(z.object({ at: z.string(), action: z.string(), summary: z.string() })),
  })
  .meta({ id: 'ComplaintStatusResponse' });
export type ComplaintStatusResponse = z.infer<typeof ComplaintStatusResponse>;
