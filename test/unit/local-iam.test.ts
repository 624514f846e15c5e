/**
 * The local IAM check's pure parts: a request -> the IAM actions, resources and context keys AWS
 * evaluates for it (local/emulators/iam/requests.ts); CloudFormation intrinsics -> the local runtime's
 * names (local/emulators/iam/template.ts); and check:iam's matching of calls to grants.
 */
import { describe, expect, it } from 'vitest';
import { accessKeyOf, dynamoCalls, queryLeadingKeys, s3Calls, sesCalls, sfnCalls, type RequestScope } from '../../local/emulators/iam/requests.ts';
import { regionPolicies, type StackTemplate } from '../../local/emulators/iam/template.ts';
import { globToRegExp, grantsOf, isUsed, resourcePattern } from '../../scripts/check-iam.ts';

const scope: RequestScope = {
  partition: 'aws-cn',
  region: 'cn-north-1',
  account: '000000000000',
  tables: { 'complaints-cn': { hashKey: 'PK', indexes: { GSI1: 'GSI1PK', OPEN: 'OPENPK' } } },
  stateMachineOfToken: () => 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle',
};
const TABLE = 'arn:aws-cn:dynamodb:cn-north-1:000000000000:table/complaints-cn';

describe('request -> IAM action, resource and context', () => {
  it('reads the access key id from a SigV4 header or a presigned URL', () => {
    expect(
      accessKeyOf(
        { authorization: 'AWS4-HMAC-SHA256 Credential=local-StaffApi/20260302/cn-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x' },
        '/',
      ),
    ).toBe('local-StaffApi');
    expect(accessKeyOf({}, '/b/k?X-Amz-Credential=local-CreateAttachmentUpload%2F20260302%2Fcn-north-1%2Fs3%2Faws4_request&X-Amz-Signature=x')).toBe(
      'local-CreateAttachmentUpload',
    );
    expect(accessKeyOf({}, '/b/k')).toBeUndefined();
  });

  it('DynamoDB: the operation on the table or index, with the partition keys as dynamodb:LeadingKeys', () => {
    expect(dynamoCalls('GetItem', { TableName: 'complaints-cn', Key: { PK: { S: 'COMPLAINT#CN-1' }, SK: { S: 'META' } } }, scope)).toEqual([
      { action: 'dynamodb:GetItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['COMPLAINT#CN-1'] } },
    ]);
    expect(
      dynamoCalls(
        'Query',
        {
          TableName: 'complaints-cn',
          IndexName: 'OPEN',
          KeyConditionExpression: '#p = :p AND OPENSK < :s',
          ExpressionAttributeNames: { '#p': 'OPENPK' },
          ExpressionAttributeValues: { ':p': { S: 'OPEN#3' }, ':s': { S: 'z' } },
        },
        scope,
      ),
    ).toEqual([{ action: 'dynamodb:Query', resource: `${TABLE}/index/OPEN`, context: { 'dynamodb:LeadingKeys': ['OPEN#3'] } }]);
    expect(dynamoCalls('Scan', { TableName: 'complaints-cn' }, scope)).toEqual([{ action: 'dynamodb:Scan', resource: TABLE, context: {} }]);
  });

  it("DynamoDB: TransactWriteItems is authorized item by item, as the item's own action", () => {
    const calls = dynamoCalls(
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'complaints-cn', Item: { PK: { S: 'COMPLAINT#A' }, SK: { S: 'META' } } } },
          { Update: { TableName: 'complaints-cn', Key: { PK: { S: 'COMPLAINT#A' }, SK: { S: 'TASK' } } } },
          { Delete: { TableName: 'complaints-cn', Key: { PK: { S: 'COMPLAINT#B' }, SK: { S: 'X' } } } },
          { ConditionCheck: { TableName: 'complaints-cn', Key: { PK: { S: 'CUSTOMER#c' }, SK: { S: 'RESTRICTION' } } } },
        ],
      },
      scope,
    );
    expect(calls.map((c) => [c.action, c.resource, c.context['dynamodb:LeadingKeys']])).toEqual([
      ['dynamodb:PutItem', TABLE, ['COMPLAINT#A']],
      ['dynamodb:UpdateItem', TABLE, ['COMPLAINT#A']],
      ['dynamodb:DeleteItem', TABLE, ['COMPLAINT#B']],
      ['dynamodb:ConditionCheckItem', TABLE, ['CUSTOMER#c']],
    ]);
    expect(
      dynamoCalls(
        'BatchWriteItem',
        { RequestItems: { 'complaints-cn': [{ PutRequest: { Item: { PK: { S: 'A' } } } }, { DeleteRequest: { Key: { PK: { S: 'B' } } } }] } },
        scope,
      ),
    ).toEqual([{ action: 'dynamodb:BatchWriteItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['A', 'B'] } }]);
    expect(queryLeadingKeys({ KeyConditionExpression: 'PK = :v', ExpressionAttributeValues: { ':v': { S: 'X' } } }, 'PK')).toEqual(['X']);
  });

  it('S3: GetObject for GET and HEAD, PutObject (+ PutObjectRetention with a retention), DeleteObject, ListBucket with s3:prefix', () => {
    const s3 = (method: string, url: string, headers = {}) => s3Calls(method, url, headers, scope).map((c) => [c.action, c.resource, c.context['s3:prefix']]);
    expect(s3('GET', '/complaints-archive/complaints/a.json.gz')).toEqual([
      ['s3:GetObject', 'arn:aws-cn:s3:::complaints-archive/complaints/a.json.gz', undefined],
    ]);
    expect(s3('HEAD', '/complaints-archive/complaints/a%20b.json')).toEqual([
      ['s3:GetObject', 'arn:aws-cn:s3:::complaints-archive/complaints/a b.json', undefined],
    ]);
    expect(
      s3('PUT', '/complaints-archive/complaints/a.json.gz', {
        'x-amz-object-lock-mode': 'COMPLIANCE',
        'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z',
      }),
    ).toEqual([
      ['s3:PutObject', 'arn:aws-cn:s3:::complaints-archive/complaints/a.json.gz', undefined],
      ['s3:PutObjectRetention', 'arn:aws-cn:s3:::complaints-archive/complaints/a.json.gz', undefined],
    ]);
    expect(s3('DELETE', '/complaints-archive/staging/r/1.json')).toEqual([
      ['s3:DeleteObject', 'arn:aws-cn:s3:::complaints-archive/staging/r/1.json', undefined],
    ]);
    expect(s3('DELETE', '/complaints-archive/staging/r/1.json?versionId=v1')).toEqual([
      ['s3:DeleteObjectVersion', 'arn:aws-cn:s3:::complaints-archive/staging/r/1.json', undefined],
    ]);
    expect(s3('GET', '/complaints-archive?list-type=2&prefix=staging%2F')).toEqual([['s3:ListBucket', 'arn:aws-cn:s3:::complaints-archive', 'staging/']]);
    expect(s3('GET', '/complaints-archive?list-type=2')).toEqual([['s3:ListBucket', 'arn:aws-cn:s3:::complaints-archive', '']]);
    expect(s3('PUT', '/complaints-archive/complaints/b', { 'x-amz-copy-source': '/complaints-attachments/uploads/x' }).map((c) => c[0])).toEqual([
      's3:PutObject',
      's3:GetObject',
    ]);
  });

  it("Step Functions: StartExecution on the machine, DescribeExecution on the execution, callbacks on the token's machine", () => {
    const sm = 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle';
    expect(sfnCalls('StartExecution', { stateMachineArn: sm }, scope)).toEqual([{ action: 'states:StartExecution', resource: sm, context: {} }]);
    expect(sfnCalls('DescribeExecution', { executionArn: `${sm.replace(':stateMachine:', ':execution:')}:CN-1` }, scope)[0].resource).toMatch(
      /:execution:complaint-lifecycle:CN-1$/,
    );
    expect(sfnCalls('SendTaskSuccess', { taskToken: 't' }, scope)).toEqual([{ action: 'states:SendTaskSuccess', resource: sm, context: {} }]);
  });

  it("SES v2: ses:SendEmail on the From domain's identity, with ses:FromAddress and ses:Recipients", () => {
    expect(
      sesCalls(
        'POST',
        '/v2/email/outbound-emails',
        { FromEmailAddress: 'Bank <complaints@bank.example.cn>', Destination: { ToAddresses: ['a@example.com'] } },
        scope,
      ),
    ).toEqual([
      {
        action: 'ses:SendEmail',
        resource: 'arn:aws-cn:ses:cn-north-1:000000000000:identity/bank.example.cn',
        context: { 'ses:FromAddress': 'complaints@bank.example.cn', 'ses:Recipients': ['a@example.com'], 'ses:ApiVersion': '2' },
      },
    ]);
  });
});

describe('intrinsics -> local names', () => {
  const stateful: StackTemplate = {
    stackName: 'S',
    region: 'cn-north-1',
    template: {
      Resources: {
        Table: {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: {
            KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
            GlobalSecondaryIndexes: [{ IndexName: 'GSI1', KeySchema: [{ AttributeName: 'GSI1PK', KeyType: 'HASH' }] }],
          },
        },
        Archive: {
          Type: 'AWS::S3::Bucket',
          Properties: { BucketName: { 'Fn::Sub': 'complaints-archive-${AWS::AccountId}-${AWS::Region}' }, ObjectLockEnabled: true },
        },
        ArchivePolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'Archive' },
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Deny',
                  Principal: { AWS: '*' },
                  Action: 's3:*',
                  Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Archive', 'Arn'] }, '/*']] },
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
              ],
            },
          },
        },
      },
      Outputs: {
        TableArn: { Value: { 'Fn::GetAtt': ['Table', 'Arn'] }, Export: { Name: 'S:TableArn' } },
        TableName: { Value: { Ref: 'Table' }, Export: { Name: 'S:TableName' } },
      },
    },
  };
  const api: StackTemplate = {
    stackName: 'A',
    region: 'cn-north-1',
    template: {
      Resources: {
        StaffApiRole1234ABCD: { Type: 'AWS::IAM::Role', Properties: {} },
        StaffApi0A1B2C3D: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Role: { 'Fn::GetAtt': ['StaffApiRole1234ABCD', 'Arn'] },
            Environment: {
              Variables: {
                TABLE_NAME: { 'Fn::ImportValue': 'S:TableName' },
                ARCHIVE_BUCKET: { 'Fn::Join': ['-', ['complaints-archive', { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]] },
              },
            },
          },
        },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            Roles: [{ Ref: 'StaffApiRole1234ABCD' }],
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: 'dynamodb:GetItem',
                  Resource: [{ 'Fn::ImportValue': 'S:TableArn' }, { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'S:TableArn' }, '/index/GSI1']] }],
                },
                {
                  Effect: 'Allow',
                  Action: 's3:GetObject',
                  Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::complaints-archive-${AWS::AccountId}-${AWS::Region}/complaints/*' },
                },
                {
                  Effect: 'Allow',
                  Action: 'states:StartExecution',
                  Resource: {
                    'Fn::Sub': ['arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${Name}', { Name: 'complaint-lifecycle' }],
                  },
                },
              ],
            },
          },
        },
      },
    },
  };
  const p = regionPolicies([stateful, api], 'cn-north-1', '000000000000', { TABLE_NAME: 'complaints-cn', ARCHIVE_BUCKET: 'complaints-archive' });

  it("resolves Ref, GetAtt, Join, Sub, ImportValue and the pseudo parameters, in the region's partition, with the local names", () => {
    const [policy] = p.functions.StaffApi!.policies;
    expect(policy.policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: [
          'arn:aws-cn:dynamodb:cn-north-1:000000000000:table/complaints-cn',
          'arn:aws-cn:dynamodb:cn-north-1:000000000000:table/complaints-cn/index/GSI1',
        ],
      },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws-cn:s3:::complaints-archive/complaints/*' },
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle' },
    ]);
    expect(p.functions.StaffApi!.roleArn).toBe('arn:aws-cn:iam::000000000000:role/A-StaffApiRole1234ABCD');
    expect(p.renamed).toEqual({ 'complaints-archive-000000000000-cn-north-1': 'complaints-archive', 'S-Table': 'complaints-cn' });
  });

  it("keeps the resource policies by resource ARN, the Object Lock buckets and the tables' keys", () => {
    expect(Object.keys(p.resourcePolicies)).toEqual(['arn:aws-cn:s3:::complaints-archive']);
    expect(p.resourcePolicies['arn:aws-cn:s3:::complaints-archive'].Statement[0].Resource).toBe('arn:aws-cn:s3:::complaints-archive/*');
    expect(p.objectLockBuckets).toEqual(['complaints-archive']);
    expect(p.tables).toEqual({ 'complaints-cn': { hashKey: 'PK', indexes: { GSI1: 'GSI1PK' } } });
  });
});

describe('check:iam: calls against grants', () => {
  it('matches IAM wildcards and generalizes the reported resources', () => {
    expect(globToRegExp('arn:aws-cn:s3:::complaints-archive/staging/*').test('arn:aws-cn:s3:::complaints-archive/staging/CN-1/2.json')).toBe(true);
    expect(globToRegExp('dynamodb:Get*').test('dynamodb:GetItem')).toBe(true);
    expect(globToRegExp('arn:aws-cn:s3:::complaints-archive').test('arn:aws-cn:s3:::complaints-archive-x')).toBe(false);
    expect(resourcePattern('arn:aws-cn:s3:::complaints-archive/complaints/region=cn/2026/CN-1.json.gz')).toBe(
      'arn:aws-cn:s3:::complaints-archive/complaints/*',
    );
    expect(resourcePattern('arn:aws-cn:states:cn-north-1:0:execution:complaint-lifecycle:CN-1')).toBe(
      'arn:aws-cn:states:cn-north-1:0:execution:complaint-lifecycle:*',
    );
  });

  it('a grant is used when an allowed call of that function matches its action and resource', () => {
    const grants = grantsOf('StaffApi', [
      { policy: { Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws-cn:s3:::b/complaints/*' }] } },
    ]);
    const calls = [{ fn: 'StaffApi' as const, action: 's3:GetObject', resource: 'arn:aws-cn:s3:::b/complaints/x', allowed: true }];
    expect(grants.map((g) => isUsed(g, calls))).toEqual([true, false]);
    expect(isUsed(grants[0], [{ ...calls[0], fn: 'OpenApi' }])).toBe(false);
  });
});
