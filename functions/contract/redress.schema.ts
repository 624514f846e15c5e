/**
 * The boundary of the outcome, redress, referral, corrective-action and vulnerability
 * operations (issue 19 B): one schema per request body, built on first use; errors name the field.
 */
import * as z from 'zod';
import { OUTCOME_RESULTS, REDRESS_KINDS, REFERRAL_BODIES, REFERRAL_RESULTS, VULNERABILITY_KINDS } from '../domain/complaint.ts';
import { onFirstUse, Reference, text } from './common.schema.ts';

/** ISO 4217 codes the runtime knows (Intl): a made-up three letters is refused. */
let currencies: Set<string> | undefined;
function isCurrency(c: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(c);
}

const instant = () => z.iso.datetime({ offset: true });

export const OutcomeFields = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      result: z.enum(OUTCOME_RESULTS).meta({ description: 'FCA counting: partly-upheld counts as upheld' }),
      note: text(2000).optional(),
    })
    .strict()
    .meta({ id: 'OutcomeRequest' }),
);

/** A new entry (amountMinor, currency, kind), or the reversal of one (reverses): one body, each error naming its field. */
export const RedressRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Integer minor units (pence, cents, fen)' }),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .refine(isCurrency, { message: 'must be an ISO 4217 currency code' })
        .optional()
        .meta({ description: 'ISO 4217, e.g. GBP' }),
      kind: z.enum(REDRESS_KINDS).optional(),
      paidAt: instant().optional().meta({ description: 'When it was paid, if it was' }),
      reverses: z
        .string()
        .regex(/^R\d+$/)
        .optional()
        .meta({ description: 'Instead of a new entry: the ledger entry this corrects, appended as its reversal' }),
      note: text(1000).optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      if (v.reverses !== undefined) {
        for (const f of ['amountMinor', 'currency', 'kind', 'paidAt'] as const)
          if (v[f] !== undefined)
            ctx.addIssue({ code: 'custom', path: [f], message: 'a reversal takes the reversed entry as it is: give only reverses and a note' });
        return;
      }
      for (const f of ['amountMinor', 'currency', 'kind'] as const) if (v[f] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: 'required' });
    })
    .meta({ id: 'RedressRequest' }),
);

export const ReferralRequestSchema = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      body: z.enum(REFERRAL_BODIES).meta({ description: 'FOS (UK), CFPB (US), CN-12378 (NFRA), or a mediation organisation' }),
      organisation: text(200).optional().meta({ description: 'The mediation organisation (body: mediation)' }),
      externalReference: text(100).meta({ description: "The body's own case reference" }),
      referredAt: instant().meta({ description: 'When the body told us of the referral' }),
      dueAt: instant().optional().meta({ description: 'CN-12378 and mediation: the deadline the body set (FOS and CFPB: computed)' }),
    })
    .strict()
    .meta({ id: 'ReferralRequest' }),
);

export const ReferralOutcomeRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ referralId: z.string().regex(/^F\d+$/), result: z.enum(REFERRAL_RESULTS), note: text(2000).optional() })
    .strict()
    .meta({ id: 'ReferralOutcomeRequest' }),
);

/** Kinds of vulnerability (FCA FG21/1 drivers) and the adjustments: what the form and staff send. */
export const VulnerabilityFields = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      kinds: z.array(z.enum(VULNERABILITY_KINDS)).min(1).max(4).meta({ description: 'health, life-event, resilience, capability (FCA FG21/1)' }),
      adjustments: z.array(text(300)).max(10).optional().meta({ description: 'Adjustments made or asked for (large print, a carer on calls, ...)' }),
    })
    .strict()
    .meta({ id: 'VulnerabilityDeclaration' }),
);

export const VulnerabilityRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      kinds: z.array(z.enum(VULNERABILITY_KINDS)).min(1).max(4),
      adjustments: z.array(text(300)).max(10).default([]),
      causedByFailureToRespond: z.boolean().optional().meta({ description: 'The complaint is about us failing to respond to the vulnerability (PS25/19)' }),
    })
    .strict()
    .meta({ id: 'VulnerabilityRequest' }),
);

export const CorrectiveActionRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      description: text(2000),
      owner: text(200).meta({ description: 'Staff id of the owner' }),
      dueAt: instant(),
      category: z.enum(['service', 'product', 'operation', 'violation']).optional().meta({ description: "Default: the complaint's nature" }),
    })
    .strict()
    .meta({ id: 'CorrectiveActionRequest' }),
);

export const CorrectiveActionUpdate = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      id: z
        .string()
        .regex(/^CA-[A-Za-z0-9-]{1,80}$/)
        .meta({ description: 'The corrective action' }),
      evidence: text(4000).optional().meta({ description: 'What shows the fix is in place' }),
      close: z.boolean().optional().meta({ description: 'Close the action (evidence required, given now or before)' }),
    })
    .strict()
    .refine((v) => v.evidence !== undefined || v.close, { message: 'give evidence or close' })
    .meta({ id: 'CorrectiveActionUpdate' }),
);

export const ActionsQuery = /* @__PURE__ */ onFirstUse(() =>
  z.object({ complaint: Reference.unwrap().optional(), state: z.enum(['open', 'closed', 'all']).optional() }),
);
