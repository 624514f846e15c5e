import { httpHandler, parseOrThrow } from '../http/http-handler.ts';
import { ComplaintStatusParams, CustomerCallbackRequest } from '../http/schemas/complaint-status.schema.ts';
import { deps } from '../shared/container.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { customerCallback } from '../use-cases/staff-actions.ts';

export const handler = httpHandler({ body: CustomerCallbackRequest }, async (req) => {
  let reference: string;
  try {
    reference = parseOrThrow(ComplaintStatusParams, req.pathParameters).reference;
  } catch (e) {
    if (e instanceof ValidationError) throw new NotFoundError('No complaint matches this reference and access code');
    throw e;
  }
  return { statusCode: 200, body: await customerCallback(deps(), reference, req.headers['x-access-code'], req.body) };
});
