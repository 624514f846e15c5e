/**
 * The stateless part of a region: one function per entry of FUNCTIONS, the complaint
 * workflow, the HTTP API and the schedules (orphan sweep, deadline watch). Everything here can be destroyed and
 * recreated; the table it works on comes from the region's stateful stack.
 */
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS, ROUTES, STREAM_CONSUMERS, WORKFLOW_FUNCTIONS, type FunctionName } from '../../functions/functions.ts';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { EncryptedLogs } from '../constructs/encrypted-logs.ts';
import { IntakeApi } from '../constructs/intake-api.ts';
import { ProductFunction } from '../constructs/product-function.ts';
import { Workflow } from '../constructs/workflow.ts';

const ASL_FILE = fileURLToPath(new URL('../../workflows/complaint.asl.json', import.meta.url));

/** Same name as the local runtime's state machine, so ARNs read alike in both. */
export const STATE_MACHINE_NAME = 'complaint-lifecycle';

/** Access kinds of FunctionSpec that this stack grants; any other kind is reported at synth. */
const PROVISIONED_ACCESS = new Set(['table', 'workflow']);

/** Functions run on a clock (EventBridge rules), not by a request. */
const SCHEDULES = {
  // Gives open complaints that lost their workflow (a failed start, an execution that ended
  // abnormally) a new one. A run takes at most its 300 s timeout: runs never overlap.
  ResumeOrphans: { every: Duration.minutes(15), description: 'Resume complaints without a running workflow' },
  // Reminders before deadlines, escalation at breaches: the period of the local runtime's watch.
  // Its timeout (300 s) equals the period, so a slow run can meet the next: the watch must stay idempotent.
  DeadlineWatch: { every: Duration.minutes(5), description: 'Deadline reminders and breach escalation' },
} satisfies Partial<Record<FunctionName, { every: Duration; description: string }>>;

export interface ApiStackProps extends StackProps {
  region: RegionConfig;
  table: dynamodb.ITableV2;
  /** @default one year */
  logRetention?: RetentionDays;
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

    const logs = new EncryptedLogs(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_YEAR });

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
        logs,
        timeout: spec.timeoutSeconds ? Duration.seconds(spec.timeoutSeconds) : undefined,
        memorySize: spec.memoryMb,
        environment,
      });
      if (spec.access.table) fn.bindTable(props.table, spec.access.table);
      const notProvisioned = Object.keys(spec.access).filter((kind) => !PROVISIONED_ACCESS.has(kind));
      if (notProvisioned.length) {
        // Deployed without it (no permission, no configuration) rather than with a guess; said out loud.
        Annotations.of(fn).addWarningV2('complaints:access-not-provisioned',
          `${name}: access ${notProvisioned.join(', ')} is not provisioned by the infra yet; the function is deployed without it`);
      }
      functions[name] = fn;
    }
    this.functions = functions;

    for (const consumer of STREAM_CONSUMERS) {
      Annotations.of(functions[consumer.fn]).addWarningV2('complaints:stream-consumer-not-provisioned',
        `${consumer.fn}: the table stream event source (${consumer.eventNames.join('/')} of ${consumer.sortKeyPrefix}*) is not provisioned by the infra yet`);
    }

    this.workflow = new Workflow(this, 'Workflow', {
      definitionFile: ASL_FILE,
      stateMachineName: STATE_MACHINE_NAME,
      functions: Object.fromEntries(Object.entries(WORKFLOW_FUNCTIONS).map(([sub, fn]) => [sub, functions[fn]])),
      logs,
    });
    // Every function gets STATE_MACHINE_ARN (loadConfig requires it everywhere); only the
    // access listed in FUNCTIONS is granted.
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      this.workflow.bind(functions[name], spec.access.workflow ?? []);
    }

    this.api = new IntakeApi(this, 'IntakeApi', {
      routes: ROUTES,
      functions,
      logs,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
    });

    for (const [name, schedule] of Object.entries(SCHEDULES) as [FunctionName, (typeof SCHEDULES)[keyof typeof SCHEDULES]][]) {
      new events.Rule(this, `${name}Schedule`, {
        description: schedule.description,
        schedule: events.Schedule.rate(schedule.every),
        // A missed run is made up by the next one; retries only cover a throttled invocation.
        targets: [new targets.LambdaFunction(functions[name], { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachineArn });
  }
}
