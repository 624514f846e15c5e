/**
 * The stateless part of a region: one function per entry of FUNCTIONS, the complaint
 * workflow, the HTTP API and the orphan sweep schedule. Everything here can be destroyed and
 * recreated; the table it works on comes from the region's stateful stack.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS, ROUTES, WORKFLOW_FUNCTIONS, type FunctionName } from '../../functions/functions.ts';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { EncryptedLogs } from '../constructs/encrypted-logs.ts';
import { IntakeApi } from '../constructs/intake-api.ts';
import { ProductFunction } from '../constructs/product-function.ts';
import { Workflow } from '../constructs/workflow.ts';

const ASL_FILE = fileURLToPath(new URL('../../workflows/complaint.asl.json', import.meta.url));

/** Same name as the local runtime's state machine, so ARNs read alike in both. */
export const STATE_MACHINE_NAME = 'complaint-lifecycle';

export interface ApiStackProps extends StackProps {
  region: RegionConfig;
  table: dynamodb.ITableV2;
  /** @default one year */
  logRetention?: logs.RetentionDays;
  /** @default 50 requests/s, burst 100 */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Largest accepted request body (MAX_BODY_BYTES). @default 64 KiB, as in functions/shared/config.ts */
  maxBodyBytes?: number;
  /** Grace before the sweeper treats a complaint as orphaned (ORPHAN_GRACE_SECONDS). @default 300 */
  orphanGraceSeconds?: number;
}

export class ApiStack extends Stack {
  readonly functions: Record<FunctionName, ProductFunction>;
  readonly workflow: Workflow;
  readonly api: IntakeApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    const logs_ = new EncryptedLogs(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR });

    // The runtime configuration is process-wide (functions/shared/config.ts), so every function gets all of it.
    const environment = {
      MAX_BODY_BYTES: String(props.maxBodyBytes ?? 64 * 1024),
      ORPHAN_GRACE_SECONDS: String(props.orphanGraceSeconds ?? 300),
    };

    const functions = {} as Record<FunctionName, ProductFunction>;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      const fn = new ProductFunction(this, name, {
        entry: spec.entry,
        region: props.region,
        logs: logs_,
        timeout: spec.timeoutSeconds ? Duration.seconds(spec.timeoutSeconds) : undefined,
        memorySize: spec.memoryMb,
        environment,
      });
      if (spec.access.table) fn.bindTable(props.table, spec.access.table);
      functions[name] = fn;
    }
    this.functions = functions;

    this.workflow = new Workflow(this, 'Workflow', {
      definitionFile: ASL_FILE,
      stateMachineName: STATE_MACHINE_NAME,
      functions: Object.fromEntries(Object.entries(WORKFLOW_FUNCTIONS).map(([sub, fn]) => [sub, functions[fn]])),
      logs: logs_,
    });
    // Every function gets STATE_MACHINE_ARN (loadConfig requires it everywhere); only the
    // access listed in FUNCTIONS is granted.
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      this.workflow.bind(functions[name], spec.access.workflow ?? []);
    }

    this.api = new IntakeApi(this, 'IntakeApi', {
      routes: ROUTES,
      functions,
      logs: logs_,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
    });

    // The sweeper restarts workflows of open complaints that lost theirs (a failed start, an
    // execution that ended abnormally). Every 15 minutes; a run takes at most its 300 s timeout,
    // so runs never overlap.
    new events.Rule(this, 'ResumeOrphansSchedule', {
      description: 'Resume complaints without a running workflow',
      schedule: events.Schedule.rate(Duration.minutes(15)),
      targets: [new targets.LambdaFunction(functions.ResumeOrphans, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachineArn });
  }
}
