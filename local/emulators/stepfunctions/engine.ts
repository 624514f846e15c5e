/**
 * A local Step Functions service around the aws-local-stepfunctions interpreter, running
 * the very ASL file that CDK deploys, as the same state machines (workflows/machines.ts): one
 * endpoint hosts several, each execution runs on the machine it was started on, and
 * StartExecution, ListExecutions and the rest answer per machine as the service does. The
 * interpreter has no task tokens: every `.waitForTaskToken` Task state is overridden by a
 * local function that mints a token, invokes the target Lambda handler with it, and waits for
 * SendTaskSuccess/Failure.
 *
 * Executions are kept in memory by the interpreter; their records (status, input, events)
 * are appended to a JSON-lines journal so that DescribeExecution and the history survive a
 * restart. An execution that was running when the runtime stopped is marked ABORTED on
 * start-up; the product's orphan sweeper then resumes its complaint from the persisted stage.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { SfnThrottle, type SfnThrottling } from './throttling.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  timestamp: string;
  type: string;
  stateName?: string;
  detail?: unknown;
}

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
}

export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export type LambdaInvoker = (functionArn: string, payload: unknown) => Promise<unknown>;

interface PendingTask {
  executionArn: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** The JSON protocol carries timestamps as epoch seconds. */
const epoch = (iso: string) => new Date(iso).getTime() / 1000;
/** EventBridge events carry epoch milliseconds. */
const epochMs = (iso: string) => new Date(iso).getTime();

const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const TOKEN_PLACEHOLDER = '__LOCAL_TASK_TOKEN__';

/** The error a stopped execution's pending or next task ends with: retried by no Retry, and the run is aborted before any Catch target runs. */
const stopped = () => Object.assign(new Error('The execution was stopped'), { name: 'Local.ExecutionStopped' });

type AslState = { Type: string; Resource?: string; [k: string]: unknown };
type Asl = { States: Record<string, AslState>; StartAt: string; [k: string]: unknown };

/** One hosted state machine: its ARN and its definition (ASL text, `${...}` placeholders allowed). */
export interface MachineDefinition {
  stateMachineArn: string;
  definition: string;
}

interface HostedMachine {
  definition: Asl;
  machine: StateMachine;
}

/** `arn:...:execution:<sm>:<name>` -> `arn:...:stateMachine:<sm>`. */
export const machineArnOf = (executionArn: string) => executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]*$/, '');
/** The execution a task token of this engine belongs to (`<uuid>.<executionArn, base64url>`), or undefined. */
export function executionArnOfToken(token: string): string | undefined {
  const arn = Buffer.from(token.split('.').pop() ?? '', 'base64url').toString('utf8');
  return arn.startsWith('arn:') ? arn : undefined;
}

export interface EngineOptions {
  /** The state machines the endpoint hosts (the first is `stateMachineArn`, the default of executionArnFor). */
  machines: MachineDefinition[];
  /** Placeholder -> value, for every machine's definition. */
  substitutions: Record<string, string>;
  invoke: LambdaInvoker;
  journalFile: string;
  now?: () => Date;
  /** The service's throttling (token buckets), off when absent. */
  throttling?: SfnThrottling;
  /**
   * Told when an execution ends (SUCCEEDED, FAILED, ABORTED by StopExecution), with the event
   * Step Functions sends to EventBridge ("Step Functions Execution Status Change"). Not for the
   * executions a restart finds running (they come back ABORTED; the runtime sweeps at start).
   */
  onStatusChange?: (event: StatusChangeEvent) => void;
}

/** Step Functions' EventBridge event for an execution's status change (the fields AWS sends). */
export interface StatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: ExecutionStatus;
    startDate: number;
    stopDate: number | null;
    input: string;
    inputDetails: { included: boolean };
    output: string | null;
    outputDetails: { included: boolean } | null;
    error: string | null;
    cause: string | null;
  };
}

export class LocalStepFunctions {
  /** The first hosted machine. */
  readonly stateMachineArn: string;
  /** Every hosted machine, in the order given. */
  readonly stateMachineArns: string[];
  /** API and state-transition throttling, when configured (the endpoint asks it before each action; shared by the machines, as the account's quotas are). */
  readonly throttle?: SfnThrottle;
  private readonly machines = new Map<string, HostedMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly aborters = new Map<string, () => void>();
  private readonly tasks = new Map<string, PendingTask>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly now: () => Date;
  private stopping = false;

  constructor(private readonly opts: EngineOptions) {
    if (!opts.machines.length) throw new Error('The local Step Functions engine needs at least one state machine');
    this.stateMachineArns = opts.machines.map((m) => m.stateMachineArn);
    this.stateMachineArn = this.stateMachineArns[0];
    this.now = opts.now ?? (() => new Date());
    if (opts.throttling) this.throttle = new SfnThrottle(opts.throttling);
    for (const m of opts.machines) this.machines.set(m.stateMachineArn, this.host(m.definition));
    this.load();
  }

  private host(asl: string): HostedMachine {
    let text = asl;
    for (const [k, v] of Object.entries(this.opts.substitutions)) text = text.split(`\${${k}}`).join(v);
    const unresolved = text.match(/\$\{[A-Za-z0-9]+\}/);
    if (unresolved) throw new Error(`State machine definition has no substitution for ${unresolved[0]}`);
    const definition = JSON.parse(text) as Asl;
    // The interpreter defaults a Task's timeout to 60 s (AWS: 99,999,999 s) and uses one
    // Node timer, which cannot exceed 2^31-1 ms (24.8 days). Give every Task the longest
    // timeout a timer can hold unless the definition sets a shorter one.
    for (const state of Object.values(definition.States)) {
      if (state.Type !== 'Task') continue;
      const t = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : Infinity;
      if (t > MAX_TIMER_SECONDS && !state.TimeoutSecondsPath) state.TimeoutSeconds = MAX_TIMER_SECONDS;
    }
    return { definition, machine: new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } }) };
  }

  private hosted(stateMachineArn: string): HostedMachine {
    const m = this.machines.get(stateMachineArn);
    if (!m) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return m;
  }

  // ---- journal -------------------------------------------------------------------------
  private load(): void {
    mkdirSync(dirname(this.opts.journalFile), { recursive: true });
    if (!existsSync(this.opts.journalFile)) return;
    for (const line of readFileSync(this.opts.journalFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let rec: { op: string; arn: string; data: Partial<ExecutionRecord> & { event?: HistoryEvent } };
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      } // a torn last line from a crash
      const existing = this.executions.get(rec.arn);
      if (rec.op === 'put') this.executions.set(rec.arn, { ...(rec.data as ExecutionRecord), events: existing?.events ?? [] });
      else if (rec.op === 'event' && existing && rec.data.event) existing.events.push(rec.data.event);
    }
    for (const e of this.executions.values()) {
      if (e.status === 'RUNNING') {
        this.update(e, {
          status: 'ABORTED',
          stopDate: this.now().toISOString(),
          error: 'Local.RuntimeRestarted',
          cause: 'The local runtime stopped while this execution was running',
        });
      }
    }
  }

  private journal(op: 'put' | 'event', arn: string, data: unknown): void {
    appendFileSync(this.opts.journalFile, `${JSON.stringify({ op, arn, data })}\n`);
  }

  private update(e: ExecutionRecord, patch: Partial<ExecutionRecord>): void {
    Object.assign(e, patch);
    const { events, ...rest } = e;
    this.journal('put', e.executionArn, rest);
  }

  /** The status-change event of an execution that just ended, to the listener (its errors are its own). */
  private ended(e: ExecutionRecord): void {
    if (!this.opts.onStatusChange) return;
    const [, , , region, account] = e.executionArn.split(':');
    const event: StatusChangeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account,
      time: (e.stopDate ?? this.now().toISOString()).replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [e.executionArn],
      detail: {
        executionArn: e.executionArn,
        stateMachineArn: machineArnOf(e.executionArn),
        name: e.name,
        status: e.status,
        startDate: epochMs(e.startDate),
        stopDate: e.stopDate ? epochMs(e.stopDate) : null,
        input: e.input,
        inputDetails: { included: true },
        output: e.output ?? null,
        outputDetails: e.output ? { included: true } : null,
        error: e.error ?? null,
        cause: e.cause ?? null,
      },
    };
    try {
      this.opts.onStatusChange(event);
    } catch {
      /* the listener's own failure */
    }
  }

  private addEvent(e: ExecutionRecord, type: string, stateName?: string, detail?: unknown): void {
    const ev: HistoryEvent = { id: e.events.length + 1, timestamp: this.now().toISOString(), type, stateName, detail };
    e.events.push(ev);
    this.journal('event', e.executionArn, { event: ev });
  }

  // ---- Step Functions API ---------------------------------------------------------------
  /**
   * The ARN of execution `name` of `stateMachineArn`; without a machine, of the hosted machine
   * that has an execution of that name (the first machine when none has one).
   */
  executionArnFor(name: string, stateMachineArn?: string): string {
    const on = (sm: string) => `${sm.replace(':stateMachine:', ':execution:')}:${name}`;
    if (stateMachineArn) return on(stateMachineArn);
    return this.stateMachineArns.map(on).find((arn) => this.executions.has(arn)) ?? on(this.stateMachineArn);
  }

  startExecution(p: { stateMachineArn: string; name?: string; input?: string }): { executionArn: string; startDate: number } {
    this.hosted(p.stateMachineArn);
    const name = p.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const input = p.input ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid execution input: not JSON');
    }
    const arn = this.executionArnFor(name, p.stateMachineArn);
    const existing = this.executions.get(arn);
    if (existing) {
      // Standard workflows: same name and input within 90 days is idempotent.
      if (existing.input === input && existing.status === 'RUNNING') return { executionArn: arn, startDate: epoch(existing.startDate) };
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const rec: ExecutionRecord = { executionArn: arn, name, input, status: 'RUNNING', startDate: this.now().toISOString(), events: [] };
    this.executions.set(arn, rec);
    this.update(rec, {});
    this.addEvent(rec, 'ExecutionStarted', undefined, { input: parsed });
    this.run(rec, parsed);
    return { executionArn: arn, startDate: epoch(rec.startDate) };
  }

  private run(rec: ExecutionRecord, input: unknown): void {
    const stateMachineArn = machineArnOf(rec.executionArn);
    const { definition, machine } = this.hosted(stateMachineArn);
    const overrides: Record<string, (input: never) => Promise<never>> = {}; // JSON in, JSON out
    for (const [stateName, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task') overrides[stateName] = ((taskInput: unknown) => this.runTask(rec, stateName, state, taskInput)) as never;
    }
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: overrides as never },
      context: {
        Execution: { Id: rec.executionArn, Name: rec.name, StartTime: rec.startDate, RoleArn: 'arn:aws:iam::000000000000:role/local' },
        StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
      noThrowOnAbort: true,
    });
    this.aborters.set(rec.executionArn, execution.abort);
    const events = (async () => {
      for await (const ev of execution.eventLogs) {
        const e = ev as { type: string; state?: { name: string; type: string }; Error?: string; Cause?: unknown };
        // AWS names these per state type: TaskStateEntered, ChoiceStateExited, ...
        if (e.type === 'StateEntered' && e.state?.type !== 'Task') this.throttle?.consume();
        if (e.type === 'StateEntered' || e.type === 'StateExited') this.addEvent(rec, `${e.state?.type}${e.type}`, e.state?.name);
        else if (e.type === 'StateFailed' || e.type === 'StateRetried' || e.type === 'StateCaught') {
          this.addEvent(rec, e.type, e.state?.name, e.Error ? { error: e.Error } : undefined);
        }
      }
    })();
    const done = execution.result
      .then(
        (output) => {
          if (rec.status !== 'RUNNING' || this.stopping) return;
          this.update(rec, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null), stopDate: this.now().toISOString() });
          this.addEvent(rec, 'ExecutionSucceeded');
          this.ended(rec);
        },
        (err: Error & { cause?: Error & { Cause?: string } }) => {
          if (rec.status !== 'RUNNING' || this.stopping) return;
          const inner = (err.cause ?? err) as Error;
          this.update(rec, { status: 'FAILED', error: inner.name, cause: inner.message, stopDate: this.now().toISOString() });
          this.addEvent(rec, 'ExecutionFailed', undefined, { error: inner.name });
          this.ended(rec);
        },
      )
      .finally(() => {
        this.aborters.delete(rec.executionArn);
        this.dropTasks(rec.executionArn);
      });
    const all = Promise.all([done, events]);
    this.running.add(all);
    void all.finally(() => this.running.delete(all));
  }

  /** Emulates the Lambda service integrations (`lambda:invoke`, `.waitForTaskToken`) and plain Lambda ARNs. */
  private async runTask(rec: ExecutionRecord, stateName: string, state: AslState, input: unknown): Promise<unknown> {
    // Each attempt of a Task is a state transition: past the bucket, the execution waits (as on AWS).
    await this.throttle?.transition();
    // A stopped execution runs no more tasks (the interpreter retries after an abort otherwise).
    if (rec.status !== 'RUNNING' || this.stopping) throw stopped();
    const resource = String(state.Resource);
    if (resource.startsWith('arn:aws:states:::lambda:invoke')) {
      const p = input as { FunctionName: string; Payload?: unknown };
      if (resource.endsWith('.waitForTaskToken')) {
        const token = `${randomUUID()}.${Buffer.from(rec.executionArn).toString('base64url')}`; // executionArnOfToken reads it back
        const payload = JSON.parse(
          JSON.stringify(p.Payload ?? {})
            .split(TOKEN_PLACEHOLDER)
            .join(token),
        );
        const waiting = new Promise((resolve, reject) => this.tasks.set(token, { executionArn: rec.executionArn, resolve, reject }));
        // The function may settle its own token before it returns (SendTaskFailure included):
        // the outcome is awaited below, so an early rejection is not an unhandled one.
        waiting.catch(() => undefined);
        try {
          await this.opts.invoke(p.FunctionName, payload);
        } catch (e) {
          this.tasks.delete(token);
          throw e;
        }
        this.addEvent(rec, 'TaskSubmitted', stateName);
        return waiting;
      }
      const out = await this.opts.invoke(p.FunctionName, p.Payload ?? input);
      return { Payload: out, StatusCode: 200, ExecutedVersion: '$LATEST' };
    }
    if (resource.startsWith('arn:aws:lambda:')) return this.opts.invoke(resource, input);
    throw new SfnError('States.Runtime', `Resource ${resource} is not emulated by the local runtime`);
  }

  private task(token: string): PendingTask {
    const t = this.tasks.get(token);
    if (!t) throw new SfnError('TaskDoesNotExist', 'Task Does Not Exist');
    return t;
  }

  sendTaskSuccess(p: { taskToken: string; output: string }): Record<string, never> {
    const t = this.task(p.taskToken);
    let out: unknown;
    try {
      out = JSON.parse(p.output);
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid output: not JSON');
    }
    this.tasks.delete(p.taskToken);
    t.resolve(out);
    return {};
  }

  sendTaskFailure(p: { taskToken: string; error?: string; cause?: string }): Record<string, never> {
    const t = this.task(p.taskToken);
    this.tasks.delete(p.taskToken);
    const e = new Error(p.cause ?? '');
    e.name = p.error ?? 'States.TaskFailed';
    t.reject(e);
    return {};
  }

  sendTaskHeartbeat(p: { taskToken: string }): Record<string, never> {
    this.task(p.taskToken);
    return {};
  }

  /** Forgets the execution's pending tasks; with `reason`, settles them too (their timers are released). */
  private dropTasks(executionArn: string, reason?: Error): void {
    for (const [token, t] of this.tasks) {
      if (t.executionArn !== executionArn) continue;
      this.tasks.delete(token);
      if (reason) t.reject(reason);
    }
  }

  private get(arn: string): ExecutionRecord {
    const e = this.executions.get(arn);
    if (!e) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  describeExecution(p: { executionArn: string }) {
    const e = this.get(p.executionArn);
    return {
      executionArn: e.executionArn,
      stateMachineArn: machineArnOf(e.executionArn),
      name: e.name,
      status: e.status,
      startDate: epoch(e.startDate),
      stopDate: e.stopDate ? epoch(e.stopDate) : undefined,
      input: e.input,
      output: e.output,
      error: e.error,
      cause: e.cause,
    };
  }

  stopExecution(p: { executionArn: string; error?: string; cause?: string }) {
    const e = this.get(p.executionArn);
    const stopDate = this.now().toISOString();
    if (e.status === 'RUNNING') {
      this.update(e, { status: 'ABORTED', stopDate, error: p.error, cause: p.cause });
      this.addEvent(e, 'ExecutionAborted');
      this.aborters.get(e.executionArn)?.();
      this.dropTasks(e.executionArn, stopped());
      this.ended(e);
    }
    return { stopDate: epoch(stopDate) };
  }

  /** The executions of one machine (as on AWS: a machine the endpoint does not host is StateMachineDoesNotExist). */
  listExecutions(p: { stateMachineArn: string; statusFilter?: ExecutionStatus; maxResults?: number }) {
    this.hosted(p.stateMachineArn);
    const list = [...this.executions.values()]
      .filter((e) => machineArnOf(e.executionArn) === p.stateMachineArn && (!p.statusFilter || e.status === p.statusFilter))
      .sort((a, b) => b.startDate.localeCompare(a.startDate))
      .slice(0, p.maxResults || 1000)
      .map((e) => ({ executionArn: e.executionArn, stateMachineArn: p.stateMachineArn, name: e.name, status: e.status, startDate: epoch(e.startDate) }));
    return { executions: list };
  }

  getExecutionHistory(p: { executionArn: string; reverseOrder?: boolean }) {
    const e = this.get(p.executionArn);
    const events = e.events.map((ev) => ({
      id: ev.id,
      timestamp: epoch(ev.timestamp),
      type: ev.type,
      ...(ev.stateName && ev.type.endsWith('StateEntered') ? { stateEnteredEventDetails: { name: ev.stateName } } : {}),
      ...(ev.stateName && ev.type.endsWith('StateExited') ? { stateExitedEventDetails: { name: ev.stateName } } : {}),
    }));
    return { events: p.reverseOrder ? events.reverse() : events };
  }

  /** Aborts every running execution (their records stay RUNNING in the journal, as after a crash). */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const abort of this.aborters.values()) abort();
    // Settle the tasks still waiting for a token, so that their timers are released.
    for (const [token, t] of this.tasks) {
      this.tasks.delete(token);
      t.reject(Object.assign(new Error('The local runtime stopped'), { name: 'Local.RuntimeStopped' }));
    }
    await Promise.allSettled([...this.running]);
  }
}
