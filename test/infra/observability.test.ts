/**
 * Alarms and dashboard of every region (infra/constructs/observability.ts): metric names,
 * dimensions, statistics, periods and thresholds, the ops topic as alarm and OK action, the
 * dashboard's widgets; cdk-nag clean and no literal `arn:aws:` in aws-cn.
 *
 * The whole app is synthesized once for the file, without bundling the handlers (the
 * `aws:cdk:bundling-stacks` context): alarms do not depend on the bundles, and the bundles are
 * covered by stacks.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { App, type Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGIONS, type RegionConfig } from '../../functions/domain/regions.ts';
import { FUNCTIONS, STREAM_CONSUMERS, type FunctionName } from '../../functions/functions.ts';
import { exampleSettings } from '../../infra/settings/load.ts';
import { buildComplaintApp, type RegionStacks } from '../../infra/complaint-app.ts';
import { APP_METRICS } from '../../infra/constructs/observability.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
const TEST_CONTEXT = { ...CDK_CONTEXT, '@aws-cdk/core:appMode': 'inmemory', 'aws:cdk:bundling-stacks': [] };
const ACCOUNT = '111111111111';
const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

type Json = Record<string, any>;
interface Alarm {
  AlarmName: string;
  AlarmDescription: string;
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: unknown }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Period: number;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  TreatMissingData?: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
}

let app: App;
let stacks: Record<string, RegionStacks>;
let assembly: CloudAssembly;

beforeAll(() => {
  app = new App({ context: TEST_CONTEXT });
  stacks = buildComplaintApp(app, { settings: exampleSettings(ACCOUNT) });
  assembly = app.synth();
});

const templateOf = (stack: Stack) => assembly.getStackArtifact(stack.artifactId).template as Json;
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

/** A token of the template as a string (`Ref:X`, `GetAtt:X.Arn`, `Import:name`), to read the dashboard body. */
function tokenText(part: unknown): string {
  if (typeof part === 'string') return part;
  const o = part as Json;
  if (o.Ref) return `Ref:${o.Ref}`;
  if (o['Fn::GetAtt']) return `GetAtt:${o['Fn::GetAtt'].join('.')}`;
  if (o['Fn::ImportValue']) return `Import:${o['Fn::ImportValue']}`;
  throw new Error(`unexpected token in the dashboard body: ${JSON.stringify(part)}`);
}

describe.each(Object.values(REGIONS).map((r) => [r.name, r] as [string, RegionConfig]))('region %s', (name, region) => {
  const apiStack = () => stacks[name].api;
  const template = () => templateOf(apiStack());
  const alarms = (): Alarm[] =>
    Object.values(template().Resources as Json)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties as Alarm);
  const alarm = (shortName: string): Alarm => {
    const found = alarms().find((a) => a.AlarmName === `complaints-${name}-${shortName}`);
    expect(found, shortName).toBeDefined();
    return found!;
  };
  const topic = () => ({ Ref: logicalId(apiStack(), apiStack().alarms.topic) });
  const fnRef = (fn: FunctionName) => ({ Ref: logicalId(apiStack(), apiStack().functions[fn]) });
  const apiIdDimension = () => alarm('api-5xx').Dimensions.find((d) => d.Name === 'ApiId')!.Value;

  /** The alarm watches this metric, with a Sum (or the given statistic) over the period, and notifies the topic. */
  function expectAlarm(
    shortName: string,
    spec: {
      namespace: string;
      metric: string;
      dimensions: Record<string, unknown>;
      threshold: number;
      periodMinutes: number;
      statistic?: string;
      extendedStatistic?: string;
      comparison?: string;
    },
  ) {
    const a = alarm(shortName);
    expect(a).toMatchObject({
      Namespace: spec.namespace,
      MetricName: spec.metric,
      Threshold: spec.threshold,
      Period: spec.periodMinutes * 60,
      EvaluationPeriods: 1,
      ComparisonOperator: spec.comparison ?? 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    if (spec.extendedStatistic) expect(a.ExtendedStatistic).toBe(spec.extendedStatistic);
    else expect(a.Statistic).toBe(spec.statistic ?? 'Sum');
    expect(Object.fromEntries(a.Dimensions.map((d) => [d.Name, d.Value]))).toEqual(spec.dimensions);
    expect(a.AlarmActions).toEqual([topic()]);
    expect(a.OKActions).toEqual([topic()]);
    expect(a.AlarmDescription).toMatch(/First action: .{20,}/);
  }

  it("workflow: executions failed, timed out and throttled (>= 1 in 5 minutes), on each state machine (new complaints', resumed ones')", () => {
    for (const [prefix, machine] of [
      ['workflow', apiStack().workflow.stateMachine],
      ['workflow-resume', apiStack().workflow.resumeStateMachine],
    ] as const) {
      const arn = { Ref: logicalId(apiStack(), machine) };
      for (const [shortName, metric] of [
        ['failed', 'ExecutionsFailed'],
        ['timed-out', 'ExecutionsTimedOut'],
        ['throttled', 'ExecutionThrottled'],
      ]) {
        expectAlarm(`${prefix}-${shortName}`, { namespace: 'AWS/States', metric, dimensions: { StateMachineArn: arn }, threshold: 1, periodMinutes: 5 });
      }
    }
  });

  it("HTTP API: 5xx >= 5 in 5 minutes and p99 integration latency > 2000 ms over 15 minutes, on the $default stage of the stateful stack's API", () => {
    const apiId = apiIdDimension();
    expect(apiId).toEqual({ 'Fn::ImportValue': expect.stringContaining(`Complaints-${name}-Stateful:`) });
    expectAlarm('api-5xx', { namespace: 'AWS/ApiGateway', metric: '5xx', dimensions: { ApiId: apiId, Stage: '$default' }, threshold: 5, periodMinutes: 5 });
    expectAlarm('api-latency-p99', {
      namespace: 'AWS/ApiGateway',
      metric: 'IntegrationLatency',
      dimensions: { ApiId: apiId, Stage: '$default' },
      threshold: 2000,
      periodMinutes: 15,
      extendedStatistic: 'p99',
      comparison: 'GreaterThanThreshold',
    });
  });

  it('every function: errors and throttles (>= 1 in 5 minutes)', () => {
    for (const fn of FUNCTION_NAMES) {
      expectAlarm(`lambda-errors-${fn}`, {
        namespace: 'AWS/Lambda',
        metric: 'Errors',
        dimensions: { FunctionName: fnRef(fn) },
        threshold: 1,
        periodMinutes: 5,
      });
      expectAlarm(`lambda-throttles-${fn}`, {
        namespace: 'AWS/Lambda',
        metric: 'Throttles',
        dimensions: { FunctionName: fnRef(fn) },
        threshold: 1,
        periodMinutes: 5,
      });
    }
  });

  it('SLA: DeadlineBreached (Powertools EMF, service=complaints) >= 1 in 15 minutes, missing data not breaching', () => {
    expectAlarm('deadline-breached', {
      namespace: 'Complaints',
      metric: 'DeadlineBreached',
      dimensions: { service: 'complaints' },
      threshold: 1,
      periodMinutes: 15,
    });
    expectAlarm('access-code-guessing', {
      namespace: 'Complaints',
      metric: 'AccessCodeFailures',
      dimensions: { service: 'complaints' },
      threshold: 100,
      periodMinutes: 5,
    });
  });

  it('business calendars (issue 22): CalendarYearMissing maximum >= 1 in an hour raises calendar-year-missing; 0 (before the date, or the year confirmed) does not', () => {
    expectAlarm('calendar-year-missing', {
      namespace: 'Complaints',
      metric: 'CalendarYearMissing',
      dimensions: { service: 'complaints' },
      threshold: 1,
      periodMinutes: 60,
      statistic: 'Maximum',
    });
    expect(alarm('calendar-year-missing').AlarmDescription).toContain('POST /api/staff/calendars');
  });

  it('stream lag: iterator age of every stream consumer, maximum > 5 minutes', () => {
    expect(STREAM_CONSUMERS.length).toBeGreaterThan(0);
    for (const consumer of STREAM_CONSUMERS) {
      expectAlarm(`stream-lag-${consumer.fn}`, {
        namespace: 'AWS/Lambda',
        metric: 'IteratorAge',
        dimensions: { FunctionName: fnRef(consumer.fn) },
        threshold: 300_000,
        periodMinutes: 5,
        statistic: 'Maximum',
        comparison: 'GreaterThanThreshold',
      });
    }
  });

  it("each stream consumer failure queue alarms on its depth (> 0) and on its oldest message at 12 of the stream's 24 hours (issue 21)", () => {
    for (const consumer of STREAM_CONSUMERS) {
      const queueName = { 'Fn::GetAtt': [logicalId(apiStack(), apiStack().streams.failureQueues[consumer.fn]), 'QueueName'] };
      const on = (metric: string) =>
        alarms().filter((a) => a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: queueName }]));
      expect(on('ApproximateNumberOfMessagesVisible')).toEqual([
        expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum', AlarmActions: [topic()] }),
      ]);
      const [age] = on('ApproximateAgeOfOldestMessage');
      expect(age).toMatchObject({
        Threshold: 12 * 3600,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Maximum',
        Period: 300,
        AlarmActions: [topic()],
      });
      expect(age.AlarmDescription).toMatch(/npm run replay -- --queue .*PITR/);
    }
  });

  it('every alarm of the region (failure queues included) notifies the ops topic, and alarm names are unique', () => {
    const all = alarms();
    // (+1 where SES invokes EmailIntake, +1 for ResumeOrphans, which EventBridge invokes on a
    // workflow's end, and +1 for PeriodicReviews, on its quarterly schedule: the alarms of their
    // dead-letter queues, ProductFunction.addDeadLetterQueue;
    // +4 for archival: deletes outside archival, missing, mismatched, archive lag; +1 where CloudFront
    // fronts the API: the errors of the public routes' origin check, infra/constructs/origin-verify.ts.)
    expect(all.length).toBe(
      2 * 3 +
        2 +
        2 * FUNCTION_NAMES.length +
        1 +
        // failure queue depth and age (issue 21), iterator age
        3 * STREAM_CONSUMERS.length +
        (stacks[name].api.inboundMail ? 1 : 0) +
        1 +
        1 +
        4 +
        (stacks[name].api.originVerify ? 1 : 0) +
        // +1: access-code guessing spread over many sources (issue 16).
        1 +
        // +1: next year's business calendar missing (issue 22).
        1 +
        // +1 where the complaints mailbox is polled over IMAP (issue 18): mailbox-poll-failures.
        (stacks[name].api.node.tryFindChild('MailboxPolling') ? 1 : 0),
    );
    for (const a of all) {
      expect(a.AlarmActions, a.AlarmName ?? a.MetricName).toEqual([topic()]);
      expect(a.AlarmDescription.length).toBeGreaterThan(40);
    }
    const names = all.map((a) => a.AlarmName).filter(Boolean);
    expect(new Set(names).size).toBe(names.length);
  });

  it(`dashboard complaints-${name}: API, workflow, functions, SLA metrics, failure queues and iterator ages`, () => {
    const dashboards = Object.values(template().Resources as Json).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const props = dashboards[0].Properties;
    expect(props.DashboardName).toBe(`complaints-${name}`);
    const body = props.DashboardBody;
    const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).map(tokenText).join(body['Fn::Join'][0]);
    const widgets = JSON.parse(text).widgets as { type: string; properties: { metrics?: unknown[][]; alarms?: string[] } }[];
    const metrics = widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => m.filter((x) => typeof x === 'string').join(' '));
    const has = (line: string) => expect(metrics, line).toContain(line);

    const apiId = tokenText(apiIdDimension());
    for (const m of ['Count', '4xx', '5xx', 'Latency', 'IntegrationLatency']) has(`AWS/ApiGateway ${m} ApiId ${apiId} Stage $default`);
    for (const machine of [apiStack().workflow.stateMachine, apiStack().workflow.resumeStateMachine]) {
      const sm = `Ref:${logicalId(apiStack(), machine)}`;
      for (const m of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled'])
        has(`AWS/States ${m} StateMachineArn ${sm}`);
    }
    for (const fn of FUNCTION_NAMES) {
      for (const m of ['Errors', 'Duration']) has(`AWS/Lambda ${m} FunctionName Ref:${fnRef(fn).Ref}`);
    }
    for (const m of ['DeadlineBreached', 'ComplaintsSubmitted']) has(`${APP_METRICS.namespace} ${m} service complaints`);
    for (const consumer of STREAM_CONSUMERS) {
      const queue = apiStack().streams.failureQueues[consumer.fn];
      has(`AWS/SQS ApproximateNumberOfMessagesVisible QueueName GetAtt:${logicalId(apiStack(), queue)}.QueueName`);
      has(`AWS/Lambda IteratorAge FunctionName Ref:${fnRef(consumer.fn).Ref}`);
    }
    // The alarm status widget shows every alarm of the construct.
    const statusWidget = widgets.find((w) => w.type === 'alarm')!;
    expect(statusWidget.properties.alarms).toHaveLength(Object.keys(apiStack().observability.alarms).length);
  });

  it.runIf(region.aws.partition !== 'aws')('no stack of the region has a literal arn:aws: (its partition is not aws)', () => {
    for (const stack of [stacks[name].edge, stacks[name].stateful, stacks[name].api]) {
      if (stack) expect(JSON.stringify(templateOf(stack))).not.toContain('arn:aws:');
    }
  });
});

describe('app metrics', () => {
  it('alarms read the namespace and service dimension the functions publish with (functions/shared/logger.ts)', () => {
    const source = readFileSync(new URL('../../functions/shared/logger.ts', import.meta.url), 'utf8');
    const metrics = /new Metrics\(\{([^}]*)\}\)/.exec(source)?.[1] ?? '';
    expect(metrics).toMatch(new RegExp(`namespace:\\s*'${APP_METRICS.namespace}'`));
    expect(metrics).toMatch(new RegExp(`serviceName:\\s*'${APP_METRICS.dimensions.service}'`));
  });
});

describe('cdk-nag', () => {
  it('reports no AwsSolutions finding with the alarms and dashboards in place', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    expect(report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions').flatMap((r) => r.violations)).toEqual([]);
  });
});
