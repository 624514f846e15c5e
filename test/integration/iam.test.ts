/**
 * The local IAM check (local/emulators/iam/authorizer.ts, docs/adr/0004-local-iam-check.md): a call signed
 * with a function's credentials (access key id `local-<FunctionName>`, as the local runtime gives
 * each function) is checked against that function's role in the templates synthesized for the
 * region, and refused with the error AWS returns when no policy allows it.
 */
import { describe, expect, inject, it } from 'vitest';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

const endpoints = inject('functionEndpoints');
const region = inject('awsRegion');
const table = inject('tableName');
const as = (fn: string) => ({ accessKeyId: `probe-${fn}`, secretAccessKey: `local-secret-${fn}` });
const ddb = (fn: string) => new DynamoDBClient({ endpoint: endpoints.dynamodb, region, credentials: as(fn), maxAttempts: 1 });
const s3 = (fn: string) => new S3Client({ endpoint: endpoints.s3, region, credentials: as(fn), forcePathStyle: true, maxAttempts: 1 });
const sfn = (fn: string) => new SFNClient({ endpoint: endpoints.sfn, region, credentials: as(fn), maxAttempts: 1 });
const refused = (e: unknown) => ({
  name: (e as Error).name,
  status: (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
  message: (e as Error).message,
});

describe('local IAM check', () => {
  it('lets GetComplaintStatus read an item of the table (its role grants it)', async () => {
    const out = await ddb('GetComplaintStatus').send(
      new GetItemCommand({ TableName: table, Key: { PK: { S: 'COMPLAINT#CN-2026-999999' }, SK: { S: 'META' } } }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it('refuses a Scan by OpenApi (no table access) with AccessDeniedException, naming its role, the action and the table', async () => {
    const e = await ddb('OpenApi')
      .send(new ScanCommand({ TableName: table, Limit: 1 }))
      .catch(refused);
    expect(e).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect((e as { message: string }).message).toMatch(
      new RegExp(`assumed-role/.*OpenApi.* is not authorized to perform: dynamodb:Scan on resource: arn:aws-cn:dynamodb:${region}:000000000000:table/${table}`),
    );
  });

  it('refuses a workflow start by GetComplaintStatus (it has no states:StartExecution)', async () => {
    const e = await sfn('GetComplaintStatus')
      .send(new StartExecutionCommand({ stateMachineArn: inject('stateMachineArn'), name: 'iam-check', input: '{}' }))
      .catch(refused);
    expect(e).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    // ResumeOrphans may describe executions: the call reaches the engine (which does not know this one).
    const d = await sfn('ResumeOrphans')
      .send(new DescribeExecutionCommand({ executionArn: `${inject('stateMachineArn').replace(':stateMachine:', ':execution:')}:no-such` }))
      .catch(refused);
    expect(d).toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it("refuses an archive read by GetComplaintStatus with S3's 403 AccessDenied", async () => {
    const e = await s3('GetComplaintStatus')
      .send(new GetObjectCommand({ Bucket: 'complaints-archive', Key: 'complaints/x.json' }))
      .catch(refused);
    expect(e).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('answers a missing key 404 to a caller that may list it, 403 to one that may not (S3 API Reference, HeadObject)', async () => {
    // TableChanges may s3:ListBucket the prefixes it reads (staging/, complaints/, erased/):
    // its existence check before an archive write sees 404 - with staging/ alone it saw 403, and on
    // AWS no closed complaint would have reached the archive (issue 15).
    const staging = await s3('TableChanges')
      .send(new HeadObjectCommand({ Bucket: 'complaints-archive', Key: 'staging/CN-2026-999999/missing.json' }))
      .catch(refused);
    expect(staging).toMatchObject({ status: 404 });
    const archived = await s3('TableChanges')
      .send(new HeadObjectCommand({ Bucket: 'complaints-archive', Key: 'complaints/region=cn/missing.json.gz' }))
      .catch(refused);
    expect(archived).toMatchObject({ status: 404 });
    // SubmitComplaint may read uploads/ but not list the attachments bucket: a missing upload is 403.
    const upload = await s3('SubmitComplaint')
      .send(new HeadObjectCommand({ Bucket: 'complaints-attachments', Key: 'uploads/missing-upload' }))
      .catch(refused);
    expect(upload).toMatchObject({ status: 403 });
  });

  it("passes the calls of a caller that is not a function (the tests' own clients) unchecked", async () => {
    const out = await new DynamoDBClient({ endpoint: endpoints.dynamodb, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }).send(
      new ScanCommand({ TableName: table, Limit: 1 }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});
