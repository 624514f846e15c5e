/**
 * Who is calling a staff route. On AWS the HTTP API's JWT authorizer has verified the ID
 * token of the region's identity provider (Cognito, or the bank's own OpenID Connect
 * provider) and put its claims in requestContext.authorizer.jwt.claims; locally the local API
 * Gateway does the same with the local OIDC provider. Which claims name the staff member, the
 * roles (or groups) and the department is configuration (../domain/staff-claims.ts): Cognito's
 * names unless the environment says otherwise. Array claims arrive as "[a b]" strings from API
 * Gateway, or as arrays.
 *
 * A signature, issuer, audience and expiry check is not enough for a bank: an ID token stays
 * valid for its lifetime after its holder left or was suspended. So the staff member must
 * also be in the staff directory and not disabled there; otherwise 401, on the audit record
 * (staff id and operation only - never the token).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Actor } from '../domain/authorization.ts';
import type { AuditLog, StaffDirectory } from '../domain/ports.ts';
import type { Clock } from '../shared/clock.ts';
import { UnauthorizedError } from '../shared/errors.ts';
import { actorFromClaims, COGNITO_CLAIMS, type StaffClaimMapping } from '../domain/staff-claims.ts';

export function actorFrom(event: APIGatewayProxyEventV2, mapping: StaffClaimMapping = COGNITO_CLAIMS): Actor {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const actor = claims && actorFromClaims(claims, mapping);
  if (!actor) throw new UnauthorizedError();
  return actor;
}

/**
 * The caller of a staff route, from the verified claims, if the directory still knows them as active.
 *
 * Where the directory is fed by sign-ins (`provision`: on AWS, where the bank's identity
 * provider - Cognito or its OIDC issuer - is the source of truth and nothing else writes the
 * directory), a verified caller the directory does not know yet is entered from the token's
 * claims (audited), and a known one is kept in step with them; a profile marked disabled is
 * refused either way. `strict` (the local runtime, whose directory is seeded) refuses unknowns.
 */
export async function authenticateStaff(
  event: APIGatewayProxyEventV2,
  operation: string,
  deps: {
    repo: Pick<StaffDirectory, 'getStaff' | 'putStaff'>;
    audit: AuditLog;
    clock: Clock;
    config?: { staffDirectory?: 'strict' | 'provision'; staffClaims?: StaffClaimMapping };
  },
): Promise<Actor> {
  const actor = actorFrom(event, deps.config?.staffClaims);
  let profile = await deps.repo.getStaff(actor.id);
  if (deps.config?.staffDirectory === 'provision' && !profile?.disabled) {
    const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims ?? {};
    const fromToken = {
      id: actor.id,
      name: actor.name,
      email: String(claims.email ?? profile?.email ?? ''),
      roles: actor.roles,
      department: actor.department,
      ...(profile?.aliases?.length ? { aliases: profile.aliases } : {}), // name variants are the directory's own
    };
    const changed =
      !profile ||
      profile.name !== fromToken.name ||
      profile.email !== fromToken.email ||
      profile.department !== fromToken.department ||
      [...profile.roles].sort().join() !== [...fromToken.roles].sort().join();
    if (changed) {
      await deps.repo.putStaff(fromToken);
      await deps.audit.record({
        at: deps.clock.now().toISOString(),
        actor: actor.id,
        roles: actor.roles,
        operation: 'staffDirectorySync',
        outcome: 'ok',
        detail: profile ? 'staff profile updated from the signed-in token' : 'staff profile created from the signed-in token',
      });
      profile = fromToken;
    }
  }
  if (!profile || profile.disabled) {
    await deps.audit.record({
      at: deps.clock.now().toISOString(),
      actor: actor.id,
      roles: actor.roles,
      operation,
      outcome: 'denied',
      detail: profile ? 'signed-in token of a disabled staff member' : 'signed-in token of someone not in the staff directory',
    });
    throw new UnauthorizedError('Your sign-in is no longer valid');
  }
  // The directory's identities too (email, name variants): the conflict-of-interest check
  // matches a complaint's named staff member against all of them.
  return {
    ...actor,
    ...(profile.email ? { email: profile.email } : {}),
    aliases: [...new Set([...(profile.aliases ?? []), ...(profile.name && profile.name !== actor.name ? [profile.name] : [])])],
  };
}
