/**
 * The whole product on AWS: for every region of REGIONS, a stateful stack (table, buckets,
 * staff identity, the API resource and the pages' distribution) and a stateless stack
 * (functions, workflow, API routes and stage, stream consumers, mail intake, deployed pages)
 * that receives them; where the pages are served by CloudFront behind AWS WAF, an edge stack in
 * us-east-1 with the web ACL. Shared by the CDK entry point (infra/app.ts) and the infra tests,
 * cdk-nag checks included. What each region's platform offers is decided in infra/platform.ts,
 * from the region's rules and the bank's deploy settings (infra/settings/).
 */
import { Tags, type App, type Environment } from 'aws-cdk-lib';
import { REGIONS, type RegionName } from '../functions/domain/regions.ts';
import { enableNagChecks } from './nag.ts';
import { CLOUDFRONT_REGION, regionPlatform, type RegionPlatform } from './platform.ts';
import { assertDeployable, EXAMPLE_SETTINGS_FILE, loadSettings } from './settings/load.ts';
import type { DeploySettings } from './settings/schema.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { WafLogsStack } from './stacks/waf-logs-stack.ts';

export interface ComplaintAppOptions {
  /** The bank's deploy settings (validated: ./settings/load.ts). */
  settings: DeploySettings;
  /** Only these regions. @default every region of REGIONS */
  regions?: readonly RegionName[];
}

/**
 * The per-invocation context, and nothing else:
 * - `-c settings=<path>`: the deploy settings file (default: infra/settings.example.json);
 * - `-c deploy=true`: refuse example and placeholder values, each named by its field (every
 *   `cdk deploy` sets it: infra/README.md);
 * - `-c regions=uk,us`: only these regions (default: all).
 */
export function buildFromContext(app: App): Record<RegionName, RegionStacks> {
  const file = String(app.node.tryGetContext('settings') ?? EXAMPLE_SETTINGS_FILE);
  const settings = loadSettings(file);
  const only: unknown = app.node.tryGetContext('regions');
  const regions =
    only === undefined
      ? undefined
      : String(only)
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
  for (const r of regions ?? [])
    if (!Object.hasOwn(REGIONS, r)) throw new Error(`Context "regions": unknown region "${r}" (expected ${Object.keys(REGIONS).join(', ')})`);
  if (String(app.node.tryGetContext('deploy') ?? 'false') === 'true') assertDeployable(settings, file, regions as RegionName[] | undefined);
  return buildComplaintApp(app, { settings, regions: regions as RegionName[] | undefined });
}

export interface RegionStacks {
  platform: RegionPlatform;
  stateful: StatefulStack;
  api: ApiStack;
  /** Only where the pages have a CloudFront-scope web ACL. */
  edge?: EdgeStack;
  /** The web ACL's log bucket, in the region itself (deployed before the edge stack). */
  wafLogs?: WafLogsStack;
}

export function buildComplaintApp(app: App, options: ComplaintAppOptions): Record<RegionName, RegionStacks> {
  enableNagChecks(app);

  const stacks = {} as Record<RegionName, RegionStacks>;
  const wanted = options.regions ?? (Object.keys(REGIONS) as RegionName[]);
  for (const region of wanted.map((r) => REGIONS[r])) {
    const account = options.settings.accounts[region.aws.partition as keyof DeploySettings['accounts']];
    if (!account) {
      throw new Error(
        `Deploy settings accounts.${region.aws.partition}: region ${region.name} (${region.aws.region}) is in partition ${region.aws.partition}, which has no account ` +
          `(accounts of one partition do not exist in another); set it, or leave the region out with -c regions=...`,
      );
    }
    // Explicit account and region: nothing is looked up at synth time, and the region fixes
    // the partition (cn-north-1 -> aws-cn) for every ARN the stacks format.
    const env: Environment = { account, region: region.aws.region };
    const platform = regionPlatform(app, region, account, options.settings.regions[region.name]);

    // UK (and US) WAF logs stay in the region: an S3 bucket there (infra/stacks/waf-logs-stack.ts).
    const wafLogs = platform.pages.waf
      ? new WafLogsStack(app, `Complaints-${region.name}-WafLogs`, {
          env,
          region,
          description: `AWS WAF logs of the complaint pages of region ${region.name}, kept in ${region.aws.region}`,
        })
      : undefined;
    const edge = platform.pages.waf
      ? new EdgeStack(app, `Complaints-${region.name}-Edge`, {
          env: { account, region: CLOUDFRONT_REGION },
          region,
          logBucketArn: wafLogs!.bucketArn,
          description: `CloudFront-scope AWS WAF web ACL of the complaint pages of region ${region.name}`,
        })
      : undefined;
    if (edge && wafLogs) edge.addStackDependency(wafLogs, 'the web ACL logs to the bucket of the WAF logs stack, which must exist first');
    const stateful = new StatefulStack(app, `Complaints-${region.name}-Stateful`, {
      env,
      region,
      platform,
      webAclArn: edge?.webAcl.attrArn,
      description: `Complaint data, staff identity and public endpoints of region ${region.name} (data retained on delete)`,
    });
    const api = new ApiStack(app, `Complaints-${region.name}-Api`, {
      env,
      region,
      platform,
      stateful: {
        table: stateful.table,
        stores: stateful.stores,
        httpApi: stateful.httpApi,
        staffTokens: { issuer: stateful.identity.issuer, audience: stateful.identity.audience },
        staffSignIn: stateful.identity.signIn,
        distribution: stateful.pages?.distribution,
        publicBaseUrl: stateful.publicBaseUrl,
        originVerify: stateful.originVerify,
        apiDomain: stateful.apiDomain,
      },
      description: `Complaint functions, workflow, API routes, mail intake and pages of region ${region.name}`,
    });
    for (const stack of [wafLogs, edge, stateful, api]) {
      if (!stack) continue;
      // China: event source mappings take no tags (infra/platform.ts CHINA_RULES.noEventSourceMappingTags).
      const skip = platform.eventSourceMappingTags ? {} : { excludeResourceTypes: ['AWS::Lambda::EventSourceMapping'] };
      Tags.of(stack).add('product', 'complaints', skip);
      Tags.of(stack).add('complaint-region', region.name, skip);
    }
    stacks[region.name] = { platform, stateful, api, edge, wafLogs };
  }
  return stacks;
}
