import { httpHandler, parseOrThrow } from '../http/http-handler.ts';
import { ComplaintStatusParams } from '../http/schemas/complaint-status.schema.ts';
import { deps } from '../shared/container.ts';
import { getComplaintStatus } from '../use-cases/get-complaint-status.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';

export const handler = httpHandler({}, async (req) => {
  let reference: string;
  try {
    reference = parseOrThrow(ComplaintStatusParams, req.pathParameters).reference;
  } catch (e) {
    // A malformed reference is as unknown as a well-formed one that does not exist.
    if (e instanceof ValidationError) throw new NotFoundError('No complaint matches this reference and access code');
    throw e;
  }
  return { statusCode: 200, body: await getComplaintStatus(reference, req.headers['x-access-code'], deps()) };
});
