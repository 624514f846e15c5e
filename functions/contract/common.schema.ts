import * as z from 'zod';
import { textProblem } from '../domain/text.ts';

export const ErrorResponse = z
  .object({
    error: z.string().meta({ description: 'Machine-readable error code, e.g. validation_failed' }),
    message: z.string(),
    fields: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'One entry per invalid field, named by its path (e.g. complainant.contact.email)' }),
  })
  .meta({ id: 'ErrorResponse' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const DeadlineView = z
  .object({
    dueAt: z.string().meta({ description: 'ISO 8601 UTC' }),
    rule: z.string(),
    state: z.enum(['due', 'due_soon', 'breached', 'met']),
  })
  .meta({ id: 'Deadline' });

/** Required free text: trimmed, 1 to `max` characters, well-formed and visible (domain/text.ts says why). */
export const text = (max: number) => z.string().trim().min(1).max(max).superRefine((s, ctx) => {
  const problem = s.length > 0 ? textProblem(s) : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const Reference = z.string().regex(/^[A-Z]{2}-\d{4}-\d{6,}$/).meta({ example: 'CN-2026-000123' });
