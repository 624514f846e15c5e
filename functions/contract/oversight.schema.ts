/** The oversight routes' queries: the dashboard's and the audit search's (query strings, not bodies). */
import * as z from 'zod';
import { GROUP_BY } from '../domain/dashboard.ts';

/** The dashboard's query (getDashboard, exportDashboardCsv). */
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');
export const DashboardQuerySchema = z.object({
  from: month.optional().meta({ description: 'First month of receipt (YYYY-MM); default: 11 months before `to`' }),
  to: month.optional().meta({ description: 'Last month of receipt (YYYY-MM); default: the current month' }),
  by: z.enum(GROUP_BY).optional().meta({ description: 'Grouping of `groups` (default department)' }),
});

/** The audit search's query (searchAudit). */
export const AuditQuery = z.object({
  day: z.iso.date(),
  reference: z.string().regex(/^[A-Z]{2}-\d{4}-\d{6,}$/).optional(),
  actor: z.string().min(1).max(200).optional(),
});
