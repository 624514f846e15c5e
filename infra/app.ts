/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). Everything about one bank's installation
 * comes from its deploy settings (infra/settings/schema.ts), read as the context says
 * (`-c settings=<path>`, `-c deploy=true`, `-c regions=...`: buildFromContext in ./complaint-app.ts).
 */
import { App } from 'aws-cdk-lib';
import { validateRegions } from '../functions/domain/region-schema.ts';
import { REGIONS } from '../functions/domain/regions.ts';
import { buildFromContext } from './complaint-app.ts';

const app = new App();
// The region rules are validated here, at synth time (the functions only read them).
validateRegions(REGIONS);
buildFromContext(app);
