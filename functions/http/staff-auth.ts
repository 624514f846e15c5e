/**
 * Who is calling a staff route. On AWS the HTTP API's JWT authorizer (Cognito) has
 * verified the token and put its claims in requestContext.authorizer.jwt.claims; locally
 * the local API Gateway does the same with the local issuer. Array claims arrive as
 * "[a b]" strings from API Gateway, or as arrays.
 *
 * A signature, issuer, audience and expiry check is not enough for a bank: an ID token stays
 * valid for its lifetime after its holder left or was suspended. So the staff member must
 * also be in the staff directory and not disabled there; otherwise 401, on the audit record
 * (staff id and operation only - never the token).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROLES, type Actor, type Role } from '../domain/authorization.ts';
import type { AuditLog, ComplaintRepository } from '../domain/ports.ts';
import type { Clock } from '../shared/clock.ts';
import { UnauthorizedError } from '../shared/errors.ts';

function list(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

export function actorFrom(event: APIGatewayProxyEventV2): Actor {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const id = claims?.['cognito:username'] ?? claims?.username ?? claims?.sub;
  if (!claims || typeof id !== 'string') throw new UnauthorizedError();
  const roles = list(claims['cognito:groups']).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  return { id, name: String(claims.name ?? id), roles, department: String(claims['custom:department'] ?? '') };
}

/** The caller of a staff route, from the verified claims, if the directory still knows them as active. */
export async function authenticateStaff(
  event: APIGatewayProxyEventV2, operation: string,
  deps: { repo: Pick<ComplaintRepository, 'getStaff'>; audit: AuditLog; clock: Clock },
): Promise<Actor> {
  const actor = actorFrom(event);
  const profile = await deps.repo.getStaff(actor.id);
  if (!profile || profile.disabled) {
    await deps.audit.record({
      at: deps.clock.now().toISOString(), actor: actor.id, roles: actor.roles, operation, outcome: 'denied',
      detail: profile ? 'signed-in token of a disabled staff member' : 'signed-in token of someone not in the staff directory',
    });
    throw new UnauthorizedError('Your sign-in is no longer valid');
  }
  return actor;
}
