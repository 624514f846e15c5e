/**
 * Puts the built customer pages (web/dist, produced by the web build; not in git) into the
 * pages bucket, with the `config.json` the pages read at start (the object the local runtime
 * serves: region, languages, apiBase '' = same origin), and invalidates the distribution.
 *
 * When web/dist is missing at synth (a fresh clone without the web build), nothing is deployed
 * and synth says so: the deployment is left out of the template, and because it retains its
 * objects on delete, the pages already in the bucket stay as they are - never replaced by a
 * bucket holding only config.json.
 */
import { Annotations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import type { StaffClaimMapping } from '../../functions/domain/staff-claims.ts';
import { acknowledge, acknowledgeCdkManagedRole } from '../nag.ts';
import type { EncryptedLogs } from './encrypted-logs.ts';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * What the pages read from /config.json (web/src/lib/page.ts), as local/runtime.ts serves it;
 * `auth`: the staff console's sign-in (web/src/console/auth.ts: code + PKCE, endpoints from the
 * issuer's discovery document, claims read with the same mapping as the API).
 */
export interface ConsoleAuth {
  kind: 'oidc';
  issuer: string;
  clientId: string;
  redirectUri: string;
  claims: StaffClaimMapping;
  logoutUrl?: string;
}

export interface PagesConfig {
  region: string;
  languages: string[];
  apiBase: string;
  auth?: ConsoleAuth;
  icpFilingNumber?: string;
}

/** China: `icpFilingNumber` (settings pages.icpFilingNumber), which every public page shows in its footer. */
export function pagesConfig(region: RegionConfig, auth?: ConsoleAuth, icpFilingNumber?: string): PagesConfig {
  return { region: region.name, languages: [...region.languages], apiBase: '', ...(auth ? { auth } : {}), ...(icpFilingNumber ? { icpFilingNumber } : {}) };
}

export interface PagesDeploymentProps {
  region: RegionConfig;
  bucket: s3.IBucket;
  distribution?: cloudfront.IDistribution;
  logs: EncryptedLogs;
  /** @default web/dist of the repository */
  distDir?: string;
  /** How the staff console signs in (the region's identity provider, code + PKCE). */
  auth?: ConsoleAuth;
  /** China's ICP filing number, for the pages' footer. */
  icpFilingNumber?: string;
}

export class PagesDeployment extends Construct {
  /** Undefined when the pages were not built. */
  readonly deployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: PagesDeploymentProps) {
    super(scope, id);
    const dist = props.distDir ?? WEB_DIST;
    if (!existsSync(dist) || !statSync(dist).isDirectory()) {
      Annotations.of(this).addWarningV2(
        'complaints:pages-not-built',
        `${dist} does not exist: the customer pages are not deployed by this synth (build them first; the pages already in the bucket are kept).`,
      );
      return;
    }

    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [s3deploy.Source.asset(dist), s3deploy.Source.jsonData('config.json', pagesConfig(props.region, props.auth, props.icpFilingNumber))],
      destinationBucket: props.bucket,
      // Files gone from the build leave the bucket (versioning keeps them for a rollback).
      prune: true,
      // As the local runtime serves them: revalidated on every use, so a deploy shows at once.
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: props.distribution,
      distributionPaths: props.distribution ? ['/*'] : undefined,
      logGroup: props.logs.logGroup(this, 'Logs'),
      memoryLimit: 512,
    });

    // The copy runs in CDK's custom-resource function (one per stack), whose role CDK writes:
    // read of its asset, read/write/delete (pruning) of the pages bucket and its key, and
    // CloudFront invalidations (on *, as CDK grants them).
    acknowledgeCdkManagedRole(
      this.deployment.handlerRole as iam.Role,
      'CDK BucketDeployment custom resource: CDK writes its role - the Lambda basic execution policy for its logs, s3/kms action families (s3:GetObject*, s3:List*, s3:DeleteObject*, kms:GenerateDataKey*, ...) on the CDK asset bucket, the pages bucket and the pages key only, and cloudfront:CreateInvalidation/GetInvalidation on * for the cache flush after a deploy; it runs only at deploy time and never touches complaint data.',
    );
    const handler = this.deployment.handlerRole.node.scope;
    if (handler) {
      acknowledge(
        handler,
        'AwsSolutions-L1',
        'CDK BucketDeployment custom resource: CDK pins the runtime of its own handler (Python with the AWS CLI layer) and moves it with aws-cdk-lib upgrades.',
      );
      acknowledge(
        handler,
        'NIST.800.53.R5-LambdaDLQ',
        'CDK BucketDeployment custom resource: CloudFormation invokes it during a deploy and waits for its answer; a failure fails (and rolls back) the deploy, there is no event to keep.',
      );
    }
  }
}
