/**
 * What ops watches in a region: alarms on the workflow, the HTTP API, every function, the SLA
 * metric the functions emit and the table-stream consumers' lag, each sent to the region's ops
 * mailbox (OpsAlarms.notify) with a description that says what it means and what to do first;
 * and one CloudWatch dashboard, `complaints-<region>`, with the same signals side by side.
 *
 * Alarms have fixed names (`complaints-<region>-...`): the name is the subject of the mail. The
 * stacks already assume one deployment per account and region (fixed state machine name).
 * The meaning / first-action table of infra/README.md lists them.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName, StreamConsumer } from '../../functions/functions.ts';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import type { OpsAlarms } from './ops-alarms.ts';
import { SERVICE_NAME } from './product-function.ts';
import { STATE_MACHINES } from '../../workflows/machines.ts';

/**
 * The application metrics (Embedded Metric Format, Powertools Metrics in
 * functions/shared/logger.ts): namespace and the `service` dimension Powertools adds.
 */
export const APP_METRICS = {
  namespace: 'Complaints',
  dimensions: { service: SERVICE_NAME },
} as const;

/** Thresholds of the alarms (also in infra/README.md). */
export const ALARM_THRESHOLDS = {
  apiServerErrors: 5, // 5xx responses in 5 minutes
  apiIntegrationLatencyP99Ms: 2000, // over 15 minutes
  iteratorAgeMs: 5 * 60 * 1000,
  // Wrong access codes (or unknown references) checked in 5 minutes, across every source: a
  // customer mistypes a few; a distributed guesser, each source under its own limit, makes many.
  accessCodeFailures: 100,
} as const;

export interface ObservabilityProps {
  region: RegionConfig;
  alarms: OpsAlarms;
  /** The workflow's state machines: new complaints' and resumed ones' (infra/constructs/workflow.ts). */
  stateMachines: { lifecycle: sfn.IStateMachine; resume: sfn.IStateMachine };
  /** The API's default stage: its metrics carry ApiId and Stage. */
  apiStage: apigwv2.IHttpStage;
  functions: Record<FunctionName, lambda.IFunction>;
  consumers: readonly StreamConsumer[];
  /** Failure queue of each stream consumer (StreamConsumers.failureQueues). */
  failureQueues: Record<string, sqs.IQueue>;
}

const FIVE_MINUTES = Duration.minutes(5);
const FIFTEEN_MINUTES = Duration.minutes(15);

export class Observability extends Construct {
  /** Every alarm created here, by its short name (`workflow-failed`, `workflow-resume-failed`, `lambda-errors-SubmitComplaint`...). */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  readonly dashboard: cloudwatch.Dashboard;

  private readonly props: ObservabilityProps;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.props = props;
    const { stateMachines, apiStage: stage, functions } = props;
    const fns = Object.entries(functions) as [FunctionName, lambda.IFunction][];

    // Workflow (AWS/States, dimension StateMachineArn): the same three alarms on each machine.
    const machines = [
      {
        prefix: 'workflow',
        sm: stateMachines.lifecycle,
        name: STATE_MACHINES.lifecycle.name,
        what: 'A complaint workflow execution',
        which: "a new complaint's, started at Investigate",
      },
      {
        prefix: 'workflow-resume',
        sm: stateMachines.resume,
        name: STATE_MACHINES.resume.name,
        what: 'A resumed complaint workflow execution',
        which: "one the orphan sweeper started at the complaint's stage, named <reference>--r<n>",
      },
    ];
    for (const { prefix, sm, name, what, which } of machines) {
      this.alarm(`${prefix}-failed`, {
        metric: sm.metricFailed({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        description:
          `${what} failed - ${which}: ResumeOrphans resumes that complaint at once on the execution's status-change event (after 3 resumes of the same complaint, only at the next sweep, every 6 hours, so that a step that keeps failing cannot loop). ` +
          `First action: open the failed execution in the Step Functions console (${name}), read the failing state and its error, then the function logs of that state.`,
      });
      this.alarm(`${prefix}-timed-out`, {
        metric: sm.metricTimedOut({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        description:
          `${what} timed out - ${which} (a state or the execution exceeded its timeout). ` +
          `First action: open the execution in the Step Functions console (${name}), find the state that waited too long (a staff task or a slow function) and check the complaint is picked up again by ResumeOrphans.`,
      });
      this.alarm(`${prefix}-throttled`, {
        metric: sm.metricThrottled({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        description:
          `Step Functions throttled state transitions of complaint workflows (${name}): executions are delayed. ` +
          "First action: check for an unusual burst of started executions (ExecutionsStarted on the dashboard) and the account's Step Functions quotas in this region; request a quota increase if the load is genuine.",
      });
    }

    // HTTP API (AWS/ApiGateway, dimensions ApiId and Stage).
    this.alarm('api-5xx', {
      metric: stage.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      threshold: ALARM_THRESHOLDS.apiServerErrors,
      description:
        `The HTTP API answered ${ALARM_THRESHOLDS.apiServerErrors} or more 5xx responses in 5 minutes: customers or staff get errors. ` +
        'First action: look at the lambda-errors alarms and the Lambda errors graph to find the failing function, then its log group; the API access logs show the routes and integration errors.',
    });
    this.alarm('api-latency-p99', {
      metric: stage.metricIntegrationLatency({ period: FIFTEEN_MINUTES, statistic: cloudwatch.Stats.p(99) }),
      threshold: ALARM_THRESHOLDS.apiIntegrationLatencyP99Ms,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description:
        `The p99 integration latency of the HTTP API was above ${ALARM_THRESHOLDS.apiIntegrationLatencyP99Ms} ms over 15 minutes: the functions behind the routes are slow. ` +
        'First action: compare the Lambda duration graph per function, then check DynamoDB throttling and X-Ray traces of the slow function (cold starts, downstream calls).',
    });

    // Every function (AWS/Lambda, dimension FunctionName).
    for (const [name, fn] of fns) {
      this.alarm(`lambda-errors-${name}`, {
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        description:
          `The ${name} function failed (an uncaught error, a timeout or an out-of-memory) at least once in 5 minutes. ` +
          `First action: read the errors in its log group (CloudWatch Logs Insights, filter level ERROR) and its X-Ray traces; a failed invocation is retried by its caller (schedule, stream, workflow) or surfaces as a 5xx.`,
      });
      this.alarm(`lambda-throttles-${name}`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        description:
          `Lambda throttled invocations of the ${name} function in the last 5 minutes: requests were refused (429/5xx at the API) or delayed (retries). ` +
          "First action: check the account's concurrent executions in this region (Lambda console, Concurrency) against its quota; request an increase or find the function using up the concurrency.",
      });
    }

    // The SLA metric the functions emit (DeadlineWatch, one per escalation).
    this.alarm('deadline-breached', {
      metric: appMetric('DeadlineBreached', FIFTEEN_MINUTES),
      threshold: 1,
      description:
        'At least one complaint passed its regulatory deadline in the last 15 minutes and was escalated by DeadlineWatch. ' +
        "First action: open the staff console's escalated queue, make sure a named owner has each breached complaint, and tell the complaints manager (a breach may have to be reported to the regulator).",
    });

    // Business calendars (issue 22): DeadlineWatch reports 1 on each run while next year's official
    // adjustments are due (from the region's calendar.nextYearDueFrom, default 1 December) and not
    // confirmed - functions/domain/calendar-data.ts missingCalendarYear.
    this.alarm('calendar-year-missing', {
      metric: appMetric('CalendarYearMissing', Duration.hours(1)).with({ statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      description:
        "Next year's business calendar of this region is not confirmed and its warning date has passed: deadlines over next year are marked 'calendar unconfirmed' for staff and may be wrong (China: the State Council's yearly holiday notice). " +
        "First action: find the official notice (infra/README.md runbook 'Next year's business calendar') and add the year in the staff console (Calendars) or POST /api/staff/calendars as an administrator; the open complaints' deadlines are recomputed at the next deadline watch.",
    });

    // Access-code guessing (issue 16): wrong codes are slowed per source (functions/domain/access-throttle.ts);
    // this alarm sees guessing spread over many sources, which no per-source limit does.
    this.alarm('access-code-guessing', {
      metric: appMetric('AccessCodeFailures', FIVE_MINUTES),
      threshold: ALARM_THRESHOLDS.accessCodeFailures,
      description:
        `${ALARM_THRESHOLDS.accessCodeFailures} or more wrong access codes (or unknown references) were checked in 5 minutes across all sources: someone may be guessing status-page codes. ` +
        "First action: look at the WAF's sampled requests and the API access log for the sources and references involved (the audit record has each refusal, without the code), add a WAF rate or block rule for them, and tell the security team. Owners are never locked out: the right code always opens the complaint.",
    });

    // Archival (functions/use-cases/archive/archive.ts, ReconcileArchive).
    this.alarm('archive-delete-outside-archival', {
      metric: appMetric('DeletesOutsideArchival', FIFTEEN_MINUTES),
      threshold: 1,
      description:
        "An item of a complaint was deleted by someone other than DynamoDB's TTL. Its last image was kept in the archive's staging and the delete is in the audit record (operation deleteOutsideArchival). " +
        'First action: search the audit record for the reference, find who deleted it (CloudTrail data events on the table), and treat it as a security incident.',
    });
    this.alarm('archive-reconcile-missing', {
      metric: appMetric('ReconcileMissing', Duration.days(1)),
      threshold: 1,
      description:
        'The daily reconciliation found a registered complaint that is neither in the table nor in the archive. ' +
        "First action: read the ReconcileArchive log line (references only), look for the reference in the archive's staging/ prefix and the TableChanges failure queue, and replay from there.",
    });
    this.alarm('archive-reconcile-mismatch', {
      metric: appMetric('ReconcileMismatched', Duration.days(1)),
      threshold: 1,
      description:
        'The daily reconciliation found a complaint whose history does not match the digest recorded with it (table or archive): possible tampering or a lost history entry. ' +
        "First action: compare the archive object's versions and the table's point-in-time backups for that reference; report to the data owner.",
    });
    this.alarm('archive-lag', {
      metric: appMetric('ArchiveStaging', Duration.days(1)),
      threshold: 1,
      description:
        'Complaints removed by TTL wait in staging for the rest of their items (DynamoDB may take up to two days to remove expired items). Alarms when any still waits at the daily reconciliation two days running. ' +
        'First action: list staging/ in the archive bucket; for a reference that waits, check the table for its remaining items and the TableChanges logs for the reason it waits.',
      evaluationPeriods: 2,
    });

    // Stream lag: how old the records the consumers are reading are.
    for (const consumer of props.consumers) {
      this.alarm(`stream-lag-${consumer.fn}`, {
        metric: iteratorAge(functions[consumer.fn]),
        threshold: ALARM_THRESHOLDS.iteratorAgeMs,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        description:
          `${consumer.fn} reads table-stream records more than 5 minutes old: it falls behind (failing batches being retried, errors or throttles). Records older than 24 h are lost from the stream. ` +
          `First action: check the lambda-errors-${consumer.fn} alarm and its logs; records it gives up on land in its failure queue.`,
      });
    }

    this.dashboard = this.buildDashboard(fns);
  }

  private alarm(
    name: string,
    spec: {
      metric: cloudwatch.IMetric;
      threshold: number;
      description: string;
      comparison?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName: `complaints-${this.props.region.name}-${name}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      // No data means nothing happened (no failures, no traffic, no records).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.props.alarms.notify(alarm);
    this.alarms[name] = alarm;
    return alarm;
  }

  private buildDashboard(fns: [FunctionName, lambda.IFunction][]): cloudwatch.Dashboard {
    const { stateMachines, apiStage: stage, consumers, functions, failureQueues, region } = this.props;
    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
    const half = { width: 12, height: 6 };
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `complaints-${region.name}`,
      defaultInterval: Duration.hours(24),
    });
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 4 }));
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests, 4xx, 5xx',
        ...half,
        left: [
          stage.metricCount({ ...sum, label: 'requests' }),
          stage.metricClientError({ ...sum, label: '4xx' }),
          stage.metricServerError({ ...sum, label: '5xx' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        ...half,
        left: [
          stage.metricLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99), label: 'latency p99' }),
          stage.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99), label: 'integration p99' }),
          stage.metricLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(50), label: 'latency p50' }),
        ],
        leftAnnotations: [{ value: ALARM_THRESHOLDS.apiIntegrationLatencyP99Ms, label: 'alarm (integration p99, 15 min)' }],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Workflow executions (new complaints; resumed)',
        ...half,
        left: (
          [
            [stateMachines.lifecycle, ''],
            [stateMachines.resume, 'resumed '],
          ] as const
        ).flatMap(([sm, label]) => [
          sm.metricStarted({ ...sum, label: `${label}started` }),
          sm.metricSucceeded({ ...sum, label: `${label}succeeded` }),
          sm.metricFailed({ ...sum, label: `${label}failed` }),
          sm.metricTimedOut({ ...sum, label: `${label}timed out` }),
          sm.metricThrottled({ ...sum, label: `${label}throttled` }),
        ]),
      }),
      new cloudwatch.GraphWidget({
        title: 'Complaints submitted, deadlines breached',
        ...half,
        left: [appMetric('ComplaintsSubmitted', FIVE_MINUTES)],
        right: [appMetric('DeadlineBreached', FIVE_MINUTES)],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors per function',
        ...half,
        left: fns.map(([name, fn]) => fn.metricErrors({ ...sum, label: name })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda duration p99 per function (ms)',
        ...half,
        left: fns.map(([name, fn]) => fn.metricDuration({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99), label: name })),
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Stream consumer failure queues (messages)',
        ...half,
        left: Object.entries(failureQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: name,
          }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Stream iterator age, max (ms)',
        ...half,
        left: consumers.map((c) => iteratorAge(functions[c.fn], c.fn)),
        leftAnnotations: [{ value: ALARM_THRESHOLDS.iteratorAgeMs, label: 'alarm' }],
      }),
    );
    return dashboard;
  }
}

/** A metric the functions emit through Powertools Metrics (Sum). */
export function appMetric(metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: APP_METRICS.namespace,
    metricName,
    dimensionsMap: { ...APP_METRICS.dimensions },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

function iteratorAge(fn: lambda.IFunction, label?: string): cloudwatch.Metric {
  return fn.metric('IteratorAge', { period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM, label });
}
