/**
 * What an AWS API request asks IAM for: the caller's access key id (SigV4 header or presigned
 * query), and the action(s), resource ARN(s) and request context keys AWS evaluates for it -
 * for the requests the functions make to DynamoDB, S3, Step Functions and SES v2.
 *
 * Sources (Service Authorization Reference, "Actions, resources, and condition keys for ..."):
 * - DynamoDB: each operation authorizes the action of its name on the table (or
 *   `table/<t>/index/<i>` for an index), with `dynamodb:LeadingKeys` the partition key values the
 *   request names. TransactWriteItems is authorized per item, as the item's own action
 *   (PutItem, UpdateItem, DeleteItem, ConditionCheckItem) on its table; TransactGetItems as GetItem.
 * - S3: GetObject (also for HEAD), PutObject (+ PutObjectRetention when the put sets a
 *   retention, PutObjectLegalHold for a legal hold), DeleteObject on `bucket/key`; ListObjects(V2)
 *   is s3:ListBucket on the bucket with `s3:prefix`.
 * - Step Functions: StartExecution on the state machine, DescribeExecution / StopExecution /
 *   GetExecutionHistory on the execution; SendTaskSuccess/Failure/Heartbeat on the state machine
 *   whose execution holds the token (what AWS names in its AccessDenied message; the reference
 *   lists no resource type for them).
 * - SES v2 SendEmail: ses:SendEmail on the sending identity (the From address's domain, or
 *   FromEmailAddressIdentityArn), with ses:FromAddress and ses:Recipients.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Service = 'dynamodb' | 's3' | 'sfn' | 'ses' | 'secretsmanager';

export interface IamCall {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

export interface RequestScope {
  partition: string;
  region: string;
  account: string;
  /** Partition key attribute of each table and index (dynamodb:LeadingKeys). */
  tables: Record<string, { hashKey: string; indexes: Record<string, string> }>;
  /** The state machine ARN of a task token's execution (Step Functions callbacks). */
  stateMachineOfToken?: (token: string) => string | undefined;
}

/** The access key id of a SigV4-signed request: `Credential=<akid>/...` or the presigned `X-Amz-Credential`. */
export function accessKeyOf(headers: IncomingHttpHeaders, url: string): string | undefined {
  const auth = String(headers.authorization ?? '');
  const m = /Credential=([^/,\s]+)\//.exec(auth);
  if (m) return m[1];
  const q = new URL(url, 'http://local').searchParams.get('X-Amz-Credential');
  return q ? q.split('/')[0] : undefined;
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The scalar value of a DynamoDB AttributeValue ({ S: 'x' } -> 'x'). */
function scalar(v: Json): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const [t] = Object.keys(v);
  return t === 'S' || t === 'N' || t === 'B' ? String(v[t]) : undefined;
}

/** Partition key values a Query's KeyConditionExpression fixes (`#pk = :v` or `PK = :v`). */
export function queryLeadingKeys(input: Json, hashKey: string): string[] {
  const expr = String(input.KeyConditionExpression ?? '');
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  const values: Record<string, Json> = input.ExpressionAttributeValues ?? {};
  const out: string[] = [];
  for (const m of expr.matchAll(/([#\w.]+)\s*=\s*(:\w+)/g)) {
    const name = m[1].startsWith('#') ? names[m[1]] : m[1];
    if (name === hashKey) {
      const v = scalar(values[m[2]]);
      if (v !== undefined) out.push(v);
    }
  }
  // Legacy KeyConditions.
  for (const [k, c] of Object.entries<Json>(input.KeyConditions ?? {}))
    if (k === hashKey) {
      const v = scalar(c.AttributeValueList?.[0]);
      if (v !== undefined) out.push(v);
    }
  return out;
}

export function dynamoCalls(operation: string, input: Json, scope: RequestScope): IamCall[] {
  const tableArn = (t: string, index?: string) =>
    `arn:${scope.partition}:dynamodb:${scope.region}:${scope.account}:table/${t}${index ? `/index/${index}` : ''}`;
  const hashOf = (t: string, index?: string) => (index ? scope.tables[t]?.indexes[index] : scope.tables[t]?.hashKey) ?? 'PK';
  const leading = (t: string, key: Json): Record<string, string[]> => {
    const v = scalar(key?.[hashOf(t)]);
    return v === undefined ? {} : { 'dynamodb:LeadingKeys': [v] };
  };
  const one = (action: string, t: string, ctx: Record<string, string | string[]> = {}, index?: string): IamCall => ({
    action: `dynamodb:${action}`,
    resource: tableArn(t, index),
    context: ctx,
  });
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [one(operation, input.TableName, leading(input.TableName, input.Key))];
    case 'PutItem':
      return [one(operation, input.TableName, leading(input.TableName, input.Item))];
    case 'Query': {
      const keys = queryLeadingKeys(input, hashOf(input.TableName, input.IndexName));
      return [one('Query', input.TableName, keys.length ? { 'dynamodb:LeadingKeys': keys } : {}, input.IndexName)];
    }
    case 'Scan':
      return [one('Scan', input.TableName, {}, input.IndexName)];
    case 'BatchGetItem':
      return Object.entries<Json>(input.RequestItems ?? {}).map(([t, r]) => {
        const keys = (r.Keys ?? []).map((k: Json) => scalar(k[hashOf(t)])).filter((v: unknown) => v !== undefined);
        return one('BatchGetItem', t, keys.length ? { 'dynamodb:LeadingKeys': [...new Set<string>(keys)] } : {});
      });
    case 'BatchWriteItem':
      return Object.entries<Json>(input.RequestItems ?? {}).map(([t, reqs]) => {
        const keys = (reqs as Json[]).map((r) => scalar((r.PutRequest?.Item ?? r.DeleteRequest?.Key)?.[hashOf(t)])).filter((v) => v !== undefined);
        return one('BatchWriteItem', t, keys.length ? { 'dynamodb:LeadingKeys': [...new Set<string>(keys as string[])] } : {});
      });
    case 'TransactWriteItems':
      return (input.TransactItems ?? []).map((item: Json) => {
        const [kind, op] = Object.entries<Json>(item)[0];
        const action = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }[kind] ?? kind;
        return one(action, op.TableName, { ...leading(op.TableName, op.Item ?? op.Key), 'dynamodb:EnclosingOperation': 'TransactWriteItems' });
      });
    case 'TransactGetItems':
      return (input.TransactItems ?? []).map((item: Json) =>
        one('GetItem', item.Get.TableName, { ...leading(item.Get.TableName, item.Get.Key), 'dynamodb:EnclosingOperation': 'TransactGetItems' }),
      );
    case 'DescribeTable':
    case 'UpdateTable':
    case 'DeleteTable':
    case 'DescribeTimeToLive':
    case 'UpdateTimeToLive':
    case 'CreateTable':
      return [one(operation, input.TableName)];
    default:
      return [{ action: `dynamodb:${operation}`, resource: '*', context: {} }];
  }
}

export function sfnCalls(operation: string, input: Json, scope: RequestScope): IamCall[] {
  const action = `states:${operation}`;
  switch (operation) {
    case 'StartExecution':
    case 'StartSyncExecution':
    case 'ListExecutions':
    case 'DescribeStateMachine':
      return [{ action, resource: String(input.stateMachineArn), context: {} }];
    case 'DescribeExecution':
    case 'StopExecution':
    case 'GetExecutionHistory':
    case 'RedriveExecution':
      return [{ action, resource: String(input.executionArn), context: {} }];
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat':
      return [{ action, resource: scope.stateMachineOfToken?.(String(input.taskToken)) ?? '*', context: {} }];
    default:
      return [{ action, resource: '*', context: {} }];
  }
}

export function sesCalls(method: string, path: string, input: Json, scope: RequestScope): IamCall[] {
  if (method !== 'POST' || !path.startsWith('/v2/email/outbound-emails')) return [{ action: `ses:${method} ${path}`, resource: '*', context: {} }];
  const from = String(input.FromEmailAddress ?? '');
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.split('@').pop() ?? '';
  const identity = input.FromEmailAddressIdentityArn ?? `arn:${scope.partition}:ses:${scope.region}:${scope.account}:identity/${domain}`;
  const d = input.Destination ?? {};
  const recipients = [...(d.ToAddresses ?? []), ...(d.CcAddresses ?? []), ...(d.BccAddresses ?? [])].map(String);
  const calls: IamCall[] = [
    { action: 'ses:SendEmail', resource: identity, context: { 'ses:FromAddress': address, 'ses:Recipients': recipients, 'ses:ApiVersion': '2' } },
  ];
  if (input.ConfigurationSetName) {
    calls.push({
      action: 'ses:SendEmail',
      resource: `arn:${scope.partition}:ses:${scope.region}:${scope.account}:configuration-set/${input.ConfigurationSetName}`,
      context: { 'ses:ApiVersion': '2' },
    });
  }
  return calls;
}

/** The bucket and key of a path-style (or virtual-hosted) S3 request. */
export function s3Target(url: string, host = ''): { bucket: string; key: string; query: URLSearchParams } {
  const u = new URL(url, 'http://local');
  const virtual = /^([a-z0-9.-]+)\.s3[.-]/.exec(host);
  const parts = u.pathname.slice(1).split('/');
  const bucket = virtual ? virtual[1] : (parts.shift() ?? '');
  const key = decodeURIComponent(parts.join('/'));
  return { bucket, key, query: u.searchParams };
}

export function s3Calls(method: string, url: string, headers: IncomingHttpHeaders, scope: RequestScope): IamCall[] {
  const { bucket, key, query } = s3Target(url, String(headers.host ?? ''));
  const bucketArn = `arn:${scope.partition}:s3:::${bucket}`;
  const objectArn = `${bucketArn}/${key}`;
  const presigned = query.has('X-Amz-Credential');
  const ctx: Record<string, string> = {
    's3:authType': presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
    // The local loopback stands in for S3's TLS endpoint (docs/local-runtime.md).
    's3:TlsVersion': '1.3',
  };
  const sha = headers['x-amz-content-sha256'];
  if (sha) ctx['s3:x-amz-content-sha256'] = String(sha);
  if (!key) {
    if (method === 'GET' || method === 'HEAD') {
      if (query.has('versions')) return [{ action: 's3:ListBucketVersions', resource: bucketArn, context: { ...ctx, 's3:prefix': query.get('prefix') ?? '' } }];
      if (query.has('object-lock')) return [{ action: 's3:GetBucketObjectLockConfiguration', resource: bucketArn, context: ctx }];
      const listCtx: Record<string, string> = { ...ctx, 's3:prefix': query.get('prefix') ?? '' };
      if (query.has('delimiter')) listCtx['s3:delimiter'] = query.get('delimiter')!;
      if (query.has('max-keys')) listCtx['s3:max-keys'] = query.get('max-keys')!;
      return [{ action: 's3:ListBucket', resource: bucketArn, context: listCtx }];
    }
    return [{ action: `s3:${method}Bucket`, resource: bucketArn, context: ctx }];
  }
  const versioned = query.has('versionId');
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [{ action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', resource: objectArn, context: ctx }];
    case 'PUT': {
      const calls: IamCall[] = [];
      const put: Record<string, string> = { ...ctx };
      const mode = headers['x-amz-object-lock-mode'];
      const until = headers['x-amz-object-lock-retain-until-date'];
      if (mode) put['s3:object-lock-mode'] = String(mode);
      if (until) put['s3:object-lock-retain-until-date'] = String(until);
      const copy = headers['x-amz-copy-source'];
      calls.push({ action: 's3:PutObject', resource: objectArn, context: put });
      if (mode || until) calls.push({ action: 's3:PutObjectRetention', resource: objectArn, context: put });
      if (headers['x-amz-object-lock-legal-hold']) calls.push({ action: 's3:PutObjectLegalHold', resource: objectArn, context: ctx });
      if (headers['x-amz-tagging']) calls.push({ action: 's3:PutObjectTagging', resource: objectArn, context: ctx });
      if (copy) {
        const src = decodeURIComponent(String(copy)).replace(/^\//, '').split('?')[0];
        calls.push({ action: 's3:GetObject', resource: `arn:${scope.partition}:s3:::${src}`, context: ctx });
      }
      return calls;
    }
    case 'DELETE':
      return [{ action: versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: objectArn, context: ctx }];
    default:
      return [{ action: `s3:${method}Object`, resource: objectArn, context: ctx }];
  }
}

/** The operation name of a JSON-protocol request (`X-Amz-Target: DynamoDB_20120810.GetItem`). */
export function targetOperation(headers: IncomingHttpHeaders): string {
  return (
    String(headers['x-amz-target'] ?? '')
      .split('.')
      .pop() ?? ''
  );
}

export function callsOf(service: Service, req: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }, scope: RequestScope): IamCall[] {
  const json = () => (req.body.length ? JSON.parse(req.body.toString('utf8')) : {});
  switch (service) {
    case 'dynamodb':
      return dynamoCalls(targetOperation(req.headers), json(), scope);
    case 'sfn':
      return sfnCalls(targetOperation(req.headers), json(), scope);
    case 'ses':
      return sesCalls(req.method, new URL(req.url, 'http://local').pathname, req.method === 'POST' ? json() : {}, scope);
    case 's3':
      return s3Calls(req.method, req.url, req.headers, scope);
    // GetSecretValue (the mail credentials): on the secret, by the ARN the request names.
    case 'secretsmanager':
      return [{ action: `secretsmanager:${targetOperation(req.headers)}`, resource: String(json().SecretId ?? '*'), context: {} }];
  }
}
