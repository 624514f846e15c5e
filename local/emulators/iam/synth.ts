/**
 * Synthesizes the CDK app in memory (no bundling: the policies do not depend on the bundles)
 * with the local account, and writes every stack's template to the file given as argument.
 * Run as a child process by local/emulators/iam/policies.ts (CDK is heavy: the runtime does not load it).
 */
import { App } from 'aws-cdk-lib';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { buildComplaintApp } from '../../../infra/complaint-app.ts';
import { exampleSettings } from '../../../infra/settings/load.ts';

const [out, account] = process.argv.slice(2);
const context = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const app = new App({ context: { ...context, '@aws-cdk/core:appMode': 'inmemory', 'aws:cdk:bundling-stacks': [] } });
// The example deploy settings, every partition in the local account.
buildComplaintApp(app, { settings: exampleSettings(account) });
const assembly = app.synth();
const stacks = assembly.stacks.map((s) => ({ stackName: s.stackName, region: s.environment.region, template: s.template }));
writeFileSync(`${out}.tmp-${process.pid}`, JSON.stringify(stacks));
renameSync(`${out}.tmp-${process.pid}`, out);
