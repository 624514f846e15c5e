/**
 * One Powertools logger, metrics and tracer per process. Log lines carry references,
 * stages and error names only, never personal data (names, contacts, descriptions).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: 'complaints' });
export const metrics = new Metrics({ namespace: 'Complaints', serviceName: 'complaints' });
