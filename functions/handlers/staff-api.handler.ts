/** Every staff route: authenticated by the API's JWT authorizer, authorised per operation by the use case. */
import { ROUTES } from '../functions.ts';
import type { StaffOperation } from '../domain/authorization.ts';
import { httpHandler, parseOrThrow, readBody } from '../http/http-handler.ts';
import { actorFrom } from '../http/staff-auth.ts';
import { STAFF_OPERATION_SPECS } from '../http/staff-operations.ts';
import { ReferenceParams } from '../http/schemas/staff.schema.ts';
import { deps } from '../shared/container.ts';
import { NotFoundError } from '../shared/errors.ts';
import { logger } from '../shared/logger.ts';

const BY_ROUTE = new Map(ROUTES.filter((r) => r.fn === 'StaffApi').map((r) => [`${r.method} ${r.path}`, r.operationId as StaffOperation]));

export const handler = httpHandler({}, async (req) => {
  const operation = BY_ROUTE.get(req.event.routeKey);
  if (!operation) throw new NotFoundError('Not Found');
  const spec = STAFF_OPERATION_SPECS[operation];
  const actor = actorFrom(req.event);
  const reference = req.pathParameters.reference !== undefined ? parseOrThrow(ReferenceParams, req.pathParameters).reference : '';
  const body = spec.body ? parseOrThrow(spec.body, readBody(req.event, deps().config.maxBodyBytes) ?? {}) : undefined;
  const result = await spec.run(deps(), { actor, reference, body, query: req.query, idempotencyKey: req.headers['idempotency-key'] });
  logger.info('Staff action', { operation, reference, actor: actor.id });
  return { statusCode: spec.successStatus ?? 200, body: result };
});
