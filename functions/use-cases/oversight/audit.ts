/** The quality role searches the audit record: every read of personal data, every change, every denial. */
import * as z from 'zod';
import { authorize, type Actor } from '../../domain/authorization.ts';
import { parseOrThrow } from '../../http/http-handler.ts';
import type { Container } from '../../wiring/container.ts';
import { ForbiddenError } from '../../shared/errors.ts';

const AuditQuery = z.object({
  day: z.iso.date(),
  reference: z.string().regex(/^[A-Z]{2}-\d{4}-\d{6,}$/).optional(),
  actor: z.string().min(1).max(200).optional(),
});

export async function searchAudit(deps: Container, actor: Actor, query: Record<string, string | undefined>) {
  const decision = authorize(actor, 'searchAudit');
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const q = parseOrThrow(AuditQuery, query);
  return { day: q.day, entries: await deps.audit.search(q) };
}
