/**
 * The composition root of a Lambda process: clients, repository and workflow adapter are
 * created once per process (not per invocation), from configuration only.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { documentClient, DynamoComplaintRepository } from '../adapters/dynamo-complaint-repository.ts';
import { StepFunctionsWorkflow } from '../adapters/sfn-workflow.ts';
import { createBusinessCalendar, type BusinessCalendar } from '../domain/business-calendar.ts';
import type { AttachmentStore, ComplaintRepository, WorkflowEngine } from '../domain/ports.ts';
import { S3AttachmentStore } from '../adapters/s3-attachment-store.ts';
import type { RegionConfig } from '../domain/regions.ts';
import { systemClock, type Clock } from './clock.ts';
import { config, type RuntimeConfig } from './config.ts';

export interface Container {
  config: RuntimeConfig;
  repo: ComplaintRepository;
  workflow: WorkflowEngine;
  clock: Clock;
  region: RegionConfig;
  calendar: BusinessCalendar;
  /** Created on first use: most functions never touch S3 or SES. */
  s3(): S3Client;
  ses(): SESv2Client;
  attachments(): AttachmentStore;
}

let container: Container | undefined;
let s3: S3Client | undefined;
let ses: SESv2Client | undefined;
let clockOverride: Clock | undefined;

export function deps(): Container {
  if (!container) {
    const cfg = config();
    container = {
      config: cfg,
      repo: new DynamoComplaintRepository(documentClient(new DynamoDBClient({})), cfg.tableName),
      workflow: new StepFunctionsWorkflow(new SFNClient({}), cfg.stateMachineArn),
      get clock() { return clockOverride ?? systemClock; },
      region: cfg.region,
      calendar: createBusinessCalendar(cfg.region.calendar, cfg.region.calendar.adjustments),
      // Checksums only when required: a presigned PUT must not carry the checksum of an empty body.
      s3: () => (s3 ??= new S3Client({ forcePathStyle: cfg.s3ForcePathStyle, requestChecksumCalculation: 'WHEN_REQUIRED' })),
      ses: () => (ses ??= new SESv2Client({})),
      attachments: () => new S3AttachmentStore(container!.s3(), cfg.attachmentsBucket, () => container!.clock.now()),
    };
  }
  return container;
}

/**
 * For a composition root that hosts the handlers in-process (the local runtime with its
 * test clock): replaces the clock every use case receives. Lambda never calls it.
 */
export function useClock(clock: Clock | undefined): void {
  clockOverride = clock;
}
