/**
 * Starts ONE real local runtime for the integration tests (DynamoDB Local, the local Step
 * Functions endpoint running workflows/complaint.asl.json, the local API Gateway) in a
 * fresh data directory, and hands its endpoints to the test workers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startRuntime, type LocalRuntime } from '../../local/runtime.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    dynamoEndpoint: string;
    sfnEndpoint: string;
    stateMachineArn: string;
    resumeStateMachineArn: string;
    tableName: string;
    awsRegion: string;
    s3Endpoint: string;
    /** The stream consumers' failure queues (SQS). */
    sqsEndpoint: string;
    smtpPort: number;
    mailDir: string;
    /** The endpoints the functions use: through the local IAM check. */
    functionEndpoints: { dynamodb: string; s3: string; sfn: string; ses: string };
    /** The complaints mailbox (Dovecot) the MailboxPoller polls: cn's inbound mail is IMAP. */
    imap: { host: string; port: number; user: string; password: string; dir: string } | undefined;
  }
}

let runtime: LocalRuntime | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'complaints-it-'));
  // A manual clock: tests move time through POST /__local/clock, never by sleeping.
  runtime = await startRuntime({ port: 0, dataDir: dir, region: 'cn', clockAt: new Date('2026-03-02T01:00:00Z'), smtpPort: 0 });
  project.provide('apiUrl', runtime.apiUrl);
  project.provide('dynamoEndpoint', runtime.dynamoEndpoint);
  project.provide('sfnEndpoint', runtime.sfnEndpoint);
  project.provide('sqsEndpoint', runtime.sqsEndpoint);
  project.provide('stateMachineArn', runtime.stateMachineArn);
  project.provide('resumeStateMachineArn', runtime.resumeStateMachineArn);
  project.provide('tableName', runtime.tableName);
  project.provide('awsRegion', process.env.AWS_REGION ?? 'cn-north-1');
  project.provide('s3Endpoint', runtime.s3Endpoint);
  project.provide('smtpPort', runtime.smtpPort ?? 0);
  project.provide('mailDir', runtime.mail.dir);
  project.provide('functionEndpoints', runtime.functionEndpoints);
  project.provide(
    'imap',
    runtime.imap && { host: runtime.imap.host, port: runtime.imap.port, user: runtime.imap.user, password: runtime.imap.password, dir: runtime.imap.dir },
  );
}

export async function teardown(): Promise<void> {
  await runtime?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
