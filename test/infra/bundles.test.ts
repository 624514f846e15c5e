/**
 * The Lambda bundles of infra/bundle-function.ts: what the stack deploys is what
 * bench/bundles.ts measures, each loads on its own in a fresh Node process, and what a cold start
 * loads is only what the function needs (the rest in chunks loaded on first use, or left out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REGIONS } from '../../functions/domain/regions.ts';
import { FUNCTIONS, type FunctionName } from '../../functions/functions.ts';
import { buildOpenApiDocument } from '../../functions/contract/openapi.ts';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS } from '../../functions/adapters/aws-clients.ts';
import { EncryptedLogs } from '../../infra/constructs/encrypted-logs.ts';
import { ProductFunction } from '../../infra/constructs/product-function.ts';
import { bundleFunctions, type BundleReport } from '../../infra/bundle-function.ts';
import { FIXTURES, OWN_FIXTURES, HAS_SHARED, publicCorpus } from '../support/shared.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const NAMES = Object.keys(FUNCTIONS) as FunctionName[];
// What Lambda sets that the handlers read at start-up; no credentials (nothing is called).
const LAMBDA_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 't',
  COMPLAINT_REGION: 'us',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111111111111:stateMachine:complaint-lifecycle',
  RESUME_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111111111111:stateMachine:complaint-resume',
};

let out: string;
let bundles: Record<FunctionName, BundleReport>;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'bundles-test-'));
  bundles = await bundleFunctions(out);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs `code` (an ES module body) in a fresh Node process with the Lambda environment; its stdout. */
function inFreshNode(code: string): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: LAMBDA_ENV, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
/** Whether a package is in that part of the bundle (more than a stub of a few bytes tree-shaking leaves). */
const has = (modules: Record<string, number>, pkg: string) =>
  Object.entries(modules)
    .filter(([m]) => m.includes(`node_modules/${pkg}/`))
    .reduce((n, [, bytes]) => n + bytes, 0) > 512;
/** The AWS SDK clients in that part of the bundle (client-dynamodb, client-s3, ...; lib-dynamodb, s3-request-presigner). */
const sdkClients = (modules: Record<string, number>) =>
  ['client-dynamodb', 'lib-dynamodb', 'client-sfn', 'client-s3', 's3-request-presigner', 'client-sesv2', 'client-dynamodb-streams', 'client-lambda'].filter(
    (c) => has(modules, `@aws-sdk/${c}`),
  );
/** The clients a function's access (FUNCTIONS) calls for. */
function clientsFor(name: FunctionName): string[] {
  const { access } = FUNCTIONS[name];
  return [
    ...(access.table ? ['client-dynamodb', 'lib-dynamodb'] : []),
    ...(access.workflow?.length ? ['client-sfn'] : []),
    ...(access.attachments || access.mail || access.archive ? ['client-s3'] : []),
    // The attachment store presigns uploads: its presigner comes with it wherever it is used - not in
    // TableChanges (archival), which reads attachments through the archive store (copyAttachment).
    ...(access.attachments && name !== 'TableChanges' ? ['s3-request-presigner'] : []),
    ...(access.sendEmail ? ['client-sesv2'] : []),
  ];
}

describe('every function bundle', () => {
  it('loads in a fresh Node process and exports its handler', () => {
    for (const name of NAMES) {
      const url = pathToFileURL(join(bundles[name].dir, 'index.mjs')).href;
      expect(inFreshNode(`const m = await import(${JSON.stringify(url)}); process.stdout.write(typeof m.handler);`), name).toBe('function');
    }
  });

  it('carries every dependency (imports only its own chunks), takes built-ins by require(), and ships no source map', () => {
    for (const name of NAMES) {
      for (const file of files(bundles[name].dir)) {
        expect(file, name).toMatch(/^(index|chunks\/[\w-]+)\.mjs$/);
        const code = readFileSync(join(bundles[name].dir, file), 'utf8');
        const specifiers = [
          ...code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g),
          ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
        ].map((m) => m[1]);
        if (file === 'index.mjs') expect(specifiers, name).toContain('node:module');
        for (const s of specifiers) expect(s, `${name}/${file}`).toMatch(/^(\.\.?\/|node:module$)/);
        expect(code, `${name}/${file}`).not.toContain('sourceMappingURL');
      }
    }
  });

  it('carries its own pinned AWS SDK v3, only the clients its access calls for (FUNCTIONS), and no Tracer at start-up', () => {
    for (const name of NAMES) {
      const { initial, lazy } = bundles[name];
      const all = sdkClients({ ...initial.modules, ...lazy.modules });
      // Every function with the table may start a workflow through the container: Step Functions in a chunk loaded on first use.
      const onFirstUse = FUNCTIONS[name].access.table && !FUNCTIONS[name].access.workflow ? ['client-sfn'] : [];
      expect(all.sort(), name).toEqual([...new Set([...clientsFor(name), ...onFirstUse])].sort());
      // Tracing (Powertools Tracer, the X-Ray SDK): a chunk loaded only on Lambda with tracing on (functions/adapters/aws-clients.ts).
      for (const pkg of ['@aws-lambda-powertools/tracer', 'aws-xray-sdk-core']) expect(has(initial.modules, pkg), `${name}: ${pkg}`).toBe(false);
    }
    expect(sdkClients(bundles.OpenApi.initial.modules)).toEqual([]);
  });
});

describe('what each function loads at a cold start', () => {
  it('the Step Functions client: only where every invocation calls it; elsewhere a chunk loaded on first use', () => {
    for (const name of NAMES) {
      const atStart = has(bundles[name].initial.modules, '@aws-sdk/client-sfn');
      expect(atStart, name).toBe((['ResumeOrphans', 'CustomerCallback'] as FunctionName[]).includes(name));
    }
    expect(has(bundles.StaffApi.lazy.modules, '@aws-sdk/client-sfn')).toBe(true);
  });

  it('the file-type detector (uploads, issue 16 #7): in a chunk of SubmitComplaint loaded when a complaint carries attachments, not at start-up', () => {
    expect(has(bundles.SubmitComplaint.initial.modules, 'file-type')).toBe(false);
    expect(has(bundles.SubmitComplaint.lazy.modules, 'file-type')).toBe(true);
  });

  it('the S3 client: not at start-up where only some requests carry attachments (submit), but in a chunk', () => {
    expect(has(bundles.SubmitComplaint.initial.modules, '@aws-sdk/client-s3')).toBe(false);
    expect(has(bundles.SubmitComplaint.lazy.modules, '@aws-sdk/client-s3')).toBe(true);
    expect(has(bundles.GetComplaintStatus.initial.modules, '@aws-sdk/client-s3')).toBe(false);
    expect(has(bundles.CreateAttachmentUpload.initial.modules, '@aws-sdk/client-s3')).toBe(true);
  });

  it('MIME by postal-mime (EmailIntake): no function carries mailparser or its character-set and HTML-entity tables', () => {
    expect(has(bundles.EmailIntake.initial.modules, 'postal-mime')).toBe(true);
    for (const name of NAMES) {
      const all = { ...bundles[name].initial.modules, ...bundles[name].lazy.modules };
      // The IMAP client (MailboxPoller only) decodes mailbox names and headers with its own
      // character-set packages; the message itself is parsed by postal-mime, as for SES mail.
      const imapClient = name === 'MailboxPoller' ? ['iconv-lite', 'libmime', 'encoding-japanese'] : [];
      for (const pkg of ['mailparser', 'iconv-lite', 'libmime', 'he', 'entities', 'html-to-text', 'htmlparser2', 'encoding-japanese'].filter(
        (p) => !imapClient.includes(p),
      )) {
        expect(has(all, pkg), `${name}: ${pkg}`).toBe(false);
      }
      expect(has(all, 'imapflow'), `${name}: imapflow`).toBe(name === 'MailboxPoller');
      // nodemailer: only DeliverMessages, for the regions that send through the bank's SMTP relay
      // (China, ADR 0005), in a chunk loaded on first use - never at an SES region's cold start.
      expect(has(bundles[name].initial.modules, 'nodemailer'), `${name}: nodemailer at start-up`).toBe(false);
      expect(has(bundles[name].lazy.modules, 'nodemailer'), `${name}: nodemailer`).toBe(name === 'DeliverMessages');
    }
  });

  it('no zod for the region configuration (validated at synth time), and no metrics package where no metric is published', () => {
    for (const name of NAMES)
      expect(
        Object.keys(bundles[name].initial.modules).some((m) => m.endsWith('functions/domain/region-schema.ts')),
        name,
      ).toBe(false);
    // Functions without a request or step schema: no zod at start-up (the stream readers load their record schemas on the first batch).
    for (const name of ['ResumeOrphans', 'DeadlineWatch', 'DeliverMessages', 'TableChanges'] as FunctionName[])
      expect(has(bundles[name].initial.modules, 'zod'), name).toBe(false);
    expect(has(bundles.CreateAttachmentUpload.initial.modules, '@aws-lambda-powertools/metrics')).toBe(false);
    expect(has(bundles.SubmitComplaint.initial.modules, '@aws-lambda-powertools/metrics')).toBe(true);
    // The access-code routes publish the guessing alarm's metric (AccessCodeFailures).
    expect(has(bundles.GetComplaintStatus.initial.modules, '@aws-lambda-powertools/metrics')).toBe(true);
  });

  it('OpenApi: the document computed at build time - no schema library, middy or Logger in the bundle - and the same document and headers as before (our own HTTP API v2 event)', () => {
    openApiServesTheDocument(OWN_FIXTURES, ['zod', '@asteasolutions/zod-to-openapi', 'aws4', '@middy/core', '@aws-lambda-powertools/logger']);
  });
});

/** OpenApi's bundle serves the document buildOpenApiDocument makes, for an HTTP API v2 event of `fixtures`. */
function openApiServesTheDocument(fixtures: string, absent: string[]): void {
  const { initial, lazy } = bundles.OpenApi;
  for (const pkg of absent) expect(has({ ...initial.modules, ...lazy.modules }, pkg), pkg).toBe(false);
  const url = pathToFileURL(join(bundles.OpenApi.dir, 'index.mjs')).href;
  const event = readFileSync(join(fixtures, 'events', 'apiGatewayProxyV2Event.json'), 'utf8');
  const body = inFreshNode(`
    const { handler } = await import(${JSON.stringify(url)});
    const event = { ...${event}, routeKey: 'GET /api/openapi.json', rawPath: '/api/openapi.json', body: undefined, isBase64Encoded: false };
    const r = await handler(event, { awsRequestId: 'test', functionName: 'OpenApi', getRemainingTimeInMillis: () => 3000 });
    process.stdout.write(JSON.stringify({ statusCode: r.statusCode, headers: r.headers, body: JSON.parse(r.body) }));`);
  expect(JSON.parse(body)).toEqual({
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' },
    body: buildOpenApiDocument(),
  });
}

describe.skipIf(!HAS_SHARED)(publicCorpus('what each function loads at a cold start'), () => {
  it('OpenApi: the document computed at build time - no schema library in the bundle - and the same document as buildOpenApiDocument', () => {
    openApiServesTheDocument(FIXTURES, ['zod', '@asteasolutions/zod-to-openapi', '@aws-sdk/client-dynamodb']);
  });
});

describe('the stack', () => {
  it('deploys exactly these directories (one bundling, infra/bundle-function.ts, for the stack and the bench)', () => {
    const app = new App({ context: { ...CDK_CONTEXT, '@aws-cdk/core:appMode': 'inmemory' } });
    const stack = new Stack(app, 'BundleProbe', { env: { account: '111111111111', region: 'us-east-1' } });
    const logs = new EncryptedLogs(stack, 'Logs', { retention: RetentionDays.ONE_WEEK });
    const probes: FunctionName[] = ['SubmitComplaint', 'EmailIntake'];
    for (const name of probes) new ProductFunction(stack, name, { entry: FUNCTIONS[name].entry, region: REGIONS.us, logs });
    const assembly = app.synth();
    const template = assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, { Type: string; Properties: any }> };
    for (const name of probes) {
      const fn = template.Resources[stack.getLogicalId((stack.node.findChild(name) as ProductFunction).node.defaultChild as never)];
      expect(fn.Properties.Handler).toBe('index.handler');
      // Built without a timeout: ProductFunction's default, which the AWS clients' retry budget of a
      // function without timeoutSeconds is proven against (test/unit/aws-clients.test.ts).
      expect(fn.Properties.Timeout, name).toBe(DEFAULT_FUNCTION_TIMEOUT_SECONDS);
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const deployed = join(assembly.directory, `asset.${hash}`);
      expect(files(deployed), name).toEqual(files(bundles[name].dir));
      for (const f of files(deployed)) expect(readFileSync(join(deployed, f)).equals(readFileSync(join(bundles[name].dir, f))), `${name}/${f}`).toBe(true);
    }
  });
});
