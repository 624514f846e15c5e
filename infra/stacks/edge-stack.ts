/**
 * CloudFront-scope resources of a region's pages, which AWS accepts in us-east-1 only: the AWS
 * WAF web ACL of the distribution and its logging configuration. The region's stateful stack (in
 * its own region) reads the ACL's ARN across regions (a weak reference: Fn::GetStackOutput, no
 * custom resource). The log itself is written to a bucket in the region (./waf-logs-stack.ts).
 */
import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';

/**
 * Requests per client IP in any 5-minute window before WAF blocks it (pages and API together).
 * Staff share a few egress IPs of the bank, hence a generous limit; tune it with real traffic.
 */
export const RATE_LIMIT_PER_5_MIN = 2000;

/** Request headers WAF logs never show: they carry the caller's credentials. */
export const WAF_REDACTED_HEADERS = ['authorization', 'cookie', 'x-access-code'];

export interface EdgeStackProps extends StackProps {
  region: RegionConfig;
  /** The `aws-waf-logs-*` bucket in the region the web ACL logs to (./waf-logs-stack.ts). */
  logBucketArn: string;
}

export class EdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const name = `complaints-${props.region.name}-pages`;
    const visibility = (metric: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: metric,
      sampledRequestsEnabled: true,
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      description: `Complaint pages and API of region ${props.region.name}, CloudFront`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      rules: [
        {
          // Evaluated first: a flood is cut before any other rule runs.
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: RATE_LIMIT_PER_5_MIN, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility(`${name}-rate`),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // The rule set blocks bodies over 8 KB; complaints may be up to MAX_BODY_BYTES (64 KB),
              // a limit the API enforces itself (413). Counted, not blocked.
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility(`${name}-common`),
        },
        {
          name: 'AWSManagedRulesKnownBadInputsRuleSet',
          priority: 2,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
          visibilityConfig: visibility(`${name}-bad-inputs`),
        },
      ],
    });
    // What WAF decided, request by request (NIST 800-53 AU-2/AU-12), to the bucket in the
    // region (not a log group, which would have to be in us-east-1). Request headers that carry
    // a secret of the caller are redacted: the staff token and the customer's access code.
    new wafv2.CfnLoggingConfiguration(this, 'WebAclLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [props.logBucketArn],
      redactedFields: WAF_REDACTED_HEADERS.map((header) => ({ singleHeader: { Name: header } })),
    });

    // Consumed from the region's own stack, in another region: strong references would need
    // custom resources writing SSM parameters there; an output read by Fn::GetStackOutput does not.
    CrossStackReferences.of(this.webAcl).produce(ReferenceStrength.WEAK);

    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
  }
}
