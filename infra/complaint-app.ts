/**
 * The whole product on AWS: for every region of REGIONS, a stateful stack (table, buckets,
 * staff identity, the API resource and the pages' distribution) and a stateless stack
 * (functions, workflow, API routes and stage, stream consumers, mail intake, deployed pages)
 * that receives them; where the pages are served by CloudFront behind AWS WAF, an edge stack in
 * us-east-1 with the web ACL. Shared by the CDK entry point (infra/app.ts) and the infra tests,
 * cdk-nag checks included. What each region's platform offers is decided in infra/platform.ts.
 */
import { Tags, type App, type Environment } from 'aws-cdk-lib';
import { REGIONS, type RegionName } from '../functions/domain/regions.ts';
import { enableNagChecks } from './nag.ts';
import { CLOUDFRONT_REGION, regionPlatform, type RegionPlatform } from './platform.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';

export interface ComplaintAppOptions {
  /** AWS account of every stack. */
  account: string;
}

export interface RegionStacks {
  platform: RegionPlatform;
  stateful: StatefulStack;
  api: ApiStack;
  /** Only where the pages have a CloudFront-scope web ACL. */
  edge?: EdgeStack;
}

export function buildComplaintApp(app: App, options: ComplaintAppOptions): Record<RegionName, RegionStacks> {
  enableNagChecks(app);
  Tags.of(app).add('product', 'complaints');

  const stacks = {} as Record<RegionName, RegionStacks>;
  for (const region of Object.values(REGIONS)) {
    // Explicit account and region: nothing is looked up at synth time, and the region fixes
    // the partition (cn-north-1 -> aws-cn) for every ARN the stacks format.
    const env: Environment = { account: options.account, region: region.aws.region };
    const platform = regionPlatform(app, region, options.account);

    const edge = platform.pages.waf
      ? new EdgeStack(app, `Complaints-${region.name}-Edge`, {
        env: { account: options.account, region: CLOUDFRONT_REGION }, region,
        description: `CloudFront-scope AWS WAF web ACL of the complaint pages of region ${region.name}`,
      })
      : undefined;
    const stateful = new StatefulStack(app, `Complaints-${region.name}-Stateful`, {
      env, region, platform, webAclArn: edge?.webAcl.attrArn,
      description: `Complaint data, staff identity and public endpoints of region ${region.name} (data retained on delete)`,
    });
    const api = new ApiStack(app, `Complaints-${region.name}-Api`, {
      env, region, platform,
      stateful: {
        table: stateful.table,
        stores: stateful.stores,
        httpApi: stateful.httpApi,
        staffTokens: { issuer: stateful.identity.issuer, audience: stateful.identity.audience },
        staffSignIn: stateful.identity.signIn,
        distribution: stateful.pages?.distribution,
        publicBaseUrl: stateful.publicBaseUrl,
        originVerify: stateful.originVerify,
      },
      description: `Complaint functions, workflow, API routes, mail intake and pages of region ${region.name}`,
    });
    for (const stack of [edge, stateful, api]) if (stack) Tags.of(stack).add('complaint-region', region.name);
    stacks[region.name] = { platform, stateful, api, edge };
  }
  return stacks;
}
