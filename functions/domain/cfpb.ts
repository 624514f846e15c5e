/**
 * The CFPB company response categories (US): what staff choose on a US reply, as the CFPB's
 * company portal names them. Its own module, with no imports: the complaint model records the
 * choice (complaint.ts) and the final-response wording names it (final-response.ts).
 */
export const CFPB_RESPONSES = ['closed-with-monetary-relief', 'closed-with-non-monetary-relief', 'closed-with-explanation', 'in-progress'] as const;
export type CfpbResponse = (typeof CFPB_RESPONSES)[number];
