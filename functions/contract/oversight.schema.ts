/** The oversight routes' queries: the dashboard's and the audit search's (query strings, not bodies). */
import * as z from 'zod';
import { GROUP_BY } from '../domain/dashboard.ts';
import { onFirstUse } from './common.schema.ts';

/** The dashboard's query (getDashboard, exportDashboardCsv). */
// Built on first use (ADR 0010): TableChanges loads the dashboard module for its writes, which validate no query.
export const DashboardQuerySchema = /* @__PURE__ */ onFirstUse(() => {
  const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');
  return z.object({
    from: month.optional().meta({ description: 'First month of receipt (YYYY-MM); default: 11 months before `to`' }),
    to: month.optional().meta({ description: 'Last month of receipt (YYYY-MM); default: the current month' }),
    by: z.enum(GROUP_BY).optional().meta({ description: 'Grouping of `groups` (default department)' }),
  });
});

/** The audit search's query (searchAudit). */
export const AuditQuery = /* @__PURE__ */ onFirstUse(() =>
  z.object({
    day: z.iso.date(),
    reference: z
      .string()
      .regex(/^[A-Z]{2}-\d{4}-\d{6,}$/)
      .optional(),
    actor: z.string().min(1).max(200).optional(),
  }),
);
