import { httpHandler } from '../http/http-handler.ts';
import { SUBMIT_MAX_BODY_BYTES, SubmitComplaintRequest } from '../contract/submit-complaint.schema.ts';
import { deps, freshDeps } from '../wiring/container.ts';
import { attachmentsOnFirstUse } from '../wiring/stores-on-first-use.ts';
import { logger, metrics } from '../shared/logger.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { submitComplaint } from '../use-cases/intake/submit-complaint.ts';
import { ValidationError } from '../shared/errors.ts';
import { drillClaimOf } from '../use-cases/drills/drill-intake.ts';

export const handler = httpHandler(
  { body: SubmitComplaintRequest, maxBodyBytes: () => Math.max(deps().config.maxBodyBytes, SUBMIT_MAX_BODY_BYTES) },
  async (req) => {
    const key = req.headers['idempotency-key'];
    if (key !== undefined && !/^[\w.:-]{8,128}$/.test(key)) {
      throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 8-128 letters, digits, or . _ : -' }]);
    }
    const d = await freshDeps();
    const result = await submitComplaint(
      req.body,
      { channel: 'web', idempotencyKey: key, drill: drillClaimOf(req.headers) },
      {
        ...d,
        attachments: attachmentsOnFirstUse,
        attachmentMaxBytes: d.config.attachmentMaxBytes,
        publicBaseUrl: d.config.publicBaseUrl,
        drills: d.drills,
      },
    );
    logger.info('Complaint submitted', { reference: result.body.reference, replayed: result.replayed });
    if (!result.replayed) {
      metrics.addMetric('ComplaintsSubmitted', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    }
    const headers: Record<string, string> = result.replayed ? { 'idempotent-replayed': 'true' } : {};
    return { statusCode: result.statusCode, body: result.body, headers };
  },
);
