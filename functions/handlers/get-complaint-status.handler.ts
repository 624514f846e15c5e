import { accessSignals, customerRequest } from '../http/access-signals.ts';
import { customerReference, httpHandler } from '../http/http-handler.ts';
import { ComplaintStatusParams } from '../http/schemas/complaint-status.schema.ts';
import { deps } from '../shared/container.ts';
import { getComplaintStatus } from '../use-cases/get-complaint-status.ts';

export const handler = httpHandler({}, async (req) => {
  const reference = customerReference(req.pathParameters, ComplaintStatusParams);
  return { statusCode: 200, body: await getComplaintStatus(reference, req.headers['x-access-code'], { ...deps(), accessSignals }, customerRequest(req.event)) };
});
