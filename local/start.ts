/**
 * `npm start`: the whole pipeline on one machine, in the foreground, until Ctrl-C.
 * Environment: PORT (3000), DATA_DIR (.data), COMPLAINT_REGION (cn | uk | us),
 * LOCAL_CLOCK_START (ISO instant: run on a manual clock, for demos and tests).
 */
import { JavaMissingError } from './emulators/dynamodb.ts';
import { startRuntime } from './runtime.ts';

async function main(): Promise<void> {
  const runtime = await startRuntime({
    port: Number(process.env.PORT ?? 3000),
    dataDir: process.env.DATA_DIR ?? '.data',
    region: process.env.COMPLAINT_REGION ?? 'cn',
    // For scripted demos and tests: start on a manual clock moved by POST /__local/clock.
    clockAt: process.env.LOCAL_CLOCK_START ? new Date(process.env.LOCAL_CLOCK_START) : undefined,
    log: (l) => console.log(l),
    oidcPort: Number(process.env.OIDC_PORT ?? 0),
  });
  console.log(`Complaint pipeline running locally (region ${process.env.COMPLAINT_REGION ?? 'cn'})
  API:             ${runtime.apiUrl}/api/complaints
  OpenAPI:         ${runtime.apiUrl}/api/openapi.json
  Step Functions:  ${runtime.sfnEndpoint}  (${runtime.stateMachineArn} new, ${runtime.resumeStateMachineArn} resumed)
  DynamoDB Local:  ${runtime.dynamoEndpoint}  (table ${runtime.tableName})
  Email intake:    smtp://127.0.0.1:${runtime.smtpPort ?? '-'}  (send complaints by email)
  Archive:         ${process.env.DATA_DIR ?? '.data'}/s3/complaints-archive  (S3 API ${runtime.s3Endpoint}; reconcile: npm run reconcile)
  Failure queues:  ${runtime.sqsEndpoint}  (SQS; AWS_REGION=${process.env.AWS_REGION} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_ENDPOINT_URL_SQS=${runtime.sqsEndpoint} AWS_ENDPOINT_URL_DYNAMODB_STREAMS=${runtime.dynamoEndpoint} AWS_ENDPOINT_URL_LAMBDA=${runtime.apiUrl} npm run replay -- --queue TableChanges-failures)
  Sent mail:       ${runtime.apiUrl}/__local/mail  (.eml files in ${process.env.DATA_DIR ?? '.data'}/mail/sent)
  Pages:           ${runtime.apiUrl}/index.html (complaint form), ${runtime.apiUrl}/status.html
  OIDC issuer: ${runtime.oidcIssuer}  (staff sign in at ${runtime.apiUrl}/console.html; a token for scripts: npm run token -- hana; seeded users: README)
  IAM check:       ${runtime.iam ? 'on: each function signs as local-<FunctionName>, its calls checked against its role (docs/local-runtime.md)' : 'off (LOCAL_IAM=off)'}
AWS endpoints: dynamodb=${runtime.functionEndpoints.dynamodb}, s3=${runtime.functionEndpoints.s3}, sfn=${runtime.functionEndpoints.sfn}, ses=${process.env.SMTP_RELAY_HOST ? `none in ${process.env.AWS_REGION} (mail: smtp://${process.env.SMTP_RELAY_HOST}:${process.env.SMTP_RELAY_PORT})` : runtime.functionEndpoints.ses}
Press Ctrl-C to stop.`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    await runtime.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
  console.error(e instanceof JavaMissingError ? e.message : `Could not start the local runtime: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
