/**
 * The customer routes' guessing signals as Powertools metrics (namespace Complaints):
 * AccessCodeFailures (every wrong code or unknown reference checked) and
 * AccessCodeSourceRefused (a source over its budget refused unchecked). The alarm on
 * AccessCodeFailures is the global guessing alarm (docs/reliability-and-security.md).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { metrics } from '../shared/logger.ts';
import type { AccessSignals, CustomerRequest } from '../use-cases/customer/customer-access.ts';

const count = (name: string) => () => {
  metrics.addMetric(name, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
};

export const accessSignals: AccessSignals = { wrongCode: count('AccessCodeFailures'), sourceRefused: count('AccessCodeSourceRefused') };

/**
 * The client's address: behind CloudFront (the pages' distribution serves /api/*), API
 * Gateway's requestContext.http.sourceIp is the edge's address, shared by many customers, so
 * the viewer's own address from CloudFront-Viewer-Address ("ip:port") is taken when present;
 * otherwise sourceIp. A caller reaching the execute-api endpoint directly can set that header
 * and so pick its source: that only escapes the per-source slowdown, which rotating addresses
 * does anyway - the code's strength, the stage throttle and the global alarm still hold
 * (docs/reliability-and-security.md). Closing the direct endpoint is an infra setting.
 */
export function customerRequest(event: APIGatewayProxyEventV2): CustomerRequest {
  const viewer = event.headers?.['cloudfront-viewer-address']?.trim();
  const ip = viewer ? viewer.slice(0, Math.max(0, viewer.lastIndexOf(':'))) : '';
  return { source: ip && isIP(ip) ? ip : event.requestContext?.http?.sourceIp };
}
