/**
 * The whole product on AWS: for every region of REGIONS, a stateful stack (table) and a
 * stateless stack (functions, workflow, API) that receives the table. Shared by the CDK entry
 * point (infra/app.ts) and the infra tests, cdk-nag checks included.
 */
import { Tags, type App, type Environment } from 'aws-cdk-lib';
import { REGIONS, type RegionName } from '../functions/domain/regions.ts';
import { enableNagChecks } from './nag.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';

export interface ComplaintAppOptions {
  /** AWS account of every stack. */
  account: string;
}

export interface RegionStacks {
  stateful: StatefulStack;
  api: ApiStack;
}

export function buildComplaintApp(app: App, options: ComplaintAppOptions): Record<RegionName, RegionStacks> {
  enableNagChecks(app);
  Tags.of(app).add('product', 'complaints');

  const stacks = {} as Record<RegionName, RegionStacks>;
  for (const region of Object.values(REGIONS)) {
    // Explicit account and region: nothing is looked up at synth time, and the region fixes
    // the partition (cn-north-1 -> aws-cn) for every ARN the stacks format.
    const env: Environment = { account: options.account, region: region.aws.region };
    const stateful = new StatefulStack(app, `Complaints-${region.name}-Stateful`, {
      env, region, description: `Complaint table of region ${region.name} (retained on delete)`,
    });
    const api = new ApiStack(app, `Complaints-${region.name}-Api`, {
      env, region, table: stateful.table, description: `Complaint functions, workflow and HTTP API of region ${region.name}`,
    });
    Tags.of(stateful).add('complaint-region', region.name);
    Tags.of(api).add('complaint-region', region.name);
    stacks[region.name] = { stateful, api };
  }
  return stacks;
}
