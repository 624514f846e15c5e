/**
 * The boundary of the live evaluation of a major complaint (issue 20, ADR 0023): its request
 * body, built on first use; each error names its field.
 */
import * as z from 'zod';
import { LIVE_DECISIONS, LIVE_PROGRESS, LIVE_RISK_LEVELS } from '../domain/live-evaluation.ts';
import { onFirstUse, text } from './common.schema.ts';

export const LiveEvaluationRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      riskLevel: z.enum(LIVE_RISK_LEVELS).meta({ description: 'The risk as the evaluator judges it now' }),
      progress: z.enum(LIVE_PROGRESS).meta({ description: 'Progress against the handling plan' }),
      findings: text(4000).meta({ description: 'What the evaluation found (no customer data beyond what the complaint holds)' }),
      decision: z
        .enum(LIVE_DECISIONS)
        .meta({ description: 'The strategy: continue, adjust (say what changes) or escalate to the senior tier (say what is asked)' }),
      changes: text(2000).optional().meta({ description: 'What changes in the handling strategy: required to adjust or escalate' }),
      nextStepOwner: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .regex(/^[\w.@-]+$/, 'must be a staff id')
        .optional()
        .meta({ description: 'The staff member who owns the next step (told by a staff message)' }),
    })
    .strict()
    .superRefine((v, ctx) => {
      if (v.decision !== 'continue' && v.changes === undefined)
        ctx.addIssue({ code: 'custom', path: ['changes'], message: `is required to ${v.decision}: say what changes in the handling strategy` });
    })
    .meta({ id: 'LiveEvaluationRequest' }),
);
export type LiveEvaluationRequest = z.infer<typeof LiveEvaluationRequest>;
