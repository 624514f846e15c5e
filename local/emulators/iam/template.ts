/**
 * What the local IAM check needs from the synthesized CloudFormation templates of one region:
 * each function's execution-role policies and the resource policies (bucket, table, key, queue
 * and topic policies), with every intrinsic resolved to the physical names the LOCAL runtime
 * uses (table `complaints-<region>`, buckets `complaints-attachments`..., the two state machines,
 * account 000000000000, the region's partition), plus which buckets have Object Lock.
 *
 * Intrinsics: Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If (with the
 * template's Conditions), Fn::ImportValue and Fn::GetStackOutput across the region's stacks,
 * and the pseudo parameters AWS::Partition / Region / AccountId / URLSuffix / StackName / NoValue.
 * A deployed name CloudFormation would generate (a table without TableName) is written as a
 * placeholder `<stack>-<logicalId>`; the local names are then put in by comparing each
 * function's environment in the template (TABLE_NAME, ATTACHMENTS_BUCKET, ...) with the local
 * runtime's value of the same variable: whatever the template calls the table, the function
 * reads it from TABLE_NAME, and locally that is `complaints-<region>`.
 */
import { FUNCTIONS, type FunctionName } from '../../../functions/functions.ts';
import { REGIONS } from '../../../functions/domain/regions.ts';

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface PolicyDocument {
  Version?: string;
  Statement: Json[] | Json;
}

export interface StackTemplate {
  stackName: string;
  region: string;
  template: Json;
}

export interface FunctionPolicies {
  /** The execution role's ARN (the principal's aws:PrincipalArn). */
  roleArn: string;
  roleName: string;
  /** Inline and attached (AWS::IAM::Policy) policies of the role. */
  policies: { name: string; policy: PolicyDocument }[];
  /** Managed policy ARNs attached to the role: not evaluated locally (none today; listed so that a new one is noticed). */
  managedPolicyArns: string[];
}

export interface RegionPolicies {
  region: string;
  partition: string;
  account: string;
  functions: Partial<Record<FunctionName, FunctionPolicies>>;
  /** Resource policies by the ARN of the resource they are attached to (bucket, table, key, queue, topic). */
  resourcePolicies: Record<string, PolicyDocument>;
  /** Local names of the buckets created with ObjectLockEnabled. */
  objectLockBuckets: string[];
  /** DynamoDB tables by local name: the partition key attribute (dynamodb:LeadingKeys) of the table and of each index. */
  tables: Record<string, { hashKey: string; indexes: Record<string, string> }>;
  /** Deployed name -> local name, as applied (for the reports). */
  renamed: Record<string, string>;
}

/** The partition of an AWS region of the product, as the typed region configuration says it (functions/domain/regions.ts). */
export function partitionOf(region: string): string {
  const config = Object.values(REGIONS).find((r) => r.aws.region === region);
  if (!config) throw new Error(`No region of the product runs in ${region} (functions/domain/regions.ts)`);
  return config.aws.partition;
}

export function urlSuffixOf(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

interface Ctx {
  stack: StackTemplate;
  stacks: StackTemplate[];
  partition: string;
  account: string;
  /** Export name -> [exporting stack, value]. */
  exports: Map<string, [StackTemplate, Json]>;
  /** Lambda logical id -> FUNCTIONS name, per stack. */
  functionNames: Map<string, FunctionName>;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** The physical name CloudFormation gives a resource's Ref (its own name property, or a placeholder). */
function physicalName(ctx: Ctx, logicalId: string): string {
  const res = ctx.stack.template.Resources?.[logicalId];
  if (!res) throw new Error(`${ctx.stack.stackName}: Ref to unknown resource ${logicalId}`);
  const p = res.Properties ?? {};
  const named = (prop: string) => (p[prop] !== undefined ? String(resolve(ctx, p[prop])) : `${ctx.stack.stackName}-${logicalId}`);
  switch (res.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return named('TableName');
    case 'AWS::S3::Bucket':
      return named('BucketName');
    case 'AWS::IAM::Role':
      return named('RoleName');
    case 'AWS::Lambda::Function':
      return ctx.functionNames.get(`${ctx.stack.stackName}/${logicalId}`) ?? named('FunctionName');
    case 'AWS::SQS::Queue':
      return named('QueueName');
    case 'AWS::SNS::Topic':
      return named('TopicName');
    case 'AWS::Logs::LogGroup':
      return named('LogGroupName');
    case 'AWS::StepFunctions::StateMachine':
      return named('StateMachineName');
    default:
      return `${ctx.stack.stackName}-${logicalId}`;
  }
}

function ref(ctx: Ctx, name: string): string | typeof NO_VALUE {
  const region = ctx.stack.region;
  switch (name) {
    case 'AWS::Partition':
      return ctx.partition;
    case 'AWS::Region':
      return region;
    case 'AWS::AccountId':
      return ctx.account;
    case 'AWS::URLSuffix':
      return urlSuffixOf(ctx.partition);
    case 'AWS::StackName':
      return ctx.stack.stackName;
    case 'AWS::StackId':
      return `arn:${ctx.partition}:cloudformation:${region}:${ctx.account}:stack/${ctx.stack.stackName}/local`;
    case 'AWS::NoValue':
      return NO_VALUE;
  }
  const param = ctx.stack.template.Parameters?.[name];
  if (param) return String(param.Default ?? '');
  const res = ctx.stack.template.Resources?.[name];
  if (!res) throw new Error(`${ctx.stack.stackName}: Ref to unknown ${name}`);
  const arnPrefix = (service: string) => `arn:${ctx.partition}:${service}:${region}:${ctx.account}`;
  switch (res.Type) {
    // Resources whose Ref is an ARN or a URL, not a name.
    case 'AWS::StepFunctions::StateMachine':
      return `${arnPrefix('states')}:stateMachine:${physicalName(ctx, name)}`;
    case 'AWS::SNS::Topic':
      return `${arnPrefix('sns')}:${physicalName(ctx, name)}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${region}.${urlSuffixOf(ctx.partition)}/${ctx.account}/${physicalName(ctx, name)}`;
    case 'AWS::KMS::Key':
      return `${ctx.stack.stackName}-${name}`;
    default:
      return physicalName(ctx, name);
  }
}

function getAtt(ctx: Ctx, logicalId: string, attr: string): string {
  const res = ctx.stack.template.Resources?.[logicalId];
  if (!res) throw new Error(`${ctx.stack.stackName}: GetAtt of unknown resource ${logicalId}`);
  const { partition, account } = ctx;
  const region = ctx.stack.region;
  const name = () => physicalName(ctx, logicalId);
  const at = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${account}:${rest}`;
  switch (`${res.Type}.${attr}`) {
    case 'AWS::DynamoDB::Table.Arn':
    case 'AWS::DynamoDB::GlobalTable.Arn':
      return at('dynamodb', `table/${name()}`);
    case 'AWS::DynamoDB::Table.StreamArn':
    case 'AWS::DynamoDB::GlobalTable.StreamArn':
      return at('dynamodb', `table/${name()}/stream/local`);
    case 'AWS::S3::Bucket.Arn':
      return `arn:${partition}:s3:::${name()}`;
    case 'AWS::S3::Bucket.DomainName':
      return `${name()}.s3.${urlSuffixOf(partition)}`;
    case 'AWS::S3::Bucket.RegionalDomainName':
      return `${name()}.s3.${region}.${urlSuffixOf(partition)}`;
    case 'AWS::IAM::Role.Arn':
      return `arn:${partition}:iam::${account}:role/${name()}`;
    case 'AWS::IAM::Role.RoleId':
      return `AROA${logicalId.toUpperCase()}`;
    case 'AWS::Lambda::Function.Arn':
      return at('lambda', `function:${name()}`);
    case 'AWS::KMS::Key.Arn':
      return at('kms', `key/${ctx.stack.stackName}-${logicalId}`);
    case 'AWS::KMS::Key.KeyId':
      return `${ctx.stack.stackName}-${logicalId}`;
    case 'AWS::SQS::Queue.Arn':
      return at('sqs', name());
    case 'AWS::SQS::Queue.QueueName':
      return name();
    case 'AWS::SNS::Topic.TopicArn':
      return at('sns', name());
    case 'AWS::Logs::LogGroup.Arn':
      return at('logs', `log-group:${name()}:*`);
    case 'AWS::StepFunctions::StateMachine.Arn':
      return at('states', `stateMachine:${name()}`);
    case 'AWS::StepFunctions::StateMachine.Name':
      return name();
    default:
      return `${ctx.stack.stackName}-${logicalId}.${attr}`;
  }
}

function condition(ctx: Ctx, name: string): boolean {
  const c = ctx.stack.template.Conditions?.[name];
  if (c === undefined) throw new Error(`${ctx.stack.stackName}: unknown condition ${name}`);
  return Boolean(resolve(ctx, c));
}

/** Resolves every intrinsic in `value` (recursively) within the context of one stack. */
function resolve(ctx: Ctx, value: Json): Json {
  if (Array.isArray(value)) return value.map((v) => resolve(ctx, v)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = value[k];
    switch (k) {
      case 'Ref':
        return ref(ctx, arg);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
        return getAtt(ctx, id, resolve(ctx, attr));
      }
      case 'Fn::Join': {
        const [sep, parts] = arg;
        return (resolve(ctx, parts) as Json[]).map(String).join(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        const local = resolve(ctx, vars ?? {}) as Record<string, Json>;
        return String(text)
          .replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
            if (name in local) return String(local[name]);
            const [id, attr] = name.split(/\.(.*)/);
            return String(attr ? getAtt(ctx, id, attr) : ref(ctx, id));
          })
          .replace(/\$\{!/g, '${');
      }
      case 'Fn::Select': {
        const [i, list] = arg;
        return (resolve(ctx, list) as Json[])[Number(resolve(ctx, i))];
      }
      case 'Fn::Split': {
        const [sep, s] = arg;
        return String(resolve(ctx, s)).split(sep);
      }
      case 'Fn::If': {
        const [cond, yes, no] = arg;
        return resolve(ctx, condition(ctx, cond) ? yes : no);
      }
      case 'Fn::Equals': {
        const [a, b] = resolve(ctx, arg);
        return a === b;
      }
      case 'Fn::Not':
        return !resolve(ctx, arg)[0];
      case 'Fn::And':
        return (resolve(ctx, arg) as boolean[]).every(Boolean);
      case 'Fn::Or':
        return (resolve(ctx, arg) as boolean[]).some(Boolean);
      case 'Condition':
        return condition(ctx, arg);
      case 'Fn::ImportValue': {
        const name = String(resolve(ctx, arg));
        const found = ctx.exports.get(name);
        if (!found) throw new Error(`${ctx.stack.stackName}: no stack of the region exports ${name}`);
        return resolve({ ...ctx, stack: found[0] }, found[1]);
      }
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName } = resolve(ctx, arg) as { StackName: string; OutputName: string };
        const stack = ctx.stacks.find((s) => s.stackName === StackName);
        const out = stack?.template.Outputs?.[OutputName];
        if (!stack || !out) throw new Error(`${ctx.stack.stackName}: no output ${OutputName} of ${StackName}`);
        return resolve({ ...ctx, stack }, out.Value);
      }
      case 'Fn::Base64':
        return Buffer.from(String(resolve(ctx, arg))).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${ctx.stack.region}${z}`);
    }
  }
  return Object.fromEntries(
    Object.entries(value)
      .map(([k, v]) => [k, resolve(ctx, v)])
      .filter(([, v]) => v !== NO_VALUE),
  );
}

/** Replaces each deployed name by its local name inside every string of `value`. */
export function rename<T>(value: T, names: [string, string][]): T {
  if (typeof value === 'string') {
    let s: string = value;
    for (const [from, to] of names) if (from && s.includes(from)) s = s.split(from).join(to);
    return s as T;
  }
  if (Array.isArray(value)) return value.map((v) => rename(v, names)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k, names), rename(v, names)])) as T;
  return value;
}

const RESOURCE_POLICY_TYPES: Record<string, { on: string; doc: string }> = {
  'AWS::S3::BucketPolicy': { on: 'Bucket', doc: 'PolicyDocument' },
  'AWS::SQS::QueuePolicy': { on: 'Queues', doc: 'PolicyDocument' },
  'AWS::SNS::TopicPolicy': { on: 'Topics', doc: 'PolicyDocument' },
};

/**
 * The region's policies, from the templates of its stacks (those deployed to `region`, and the
 * ones they import from), with local names.
 * `localEnv`: the local runtime's value of each environment variable that names a resource
 * (TABLE_NAME, ATTACHMENTS_BUCKET, MAIL_BUCKET, ARCHIVE_BUCKET, STATE_MACHINE_ARN, ...).
 */
export function regionPolicies(stacks: StackTemplate[], region: string, account: string, localEnv: Record<string, string>): RegionPolicies {
  const partition = partitionOf(region);
  const exports = new Map<string, [StackTemplate, Json]>();
  for (const s of stacks) {
    for (const out of Object.values<Json>(s.template.Outputs ?? {})) {
      if (out.Export?.Name) exports.set(typeof out.Export.Name === 'string' ? out.Export.Name : JSON.stringify(out.Export.Name), [s, out.Value]);
    }
  }
  const functionNames = new Map<string, FunctionName>();
  for (const s of stacks) {
    for (const [id, r] of Object.entries<Json>(s.template.Resources ?? {})) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const name = (Object.keys(FUNCTIONS) as FunctionName[]).find((n) => new RegExp(`^${n}[0-9A-F]{8}$`).test(id));
      if (name) functionNames.set(`${s.stackName}/${id}`, name);
    }
  }
  const mine = stacks.filter((s) => s.region === region);
  const ctxOf = (stack: StackTemplate): Ctx => ({ stack, stacks, partition, account, exports, functionNames });

  // Deployed name -> local name, from the functions' environment.
  const renames = new Map<string, string>();
  const functions: RegionPolicies['functions'] = {};
  const roleOf = new Map<string, FunctionName>(); // `${stack}/${roleLogicalId}` -> function
  for (const s of mine) {
    const ctx = ctxOf(s);
    for (const [id, r] of Object.entries<Json>(s.template.Resources ?? {})) {
      const fn = functionNames.get(`${s.stackName}/${id}`);
      if (!fn) continue;
      const env = resolve(ctx, r.Properties?.Environment?.Variables ?? {}) as Record<string, string>;
      for (const [k, v] of Object.entries(env)) if (localEnv[k] && typeof v === 'string' && v !== localEnv[k]) renames.set(v, localEnv[k]);
      const roleRef = r.Properties?.Role;
      const roleId: string | undefined = roleRef?.['Fn::GetAtt']?.[0];
      if (!roleId) throw new Error(`${s.stackName}/${id}: the function's role is not a role of the stack`);
      roleOf.set(`${s.stackName}/${roleId}`, fn);
      const role = s.template.Resources[roleId];
      const roleName = physicalName(ctx, roleId);
      functions[fn] = {
        roleArn: getAtt(ctx, roleId, 'Arn'),
        roleName,
        policies: (resolve(ctx, role.Properties?.Policies ?? []) as Json[]).map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument })),
        managedPolicyArns: resolve(ctx, role.Properties?.ManagedPolicyArns ?? []),
      };
    }
  }
  for (const s of mine) {
    const ctx = ctxOf(s);
    for (const [id, r] of Object.entries<Json>(s.template.Resources ?? {})) {
      if (r.Type !== 'AWS::IAM::Policy') continue;
      for (const role of r.Properties.Roles ?? []) {
        const fn = roleOf.get(`${s.stackName}/${role?.Ref}`);
        if (fn) functions[fn]!.policies.push({ name: String(resolve(ctx, r.Properties.PolicyName ?? id)), policy: resolve(ctx, r.Properties.PolicyDocument) });
      }
    }
  }

  const resourcePolicies: Record<string, PolicyDocument> = {};
  const objectLockBuckets: string[] = [];
  const tables: RegionPolicies['tables'] = {};
  for (const s of mine) {
    const ctx = ctxOf(s);
    for (const [id, r] of Object.entries<Json>(s.template.Resources ?? {})) {
      const kind = RESOURCE_POLICY_TYPES[r.Type];
      if (kind) {
        const doc = resolve(ctx, r.Properties[kind.doc]);
        if (r.Type === 'AWS::S3::BucketPolicy') {
          resourcePolicies[`arn:${partition}:s3:::${resolve(ctx, r.Properties.Bucket)}`] = doc;
        } else {
          const targets = resolve(ctx, r.Properties[kind.on]) as string[];
          // A queue policy names queues by URL: their ARN is what a request is evaluated on.
          for (const t of targets)
            resourcePolicies[t.startsWith('https://sqs.') ? `arn:${partition}:sqs:${s.region}:${account}:${t.split('/').pop()}` : t] = doc;
        }
      } else if (r.Type === 'AWS::KMS::Key' && r.Properties?.KeyPolicy) {
        resourcePolicies[getAtt(ctx, id, 'Arn')] = resolve(ctx, r.Properties.KeyPolicy);
      } else if (r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable') {
        const name = physicalName(ctx, id);
        const p = r.Properties ?? {};
        const hash = (schema: Json[]) => schema.find((k: Json) => k.KeyType === 'HASH')?.AttributeName as string;
        tables[name] = {
          hashKey: hash(p.KeySchema ?? []),
          indexes: Object.fromEntries(
            [...(p.GlobalSecondaryIndexes ?? []), ...(p.LocalSecondaryIndexes ?? [])].map((i: Json) => [i.IndexName, hash(i.KeySchema)]),
          ),
        };
        const policy = p.ResourcePolicy?.PolicyDocument ?? p.Replicas?.find((x: Json) => x.Region === s.region)?.ResourcePolicy?.PolicyDocument;
        if (policy) resourcePolicies[getAtt(ctx, id, 'Arn')] = resolve(ctx, policy);
      } else if (r.Type === 'AWS::S3::Bucket' && r.Properties?.ObjectLockEnabled) {
        objectLockBuckets.push(physicalName(ctx, id));
      }
    }
  }
  // Longest first: a name never replaces part of a longer one.
  const names = [...renames].sort((a, b) => b[0].length - a[0].length);
  const local = rename({ region, partition, account, functions, resourcePolicies, objectLockBuckets, tables }, names);
  return { ...local, renamed: Object.fromEntries(names) };
}
