/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). The account comes from context
 * (`cdk synth -c account=123456789012`); the placeholder keeps synth offline and deterministic.
 */
import { App } from 'aws-cdk-lib';
import { validateRegions } from '../functions/domain/region-schema.ts';
import { REGIONS } from '../functions/domain/regions.ts';
import { buildComplaintApp } from './complaint-app.ts';

const PLACEHOLDER_ACCOUNT = '111111111111';

const app = new App();
const account = String(app.node.tryGetContext('account') ?? PLACEHOLDER_ACCOUNT);
if (!/^\d{12}$/.test(account)) throw new Error(`Context "account" must be a 12-digit AWS account id, got "${account}"`);
// The region configuration is validated here, at synth time (the functions only read it).
validateRegions(REGIONS);
buildComplaintApp(app, { account });
