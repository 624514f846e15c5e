/**
 * cdk-nag wiring, shared by the CDK app (`cdk synth`) and the infra tests, so a finding that
 * fails one fails the other.
 *
 * cdk-nag 3 is a CDK policy-validation plugin (no longer an Aspect): it runs after the
 * templates are written, reports to `policy-validation-report.json` in the cloud assembly,
 * and any unacknowledged error interrupts synthesis. Findings are acknowledged with CDK's own
 * `Validations.of(construct).acknowledge()`, next to the construct that causes them, each with
 * its reason; `acknowledge()` below only makes the reason mandatory and the id greppable.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export function enableNagChecks(app: App): void {
  // verbose: the report explains each rule, which is what a reviewer of a finding needs.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** Acknowledges one AwsSolutions finding (`AwsSolutions-IAM5[Resource::*]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`cdk-nag acknowledgement ${id} on ${scope.node.path} needs a written reason`);
  Validations.of(scope).acknowledge({ id, reason });
}
