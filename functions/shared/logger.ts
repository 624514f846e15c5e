/**
 * One Powertools logger and one metrics object per process. Log lines carry references,
 * stages and error names only, never personal data (names, contacts, descriptions).
 *
 * `metrics` is marked pure: a bundle whose handler publishes no metric leaves the Metrics
 * package out (infra/bundle-function.ts). Tracing (Powertools Tracer, AWS calls only, on Lambda
 * with X-Ray on): ./aws-clients.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: 'complaints' });
export const metrics = /* @__PURE__ */ new Metrics({ namespace: 'Complaints', serviceName: 'complaints' });
