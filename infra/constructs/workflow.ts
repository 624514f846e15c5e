/**
 * The complaint workflow: two Standard state machines made of the ASL file in workflows/ (the
 * very file the local runtime runs; workflows/machines.ts): `lifecycle`, where new complaints
 * start, begins at Investigate (which registers a new complaint as it opens its task) and
 * leaves out the Resume state it cannot reach (one billed state transition fewer per complaint); `resume`, where the orphan sweeper's resumed executions
 * start, is the file as it is (Resume sends each to its stage). Each `${...FunctionArn}`
 * placeholder is substituted by CloudFormation with the ARN of the function it names.
 *
 * Grant helpers give a function start / describe / callback rights on both machines and their
 * ARNs (STATE_MACHINE_ARN, RESUME_STATE_MACHINE_ARN) in one call: the workflow adapter picks
 * the machine per execution (functions/adapters/sfn-workflow.ts). The ARNs handed to functions
 * are formatted from the state machines' fixed names, not taken from the resources: the
 * functions the state machines invoke also load the runtime configuration (the ARNs included),
 * and a reference to a resource would make state machine -> function ARN -> function
 * environment -> state machine a dependency cycle.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { startingAt, type MachineSpec } from '../../workflows/machines.ts';
import { acknowledge, nagResourceId } from '../nag.ts';
import type { EncryptedLogs } from './encrypted-logs.ts';

export type WorkflowAccess = 'start' | 'start-new' | 'describe' | 'callback';

export interface WorkflowProps {
  /** Absolute path of the ASL (JSON) file. */
  definitionFile: string;
  /**
   * The state machine of new complaints and that of resumed ones: fixed names (so that the
   * ARNs can be known without referencing the resources, see above) and where each starts.
   */
  machines: { lifecycle: MachineSpec; resume: MachineSpec };
  /** Substitution name in the ASL file (`OpenTaskFunctionArn`) -> the function it stands for. */
  functions: Record<string, lambda.IFunction>;
  logs: EncryptedLogs;
  /** X-Ray tracing of both machines (off where the platform has none: infra/platform.ts). @default true */
  tracing?: boolean;
}

export class Workflow extends Construct {
  /** New complaints' state machine (StartAt Investigate). */
  readonly stateMachine: sfn.StateMachine;
  /** Resumed complaints' state machine (StartAt Resume). */
  readonly resumeStateMachine: sfn.StateMachine;
  /** ARN of the lifecycle state machine, formatted from its name (no reference to the resource). */
  readonly stateMachineArn: string;
  /** ARN of the resume state machine, likewise. */
  readonly resumeStateMachineArn: string;
  /** ARN patterns of both machines' executions (their names are per complaint). */
  private readonly executionArns: string[];
  /**
   * Encrypts the definitions and the executions' data (inputs, outputs, task results - complaint
   * references, staff decisions) of both machines with a key the bank controls. Callers need it
   * too: starting an execution or completing a task encrypts its payload, describing one decrypts it.
   */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { lifecycle, resume } = props.machines;
    const arnOf = (name: string) =>
      stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    this.stateMachineArn = arnOf(lifecycle.name);
    this.resumeStateMachineArn = arnOf(resume.name);
    this.executionArns = [lifecycle.name, resume.name].map((name) =>
      stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${name}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );

    this.key = new kms.Key(this, 'Key', { description: `Complaint workflow data (${lifecycle.name}, ${resume.name})`, enableKeyRotation: true });
    // (Construct ids of the lifecycle machine as when it was the only one: an update keeps it.)
    this.stateMachine = this.machine('StateMachine', 'Logs', lifecycle, props, stack.partition);
    this.resumeStateMachine = this.machine('ResumeStateMachine', 'ResumeLogs', resume, props, stack.partition);

    // StateMachine lets delivery.logs.amazonaws.com decrypt with the key (log delivery of
    // encrypted executions) without conditions; log delivery sends the account and the log
    // delivery's ARN, so the grant is held to this account's deliveries in this region
    // (confused deputy). PolicyDocument has no public way to change a statement it holds.
    const policy = (this.key as unknown as { policy?: iam.PolicyDocument }).policy;
    const statements = (policy as unknown as { statements?: iam.PolicyStatement[] } | undefined)?.statements ?? [];
    const delivery = statements.filter((st) => JSON.stringify(st.toStatementJson().Principal ?? {}).includes('delivery.logs.amazonaws.com'));
    if (!delivery.length) throw new Error(`${this.node.path}: no delivery.logs statement in the workflow key's policy to condition (CDK changed?)`);
    for (const st of delivery) {
      st.addCondition('StringEquals', { 'aws:SourceAccount': stack.account });
      st.addCondition('ArnLike', { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) });
    }
  }

  private machine(id: string, logsId: string, spec: MachineSpec, props: WorkflowProps, partition: string): sfn.StateMachine {
    const definition = loadDefinition(props.definitionFile, Object.keys(props.functions), partition, spec.startAt);
    const machine = new sfn.StateMachine(this, id, {
      stateMachineName: spec.name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      // From the file's text (not DefinitionBody.fromFile, which uploads the file as an S3 asset
      // unchanged): the definition is then visible in the template, its service-integration
      // ARNs can be moved to the stack's partition and its StartAt changed (see loadDefinition).
      definitionBody: sfn.DefinitionBody.fromString(definition),
      definitionSubstitutions: Object.fromEntries(Object.entries(props.functions).map(([name, fn]) => [name, fn.functionArn])),
      tracingEnabled: props.tracing ?? true,
      // Data keys reused for 5 minutes: one KMS call per few hundred transitions, not per transition.
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(this.key, Duration.minutes(5)),
      logs: {
        destination: props.logs.logGroup(this, logsId),
        level: sfn.LogLevel.ALL,
        // State transitions only: payloads carry task tokens, which would let a log reader
        // complete a staff task; the complaint's own history is the audit trail of its content.
        includeExecutionData: false,
      },
    });

    // Exactly the functions the definition names, unqualified (the ASL invokes them by ARN).
    // (The role is CDK's default: trusted by states.amazonaws.com for this account's state machines only.)
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(props.functions).map((fn) => fn.functionArn),
      }),
    );

    if (props.tracing === false) {
      acknowledge(
        machine,
        'AwsSolutions-SF2',
        "X-Ray is not offered to this region's workloads (China: infra/platform.ts CHINA_RULES.noXRay): the execution history and its encrypted log group (level ALL) are the trace.",
      );
    }
    acknowledge(
      machine.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Added by CDK for Step Functions logging and X-Ray: logs:CreateLogDelivery/GetLogDelivery/UpdateLogDelivery/DeleteLogDelivery/ListLogDeliveries/PutResourcePolicy/DescribeResourcePolicies/DescribeLogGroups and xray:PutTraceSegments/PutTelemetryRecords/GetSamplingRules/GetSamplingTargets do not support resource-level permissions.',
    );
    return machine;
  }

  /** Sets STATE_MACHINE_ARN and RESUME_STATE_MACHINE_ARN on the function and grants it the given access (on both machines). */
  bind(fn: lambda.Function, access: readonly WorkflowAccess[]): void {
    fn.addEnvironment('STATE_MACHINE_ARN', this.stateMachineArn);
    fn.addEnvironment('RESUME_STATE_MACHINE_ARN', this.resumeStateMachineArn);
    for (const a of access) {
      if (a === 'start') this.grantStart(fn);
      else if (a === 'start-new') this.grantStart(fn, 'new');
      else if (a === 'describe') this.grantDescribe(fn);
      else this.grantCallback(fn);
    }
  }

  /** StartExecution on both machines (new complaints on one, resumed ones on the other), or on the new complaints' only. */
  grantStart(grantee: iam.IGrantable, machines: 'both' | 'new' = 'both'): iam.Grant {
    this.grantKey(grantee, 'kms:GenerateDataKey');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StartExecution'],
      resourceArns: machines === 'new' ? [this.stateMachineArn] : [this.stateMachineArn, this.resumeStateMachineArn],
    });
  }

  /** The use of the workflow's key for calls about these two state machines only (their encryption context). */
  private grantKey(grantee: iam.IGrantable, action: 'kms:GenerateDataKey' | 'kms:Decrypt'): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [action],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': [this.stateMachineArn, this.resumeStateMachineArn] } },
      }),
    );
  }

  /** DescribeExecution on both machines' executions (the orphan sweeper checks whether one still runs). */
  grantDescribe(grantee: iam.IGrantable): iam.Grant {
    this.grantKey(grantee, 'kms:Decrypt');
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['states:DescribeExecution'], resourceArns: this.executionArns });
    const principal = grantee.grantPrincipal;
    if (principal instanceof iam.Role) {
      for (const executions of this.executionArns) {
        acknowledge(
          principal,
          `AwsSolutions-IAM5[Resource::${nagResourceId(this, executions)}]`,
          'Execution names are per complaint and unknown at deploy time; the wildcard covers only the executions of one of the two complaint state machines (new and resumed complaints), and only DescribeExecution.',
        );
      }
    }
    return grant;
  }

  /**
   * SendTaskSuccess / SendTaskFailure (no heartbeat: no task state sets HeartbeatSeconds, and
   * functions/adapters/sfn-workflow.ts sends none), for a function that completes a
   * staff task with the token the workflow handed out (by either machine).
   */
  grantCallback(grantee: iam.IGrantable): iam.Grant {
    this.grantKey(grantee, 'kms:GenerateDataKey');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resourceArns: [this.stateMachineArn, this.resumeStateMachineArn],
    });
  }
}

/**
 * Reads the ASL file, checks that its `${...}` placeholders and the given substitution names
 * are the same set (a typo fails synth, not the first execution), starts it at `startAt` when
 * given (without the states that leaves unreachable: Step Functions refuses them;
 * workflows/machines.ts), and moves literal `arn:aws:` Task resources
 * (`arn:aws:states:::lambda:invoke`) to the stack's partition: the file is written for the aws
 * partition because the local engine matches those ARNs literally, while in aws-cn they must
 * read `arn:aws-cn:states:::...`.
 */
export function loadDefinition(file: string, substitutions: string[], partition: string, startAt?: string): string {
  const text = readFileSync(file, 'utf8');
  const placeholders = new Set([...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]));
  const missing = [...placeholders].filter((p) => !substitutions.includes(p));
  const unused = substitutions.filter((s) => !placeholders.has(s));
  if (missing.length || unused.length) {
    throw new Error(`${file}: placeholders without a substitution: [${missing.join(', ')}]; substitutions not used: [${unused.join(', ')}]`);
  }
  const asl = startingAt(JSON.parse(text) as Asl, startAt);
  forEachState(asl, (state) => {
    if (typeof state.Resource === 'string' && state.Resource.startsWith('arn:aws:')) {
      state.Resource = `arn:${partition}:${state.Resource.slice('arn:aws:'.length)}`;
    }
  });
  // JSON.stringify keeps a token inside a string intact; CDK turns it into Fn::Join at synth.
  return JSON.stringify(asl);
}

interface AslState {
  Type: string;
  Resource?: string;
  Branches?: Asl[];
  Iterator?: Asl;
  ItemProcessor?: Asl;
  [k: string]: unknown;
}
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
  [k: string]: unknown;
}

/** Every state, including those nested in Parallel branches and Map iterators. */
function forEachState(asl: Asl, visit: (s: AslState) => void): void {
  for (const state of Object.values(asl.States)) {
    visit(state);
    for (const nested of [...(state.Branches ?? []), state.Iterator, state.ItemProcessor]) {
      if (nested) forEachState(nested, visit);
    }
  }
}
