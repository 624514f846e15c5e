/** The quality role searches the audit record: every read of personal data, every change, every denial. */
import { authorize, type Actor } from '../../domain/authorization.ts';
import type { AuditLog } from '../../domain/ports.ts';
import { AuditQuery } from '../../contract/oversight.schema.ts';
import { parseOrThrow } from '../../contract/validation.ts';
import { ForbiddenError } from '../../shared/errors.ts';

export async function searchAudit(deps: { audit: AuditLog }, actor: Actor, query: Record<string, string | undefined>) {
  const decision = authorize(actor, 'searchAudit');
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const q = parseOrThrow(AuditQuery, query);
  return { day: q.day, entries: await deps.audit.search(q) };
}
