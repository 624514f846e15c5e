/**
 * cdk-nag wiring, shared by the CDK app (`cdk synth`) and the infra tests, so a finding that
 * fails one fails the other. Two packs: AwsSolutions and NIST 800-53 rev 5.
 *
 * cdk-nag 3 is a CDK policy-validation plugin (no longer an Aspect): it runs after the
 * templates are written, reports to `policy-validation-report.json` in the cloud assembly,
 * and any unacknowledged error interrupts synthesis. Findings are acknowledged with CDK's own
 * `Validations.of(construct).acknowledge()`, next to the construct that causes them, each with
 * its reason; `acknowledge()` below only makes the reason mandatory and the id greppable.
 */
import { Stack, Validations, type App } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export function enableNagChecks(app: App): void {
  // verbose: the report explains each rule, which is what a reviewer of a finding needs.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new NIST80053R5Checks(app, { verbose: true }));
  for (const [id, reason] of Object.entries(APP_WIDE_DECISIONS)) acknowledge(app, id, reason);
}

/**
 * NIST 800-53 rev 5 rules that the design answers the same way for every resource of the app,
 * acknowledged once, at the app, with the decision. Findings that depend on the resource are
 * fixed or acknowledged next to it (EmailIntake's dead-letter queue, the access-log bucket's
 * SSE-S3, the WAF logs...).
 */
export const APP_WIDE_DECISIONS: Record<string, string> = {
  'NIST.800.53.R5-LambdaInsideVPC':
    'No function reaches anything inside a VPC: DynamoDB, S3, Step Functions, SES and CloudWatch are called at their regional endpoints over TLS with SigV4 and per-function IAM. A VPC would add NAT gateways or six interface endpoints per region and slower cold starts without narrowing any permission.',
  'NIST.800.53.R5-LambdaConcurrency':
    'Concurrency is bounded where requests enter: the HTTP API stage throttles (rate and burst), stream consumers run one batch per shard, schedules run one invocation. Reserved concurrency would be taken from the account pool (which must keep 100 unreserved) and make deploys fail in accounts with a small quota; the lambda-throttles alarms watch the account limit.',
  'NIST.800.53.R5-S3BucketReplicationEnabled':
    "Complaint data stays in the region of its regulator (China's data cannot leave cn-north-1; UK and US data are kept in-region too). Durability comes from S3 in-region (multiple AZs), versioning, Object Lock on the archive and the table's point-in-time recovery; replication would copy personal data out of the region.",
  'NIST.800.53.R5-IAMNoInlinePolicy':
    "Every role has its own policy written for it alone: each function's least-privilege statements (from FUNCTIONS through the bind helpers), the state machine's invoke of its two functions, CDK's deployment handler. A customer-managed policy would be attached to that one role with the same statements; inline, it lives and dies with the role, and test/infra asserts its statements.",
};

/**
 * Acknowledges one cdk-nag finding (`AwsSolutions-IAM5[Resource::*]`, `NIST.800.53.R5-LambdaDLQ`)
 * on a construct and its children.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`cdk-nag acknowledgement ${id} on ${scope.node.path} needs a written reason`);
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * How cdk-nag names a resource in a finding id (`Resource::arn:<AWS::Partition>:...`): the
 * resolved value, with Ref as <Name> and Fn::Join flattened. Only for values of this stack.
 */
export function nagResourceId(scope: IConstruct, value: string): string {
  return nameOf(Stack.of(scope).resolve(value));
}

/**
 * For roles whose statements CDK itself writes (its custom-resource handlers): acknowledges,
 * one finding id each, exactly the wildcard actions and resources and the AWS managed policies
 * the role has at the time of the call - anything added later is still reported.
 */
export function acknowledgeCdkManagedRole(role: iam.Role, reason: string): void {
  const stack = Stack.of(role);
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  for (const arn of (stack.resolve(cfnRole.managedPolicyArns) ?? []) as unknown[]) {
    acknowledge(role, `AwsSolutions-IAM4[Policy::${nameOf(arn)}]`, reason);
  }
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  const statements = (policy ? (stack.resolve(policy.document.toJSON())?.Statement ?? []) : []) as { Action: string | string[]; Resource: unknown }[];
  for (const s of statements) {
    for (const action of [s.Action].flat()) if (action.includes('*')) acknowledge(role, `AwsSolutions-IAM5[Action::${action}]`, reason);
    for (const resource of [s.Resource].flat()) {
      const id = nameOf(resource);
      if (id.includes('*')) acknowledge(role, `AwsSolutions-IAM5[Resource::${id}]`, reason);
    }
  }
}

/** nagResourceId's naming, for a value already resolved. */
function nameOf(node: unknown): string {
  if (typeof node === 'string') return node;
  const o = node as Record<string, unknown>;
  if (Array.isArray(o['Fn::Join'])) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(nameOf).join(sep);
  }
  if (typeof o.Ref === 'string') return `<${o.Ref}>`;
  if (Array.isArray(o['Fn::GetAtt'])) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  throw new Error(`cannot name ${JSON.stringify(node)} as cdk-nag does`);
}
