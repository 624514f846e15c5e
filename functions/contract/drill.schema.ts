/**
 * The drills' boundaries (issue 20, ADR 0017): a scenario file of the library (drills/scenarios/),
 * and the staff requests that start a drill, close it with its review, ask for its report, for a
 * periodic review and for training records. Each built on first use (common.schema.ts).
 */
import * as z from 'zod';
import { DRILL_CHANNELS } from '../domain/drill.ts';
import { onFirstUse, text } from './common.schema.ts';

const Bilingual = () => z.object({ en: z.string().min(1), 'zh-CN': z.string().min(1) }).strict();

export const ScenarioSchema = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      id: z.string().regex(/^[a-z0-9-]{3,60}$/),
      version: z.number().int().min(1),
      title: Bilingual(),
      purpose: Bilingual(),
      complaints: z
        .array(
          z
            .object({
              key: z.string().regex(/^[a-z0-9-]{1,40}$/),
              offsetMinutes: z
                .number()
                .int()
                .min(0)
                .max(7 * 24 * 60),
              channel: z.enum(DRILL_CHANNELS),
              charset: z.enum(['gbk', 'gb18030', 'utf-8']).optional(),
              language: z.enum(['zh-CN', 'en']),
              anonymous: z.boolean().optional(),
              businessLine: z.string().max(100).optional(),
              targetDepartment: z.string().max(100).optional(),
              description: z.string().min(10).max(2000),
              demand: z.string().max(500).optional(),
              amount: z
                .object({ value: z.number().positive(), currency: z.string().length(3) })
                .strict()
                .optional(),
              expect: z
                .object({
                  department: z.string().optional(),
                  major: z.boolean().optional(),
                  crossDepartment: z.boolean().optional(),
                  anonymous: z.boolean().optional(),
                  deadlines: z.array(z.string()).optional(),
                  reopened: z.boolean().optional(),
                  extended: z.boolean().optional(),
                })
                .strict(),
            })
            .strict()
            .refine((c) => c.channel === 'email' || c.charset === undefined, { message: 'charset is for email complaints only', path: ['charset'] }),
        )
        .min(1)
        .refine((cs) => new Set(cs.map((c) => c.key)).size === cs.length, { message: 'keys must be unique' }),
    })
    .strict(),
);

const staffId = () => z.string().regex(/^[\w.@-]{1,100}$/, 'must be a staff id');

export const StartDrillRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      scenario: z
        .string()
        .regex(/^[a-z0-9-]{3,60}$/, 'must be a scenario id of the library')
        .meta({ description: 'A scenario of drills/scenarios/' }),
      participants: z.array(staffId()).min(1).max(50).meta({ description: 'Staff ids of who takes part: their training records' }),
      disposal: z
        .enum(['archive', 'discard'])
        .default('archive')
        .meta({ description: 'After the report: keep the complaints apart in the archive, or discard them' }),
    })
    .strict()
    .meta({ id: 'StartDrillRequest' }),
);

export const DrillParams = /* @__PURE__ */ onFirstUse(() => z.object({ drillId: z.string().regex(/^DR-[A-Za-z0-9-]{4,60}$/, 'must be a drill id') }));

export const CloseDrillRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      notes: z
        .array(z.object({ by: staffId(), text: text(2000) }).strict())
        .max(100)
        .default([])
        .meta({ description: 'Problems the participants found, in their words' }),
      actions: z
        .array(
          z
            .object({
              description: text(1000),
              owner: staffId(),
              dueAt: z.iso.datetime({ offset: true }),
              category: z.string().max(100).optional(),
              complaintId: z.string().max(40).optional(),
            })
            .strict(),
        )
        .max(50)
        .default([])
        .meta({ description: 'Improvement actions with their owners (corrective actions)' }),
      outcomes: z
        .array(z.object({ staffId: staffId(), outcome: z.enum(['passed', 'needs-training', 'failed']), note: z.string().max(1000).optional() }).strict())
        .max(50)
        .default([])
        .meta({ description: "Each participant's outcome: their training record" }),
    })
    .strict()
    .meta({ id: 'CloseDrillRequest' }),
);

export const ReportQuery = /* @__PURE__ */ onFirstUse(() =>
  z.object({
    format: z.enum(['json', 'html', 'pdf']).default('json'),
    language: z.enum(['en', 'zh-CN']).default('en'),
  }),
);

export const ReviewRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      period: z.string().regex(/^\d{4}-(Q[1-4]|H[12])$/, 'must be a quarter (2026-Q3) or a half-year (2026-H2)'),
    })
    .strict()
    .meta({ id: 'ReviewRequest' }),
);

export const ReviewParams = /* @__PURE__ */ onFirstUse(() =>
  z.object({ period: z.string().regex(/^\d{4}-(Q[1-4]|H[12])$/, 'must be a quarter (2026-Q3) or a half-year (2026-H2)') }),
);

export const StaffParams = /* @__PURE__ */ onFirstUse(() => z.object({ staffId: staffId() }));
