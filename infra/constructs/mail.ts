/**
 * Email of a region: the sending identity (its domain, with Easy DKIM) and, where SES receives
 * mail (infra/platform.ts), the receipt rule for the complaints mailbox: the raw message to the
 * mail bucket under `inbound/`, then the EmailIntake function, which reads it from there. The
 * domain is the deploy settings' `mail.domain`.
 */
import { ArnFormat, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { acknowledge, acknowledgeCdkManagedRole } from '../nag.ts';
import type { EncryptedLogs } from './encrypted-logs.ts';
import { PREFIXES } from './object-stores.ts';

/** Fixed names: the mail bucket's policy names the rule by ARN without referencing it (no stack cycle). */
export function receiptRuleNames(region: RegionConfig): { ruleSetName: string; ruleName: string } {
  return { ruleSetName: `complaints-${region.name}-inbound`, ruleName: 'complaints-intake' };
}

/** The address customers write to. */
export const mailbox = (domain: string): string => `complaints@${domain}`;

/** ARN of the region's sending identity (the mail domain), formatted: grants need no reference to the resource. */
export function sendingIdentityArn(scope: Construct, domain: string): string {
  return Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: domain, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/**
 * The verified sending domain. Retained: its DKIM tokens are published in the bank's DNS, and a
 * new identity would get new ones. Its name is the domain itself: after a failed first deploy
 * the retained identity blocks the next one (AlreadyExists): infra/README.md "Redeploy after a
 * failed first deploy" (delete it if no DKIM record was published yet, else import it).
 */
export class MailDomain extends Construct {
  readonly identity: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: { domain: string }) {
    super(scope, id);
    this.identity = new ses.EmailIdentity(this, 'Identity', { identity: ses.Identity.domain(props.domain) });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, { description: `CNAME to publish for ${props.domain}`, value: `${record.name} CNAME ${record.value}` });
    });
  }
}

export interface InboundMailProps {
  region: RegionConfig;
  /** The complaints mailbox's domain (settings `mail.domain`). */
  domain: string;
  mailBucketName: string;
  intake: lambda.IFunction;
  /**
   * Make the rule set the account's active one at deploy (settings `mail.inbound.activateRuleSet`).
   * An account has one active receipt rule set per region: activating this one deactivates the
   * set active before. Off: the stack outputs how to merge the rule into the active set instead.
   */
  activate: boolean;
  /** The stack's encrypted logs: the activation handler's log group. */
  logs: EncryptedLogs;
}

/**
 * The receipt rule set with one rule for the complaints mailbox. CloudFormation cannot make a
 * rule set the active one; with `activate` a CDK custom resource calls SES
 * SetActiveReceiptRuleSet at deploy, and otherwise nothing changes which set is active (infra/README.md).
 */
export class InboundMail extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  /** Only with `activate`. */
  readonly activation?: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    const names = receiptRuleNames(props.region);
    const region = Stack.of(this).region;
    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: names.ruleSetName });
    this.rule = this.ruleSet.addRule('Intake', {
      receiptRuleName: names.ruleName,
      recipients: [mailbox(props.domain)],
      // Spam and virus verdicts reach the intake (it refuses infected mail).
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        // The bucket policy (ObjectStores.allowSesReceipt) already names this rule, with
        // SourceAccount and SourceArn conditions; CDK's S3 action would add a looser statement.
        { bind: () => ({ s3Action: { bucketName: props.mailBucketName, objectKeyPrefix: PREFIXES.inbound } }) },
        // Asynchronous: Lambda retries a failed intake; SES does not wait for it.
        new actions.Lambda({ function: props.intake, invocationType: actions.LambdaInvocationType.EVENT }),
      ],
    });

    if (props.activate) {
      const call: cr.AwsSdkCall = {
        service: 'SES',
        action: 'SetActiveReceiptRuleSet',
        parameters: { RuleSetName: names.ruleSetName },
        physicalResourceId: cr.PhysicalResourceId.of(`active-receipt-rule-set-${names.ruleSetName}`),
      };
      this.activation = new cr.AwsCustomResource(this, 'Activate', {
        onCreate: call,
        onUpdate: call,
        // No onDelete: deactivating on delete could switch off a set someone activated since.
        policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
        installLatestAwsSdk: false,
        logGroup: props.logs.logGroup(this, 'ActivateLogs'),
      });
      this.activation.node.addDependency(this.rule);
      const reason =
        'CDK AwsCustomResource that activates the receipt rule set at deploy (settings mail.inbound.activateRuleSet): CDK writes its role (ses:SetActiveReceiptRuleSet, which has no resource-level permission, hence *) and pins its handler; it runs only during a deploy and touches no complaint data.';
      acknowledge(this.activation, 'AwsSolutions-IAM5[Resource::*]', reason);
      const handler = Stack.of(this).node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
      if (handler) {
        acknowledge(handler, 'AwsSolutions-L1', reason);
        acknowledge(handler, 'NIST.800.53.R5-LambdaDLQ', reason);
        acknowledgeCdkManagedRole((handler as Construct).node.findChild('ServiceRole') as iam.Role, reason);
      }
      new CfnOutput(this, 'ReceiptRuleSet', {
        description: 'Activated by this stack (mail.inbound.activateRuleSet: true): the set active before is no longer active',
        value: names.ruleSetName,
      });
    } else {
      new CfnOutput(this, 'ReceiptRuleSet', {
        description:
          'NOT activated (mail.inbound.activateRuleSet: false). Either copy rule complaints-intake into the active set ' +
          `(aws ses describe-active-receipt-rule-set --region ${region}; aws ses create-receipt-rule --rule-set-name <active set> --rule <the rule of describe-receipt-rule>), ` +
          'or, if the account has no active set, set activateRuleSet: true. infra/README.md "SES receipt rule set"',
        value: names.ruleSetName,
      });
    }
  }
}
