import * as z from 'zod';
import { textProblem } from '../domain/text.ts';

/**
 * A schema built on first use, once - not when its module loads: a cold start builds only the
 * schemas its requests parse (building them all took ~20 ms of CPU, more than half of a bare
 * function's start-up; docs/adr/0010-schemas-built-on-first-use.md). Every exported schema of
 * these modules is one. Inside another schema's builder, refer to one by `.unwrap()`: the built
 * schema itself, so that composed schemas and the OpenAPI document are exactly as before.
 * Each call is annotated `@__PURE__`: a bundle that never reads the schema leaves it, and its
 * builder, out (AggregateComplaints loads the dashboard module, and no zod at all).
 */
export function onFirstUse<T extends z.ZodType>(build: () => T): z.ZodLazy<T> {
  let built: T | undefined;
  return z.lazy(() => (built ??= build()));
}

export const ErrorResponse = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      error: z.string().meta({ description: 'Machine-readable error code, e.g. validation_failed' }),
      message: z.string(),
      fields: z
        .array(z.object({ field: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'One entry per invalid field, named by its path (e.g. complainant.contact.email)' }),
    })
    .meta({ id: 'ErrorResponse' }),
);
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const DeadlineView = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      dueAt: z.string().meta({ description: 'ISO 8601 UTC' }),
      rule: z.string(),
      state: z.enum(['due', 'due_soon', 'breached', 'met']),
    })
    .meta({ id: 'Deadline' }),
);

/** Required free text: trimmed, 1 to `max` characters, well-formed and visible (domain/text.ts says why). */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((s, ctx) => {
      const problem = s.length > 0 ? textProblem(s) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const Reference = /* @__PURE__ */ onFirstUse(() =>
  z
    .string()
    .regex(/^[A-Z]{2}-\d{4}-\d{6,}$/)
    .meta({ example: 'CN-2026-000123' }),
);
