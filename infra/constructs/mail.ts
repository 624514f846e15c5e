/**
 * Email of a region: the sending identity (its domain, with Easy DKIM) and, where SES receives
 * mail (infra/platform.ts), the receipt rule for the complaints mailbox: the raw message to the
 * mail bucket under `inbound/`, then the EmailIntake function, which reads it from there.
 */
import { ArnFormat, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { PREFIXES } from './object-stores.ts';

/** Fixed names: the mail bucket's policy names the rule by ARN without referencing it (no stack cycle). */
export function receiptRuleNames(region: RegionConfig): { ruleSetName: string; ruleName: string } {
  return { ruleSetName: `complaints-${region.name}-inbound`, ruleName: 'complaints-intake' };
}

/** The address customers write to. */
export const mailbox = (region: RegionConfig): string => `complaints@${region.mail.domain}`;

/** ARN of the region's sending identity (the mail domain), formatted: grants need no reference to the resource. */
export function sendingIdentityArn(scope: Construct, region: RegionConfig): string {
  return Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: region.mail.domain, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/**
 * The verified sending domain. Retained: its DKIM tokens are published in the bank's DNS, and a
 * new identity would get new ones.
 */
export class MailDomain extends Construct {
  readonly identity: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: { region: RegionConfig }) {
    super(scope, id);
    this.identity = new ses.EmailIdentity(this, 'Identity', { identity: ses.Identity.domain(props.region.mail.domain) });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, { description: `CNAME to publish for ${props.region.mail.domain}`, value: `${record.name} CNAME ${record.value}` });
    });
  }
}

export interface InboundMailProps {
  region: RegionConfig;
  mailBucketName: string;
  intake: lambda.IFunction;
}

/**
 * The receipt rule set with one rule for the complaints mailbox. CloudFormation cannot make a
 * rule set the active one: the ops team activates it once per region
 * (`aws ses set-active-receipt-rule-set --rule-set-name complaints-<region>-inbound`, see
 * infra/README.md), and publishes the MX record to inbound-smtp.<region>.amazonaws.com.
 */
export class InboundMail extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    const names = receiptRuleNames(props.region);
    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: names.ruleSetName });
    this.rule = this.ruleSet.addRule('Intake', {
      receiptRuleName: names.ruleName,
      recipients: [mailbox(props.region)],
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
    new CfnOutput(this, 'ActivateRuleSet', {
      description: 'Run once per region (ops): CloudFormation cannot activate a receipt rule set',
      value: `aws ses set-active-receipt-rule-set --region ${Stack.of(this).region} --rule-set-name ${names.ruleSetName}`,
    });
  }
}
