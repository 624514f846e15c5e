/**
 * The boundary of every staff operation: one schema per request body, each built on first use
 * (common.schema.ts): a StaffApi cold start serves one route and builds one of them.
 */
import * as z from 'zod';
import { onFirstUse, Reference, text } from './common.schema.ts';
import { SubmitComplaintRequest } from './submit-complaint.schema.ts';
import { OutcomeFields } from './redress.schema.ts';
import { CFPB_RESPONSES } from '../domain/cfpb.ts';
import { CALENDAR_YEARS, calendarYearIssues } from '../domain/calendar-data.ts';

export const ReferenceParams = /* @__PURE__ */ onFirstUse(() => z.object({ reference: z.string().regex(/^[A-Z]{2}-\d{4}-\d{6,}$/) }));

/** ?team= of listTeamQueue (oversight roles list any team): a department name, not anything at all. */
export const TeamQuery = /* @__PURE__ */ onFirstUse(() => z.object({ team: text(100).optional() }));

export const StaffComplaintRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      channel: z.enum(['phone', 'branch', 'letter', 'email']).meta({ description: 'How the customer complained; the reply goes back the same way' }),
      complaint: SubmitComplaintRequest.unwrap(),
    })
    .strict()
    .meta({ id: 'StaffComplaintRequest' }),
);

export const ClassificationCorrection = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      nature: z.enum(['service', 'product', 'operation', 'violation']).optional(),
      urgency: z.enum(['general', 'urgent']).optional(),
      riskLevel: z.enum(['low', 'medium', 'high']).optional(),
      priority: z.enum(['P1', 'P2', 'P3']).optional(),
    })
    .strict()
    .refine((v) => Object.keys(v).length > 0, { message: 'give at least one field to correct' })
    .meta({ id: 'ClassificationCorrection' }),
);

export const InvestigationRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      rootCause: text(4000),
      responsiblePeople: text(1000),
      correctiveMeasures: text(4000),
      correctionResult: text(4000),
    })
    .strict()
    .meta({ id: 'InvestigationRequest', description: 'The four "don\'t-let-go" fields (S0 6.2); all required' }),
);

export const HandlingPlanRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ departments: z.array(z.object({ department: text(100), duty: text(1000), dueAt: z.iso.datetime({ offset: true }) }).strict()).min(2) })
    .strict()
    .meta({ id: 'HandlingPlanRequest' }),
);

export const ReplyRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      subject: text(300),
      text: text(20_000),
      outcome: OutcomeFields.unwrap()
        .optional()
        .meta({ description: 'The outcome the reply gives (upheld, partly-upheld, not-upheld): required unless recorded before (recordOutcome)' }),
      cfpbResponse: z.enum(CFPB_RESPONSES).optional().meta({ description: 'US (required there): the CFPB company response category of this reply' }),
    })
    .strict()
    .meta({ id: 'ReplyRequest' }),
);
export const WithdrawRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ reason: text(2000).optional() })
    .strict()
    .meta({ id: 'WithdrawRequest', description: 'Its author takes back a reply waiting for approval; it goes back to draft' }),
);
export const DecisionRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ approve: z.boolean(), comment: text(2000).optional() })
    .strict()
    .meta({ id: 'DecisionRequest' }),
);
export const ReasonRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ reason: text(2000) })
    .strict()
    .meta({ id: 'ReasonRequest' }),
);
export const CallbackRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ satisfaction: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]), comment: text(4000).optional() })
    .strict()
    .meta({ id: 'CallbackRequest' }),
);
export const MergeRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ into: Reference.unwrap().meta({ description: 'The earlier complaint this one repeats (or is about), which carries on' }) })
    .strict()
    .meta({ id: 'MergeRequest' }),
);
export const LinkRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ to: Reference.unwrap().meta({ description: 'The complaint this one is related to (same customer or matter), for staff to see beside it' }) })
    .strict()
    .meta({ id: 'LinkRequest' }),
);
export const ReassignRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({ assignee: text(200).optional(), team: text(100).optional() })
    .strict()
    .refine((v) => v.assignee || v.team, { message: 'give an assignee or a team' })
    .meta({ id: 'ReassignRequest' }),
);
export const EmptyRequest = /* @__PURE__ */ onFirstUse(() => z.object({}).strict());
export const CallRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      messageId: text(200).meta({ description: 'The call task (a message with channel call-task) this call delivered' }),
      outcome: z.enum(['reached', 'no-answer', 'wrong-number']),
      note: text(2000).optional(),
    })
    .strict()
    .meta({ id: 'CallRequest' }),
);
export const RestrictionRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      reason: text(2000).meta({ description: 'Why (harassment, abusive language, ...): recorded and shown to staff' }),
      until: z.iso.date().optional().meta({ description: 'Last day of the restriction; none: until lifted' }),
    })
    .strict()
    .meta({ id: 'RestrictionRequest' }),
);
export const ErasureRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      basis: z.enum(['gdpr-art-17', 'uk-gdpr-art-17', 'pipl-art-47', 'ccpa-1798.105', 'other']).meta({ description: 'The legal basis of the erasure request' }),
      request: text(200).optional().meta({ description: "The data-protection team's own reference of the request" }),
    })
    .strict()
    .meta({ id: 'ErasureRequest' }),
);

/**
 * A year of the region's business calendar, added or corrected by an administrator (issue 22):
 * dates inside the year, no day both off and working, a confirmed year with its official source
 * (domain/calendar-data.ts calendarYearIssues names the field of each problem).
 */
export const CalendarYearRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      year: z.number().int().min(CALENDAR_YEARS.from).max(CALENDAR_YEARS.to).meta({ description: 'The calendar year' }),
      status: z
        .enum(['confirmed', 'unconfirmed'])
        .default('confirmed')
        .meta({ description: 'confirmed: the official adjustments are known (with their source); unconfirmed: not yet published' }),
      source: z
        .object({
          title: text(300).meta({ description: 'Title of the official document' }),
          date: z.iso.date().meta({ description: 'Its publication date' }),
          url: z
            .url({ protocol: /^https?$/ })
            .max(500)
            .meta({ description: 'Where it is published' }),
        })
        .strict()
        .optional(),
      extraHolidays: z.array(z.string().max(10)).max(60).default([]).meta({ description: 'Days off on top of the base holidays (YYYY-MM-DD)' }),
      extraWorkingDays: z.array(z.string().max(10)).max(60).default([]).meta({ description: 'Weekend or holiday dates that are working days (YYYY-MM-DD)' }),
      note: text(1000).optional(),
      expectedVersion: z.number().int().min(0).meta({ description: 'The version being corrected (0: the year has no runtime entry yet)' }),
    })
    .strict()
    .superRefine((v, ctx) => {
      for (const issue of calendarYearIssues(v.year, v)) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) });
      }
    })
    .meta({ id: 'CalendarYearRequest' }),
);
export type CalendarYearRequest = z.infer<typeof CalendarYearRequest>;
