/** The regulatory returns' requests: the regulatory class staff set, the return's and drill-down's queries. */
import * as z from 'zod';
import { onFirstUse } from './common.schema.ts';

const code = (max = 120) => z.string().trim().min(1).max(max);

/** setRegulatoryClass: the complaint's region's part is required; codes are checked against the taxonomy (domain/taxonomies.ts). */
export const RegulatoryClassRequest = /* @__PURE__ */ onFirstUse(() =>
  z
    .object({
      uk: z.object({ productGroup: code(), cause: code() }).strict().optional().meta({ description: 'FCA product grouping and cause codes (UK complaints)' }),
      us: z
        .object({ product: code(), subProduct: code().optional(), issue: code(), subIssue: code().optional(), publicResponse: code(300).optional() })
        .strict()
        .optional()
        .meta({ description: 'CFPB product, sub-product, issue, sub-issue (labels as on the portal) and the public response (US complaints)' }),
      cn: z
        .object({ a: code(8), b: code(8), c: code(8) })
        .strict()
        .optional()
        .meta({ description: 'JR/T 0169-2018 codes: A channel, B business type, C cause (CN complaints)' }),
    })
    .strict()
    .refine((v) => v.uk || v.us || v.cn, { message: "give the class in your region's taxonomy (uk, us or cn)" })
    .meta({ id: 'RegulatoryClassRequest' }),
);

const period = () =>
  z
    .string()
    .regex(/^\d{4}(H[12]|Q[1-4])$/, 'must be a half-year (YYYYH1, YYYYH2: uk) or a quarter (YYYYQ1..4: us, cn)')
    .meta({ description: 'The period: UK half-years YYYYH1|YYYYH2, US and CN quarters YYYYQ1..YYYYQ4' });

/** getRegulatoryReturn, exportRegulatoryReturn. */
export const ReturnQuery = /* @__PURE__ */ onFirstUse(() =>
  z.object({
    period: period(),
    format: z.enum(['csv', 'xlsx']).optional().meta({ description: 'Export format (default csv)' }),
  }),
);

/** listReturnComplaints: the complaints behind one figure, optionally of one cell. */
export const ReturnCellQuery = /* @__PURE__ */ onFirstUse(() =>
  z.object({
    period: period(),
    figure: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,40}$/, 'must be a figure name')
      .meta({ description: 'e.g. opened, closedWithin3BusinessDays, upheld, redressPaid, outstandingAtStart (uk); received, closed (cn); received (us)' }),
    productGroup: code().optional(),
    cause: code().optional(),
    a: code(8).optional(),
    b: code(8).optional(),
    c: code(8).optional(),
    product: code().optional(),
  }),
);
