/**
 * The customer routes' guessing signals as Powertools metrics (namespace Complaints):
 * AccessCodeFailures (every wrong code or unknown reference checked) and
 * AccessCodeSourceRefused (a source over its budget refused unchecked). The alarm on
 * AccessCodeFailures is the global guessing alarm (docs/reliability-and-security.md).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { metrics } from '../shared/logger.ts';
import type { AccessSignals, CustomerRequest } from '../use-cases/customer-access.ts';

const count = (name: string) => () => {
  metrics.addMetric(name, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
};

export const accessSignals: AccessSignals = { wrongCode: count('AccessCodeFailures'), sourceRefused: count('AccessCodeSourceRefused') };

/** The client's address as API Gateway saw it (requestContext.http.sourceIp). */
export const customerRequest = (event: APIGatewayProxyEventV2): CustomerRequest => ({ source: event.requestContext?.http?.sourceIp });
