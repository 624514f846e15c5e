import { accessSignals, customerRequest } from '../http/access-signals.ts';
import { customerReference, httpHandler } from '../http/http-handler.ts';
import { ComplaintStatusParams } from '../contract/complaint-status.schema.ts';
import { deps } from '../wiring/container.ts';
import { getComplaintStatus } from '../use-cases/customer/get-complaint-status.ts';

export const handler = httpHandler({}, async (req) => {
  const reference = customerReference(req.pathParameters, ComplaintStatusParams);
  return { statusCode: 200, body: await getComplaintStatus(reference, req.headers['x-access-code'], { ...deps(), accessSignals }, customerRequest(req.event)) };
});
