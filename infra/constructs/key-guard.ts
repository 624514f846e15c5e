/**
 * Guards the keys without which retained evidence is unreadable - the complaint table's and the
 * locked archive's - against being disabled or deleted. CDK's default key policy gives the
 * account root `kms:*` (delegating to IAM), so any administrator could schedule the archive
 * key's deletion and make seven years of Object Lock worthless. Each guarded key gets an
 * explicit Deny of the destructive actions for every principal but one break-glass role; the
 * root keeps every other right (rotation, tags, grants, its own policy), so the key stays
 * manageable - and CloudFormation can still update the key policy.
 *
 * The break-glass role (`complaints-kms-break-glass-<region>`) is created here, not taken as an
 * ARN: the Deny names it, so it must exist for as long as the key policy does, with the trust the
 * runbook (infra/README.md "KMS break-glass") describes - assumable from this account only, with
 * MFA, for one hour. Who may assume it is granted outside this stack (sts:AssumeRole in the
 * security officers' own permission sets); a bank that keeps such roles elsewhere names it with
 * the deploy setting `regions.<region>.kmsBreakGlassRoleArn`, and no role is created.
 */
import { Arn, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';

/** Denied on the guarded keys to everyone but the break-glass role. */
export const BREAK_GLASS_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey'] as const;

/** What the break-glass role may do on the guarded keys (the denied actions, their undo, and a look). */
const BREAK_GLASS_GRANTS = [...BREAK_GLASS_ACTIONS, 'kms:CancelKeyDeletion', 'kms:EnableKey', 'kms:DescribeKey'];

export const breakGlassRoleName = (region: RegionConfig): string => `complaints-kms-break-glass-${region.name}`;

export interface KeyGuardProps {
  region: RegionConfig;
  /** An existing break-glass role (settings `kmsBreakGlassRoleArn`): none is created. */
  existingRoleArn?: string;
}

export class KeyGuard extends Construct {
  /** ARN of the only principal that may disable or schedule the deletion of a guarded key. */
  readonly roleArn: string;
  /** The role, when this stack created it. */
  readonly role?: iam.Role;

  constructor(scope: Construct, id: string, props: KeyGuardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.existingRoleArn) {
      this.roleArn = props.existingRoleArn;
      return;
    }
    const name = breakGlassRoleName(props.region);
    this.role = new iam.Role(this, 'BreakGlassRole', {
      roleName: name,
      description: `KMS break-glass of the complaint table and archive keys (${props.region.name}): disable, re-enable, schedule or cancel deletion. Runbook: infra/README.md`,
      // This account's principals with MFA only; which of them may assume it is their own policy's business.
      assumedBy: new iam.AccountRootPrincipal().withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
      maxSessionDuration: Duration.hours(1),
    });
    // Formatted rather than role.roleArn: the key policies name it without a reference (and an
    // ArnNotEquals on a token would still be exact).
    this.roleArn = Arn.format({ service: 'iam', region: '', resource: 'role', resourceName: name }, stack);
  }

  /**
   * Adds the Deny to a key's policy and lets the break-glass role (if created here) act on it.
   * The key stays under the account root's other rights.
   */
  guard(key: kms.Key): void {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyBreakGlassMayDisableOrDelete',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...BREAK_GLASS_ACTIONS],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.roleArn } },
      }),
    );
    if (this.role) {
      // Inline, as every role of the app (APP_WIDE_DECISIONS, NIST.800.53.R5-IAMNoInlinePolicy).
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: BREAK_GLASS_GRANTS, resources: [key.keyArn] }));
    }
  }
}
