/**
 * Hosts the product's Lambda handlers the way the Lambda service runs them: each function in
 * its own execution environment - a worker thread (local/host/lambda-worker.ts) with its own
 * environment variables and module instances - started on its first invocation; same modules,
 * same event shapes, a Lambda-like context object. Each function signs its AWS calls with its
 * own credentials (access key id `local-<FunctionName>`), so the local endpoints can check each
 * call against that function's role (local/emulators/iam/authorizer.ts).
 *
 * Two things Lambda does by itself need a word here, because everything shares one machine:
 * - Each function has its own capacity on AWS, so a backlog of stream records or workflow
 *   steps never slows a customer's request. Here they share the same cores, so while a
 *   request from the API (or the mail intake) is being served, at most
 *   `backgroundWhileBusy` invocations of the other functions run at once; the rest wait
 *   their turn (nothing is dropped, the order is kept). With no request in flight they run
 *   without limit.
 * - Lambda bills requests and duration per function: `stats` counts both (benchmarks).
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { accessKeyIdOf } from '../emulators/iam/authorizer.ts';
import { FUNCTIONS, ROUTES, type FunctionName } from '../../functions/functions.ts';
import type { Clock } from '../../functions/shared/clock.ts';

type Handler = (
  event: unknown,
  context: { awsRequestId: string; deadline: number; invokedFunctionArn: string; memoryLimitInMB: string; functionVersion: string },
) => Promise<unknown>;

const ROOT = join(import.meta.dirname, '..', '..');

/** Functions a customer or a staff member waits on: the API's and the mail intake's. */
const FOREGROUND = new Set<FunctionName>([...ROUTES.map((r) => r.fn), 'EmailIntake']);

export interface InvocationStats {
  invocations: number;
  errors: number;
  durationMs: number;
}

export interface LambdaHostOptions {
  /** Background invocations allowed at once while a foreground one runs (default 2). */
  backgroundWhileBusy?: number;
  /** The runtime's manual clock, shared with every function (functions/wiring/container.ts useClock). */
  clock?: Clock;
  /** AWS partition of the function ARNs (aws-cn for cn-north-1). */
  partition?: string;
}

/** The loader the workers run TypeScript with (not inherited from the parent: vitest's is not tsx). */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const WORKER = join(import.meta.dirname, 'lambda-worker.ts');
const CONTAINER = join(ROOT, 'functions', 'wiring', 'container.ts');

/** A function's execution environment: a worker thread and its invocations in flight. */
class Environment {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private exited = false;

  constructor(
    readonly name: FunctionName,
    env: NodeJS.ProcessEnv,
    clock?: SharedArrayBuffer,
  ) {
    this.worker = new Worker(WORKER, {
      env,
      execArgv: ['--import', TSX],
      workerData: { file: join(ROOT, 'functions', 'handlers', FUNCTIONS[name].entry), name, clock, containerFile: CONTAINER },
    });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      const first = (m: { ready?: boolean; error?: Record<string, string> }) => {
        if (m.ready === undefined) return;
        this.worker.off('message', first);
        if (m.ready) resolve();
        else reject(toError(m.error ?? {}));
      };
      this.worker.on('message', first);
      this.worker.once('error', reject);
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (m: { id?: number; ok?: boolean; result?: string; error?: Record<string, unknown> }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(JSON.parse(m.result ?? 'null'));
      else p.reject(toError(m.error ?? {}));
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(Object.assign(new Error(`The execution environment of ${name} exited (code ${code})`), { name: 'Lambda.ServiceException' }));
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Resolves when the handler module is loaded. */
  started(): Promise<void> {
    return this.ready;
  }

  private failAll(e: unknown): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async invoke(event: string, context: Parameters<Handler>[1]): Promise<unknown> {
    await this.ready;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, event, context });
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

/** The error a handler threw, rebuilt on this side: same name, message and fields. */
function toError(e: Record<string, unknown>): Error {
  const err = new Error(String(e.message ?? ''));
  Object.assign(err, e);
  err.name = String(e.name ?? 'Error');
  if (typeof e.stack === 'string') err.stack = e.stack;
  return err;
}

export class LambdaHost {
  private readonly environments = new Map<FunctionName, Environment>();
  /** The manual clock's epoch milliseconds, read by every function (Atomics). */
  private readonly clockBuffer?: SharedArrayBuffer;
  private readonly clockView?: BigInt64Array;
  /** Invocations and their duration, per function, since start (or the last `resetStats`). */
  readonly stats = new Map<FunctionName, InvocationStats>();
  private foreground = 0;
  private background = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly backgroundWhileBusy: number;

  constructor(
    readonly region: string,
    readonly account = '000000000000',
    private readonly options: LambdaHostOptions = {},
  ) {
    this.backgroundWhileBusy = options.backgroundWhileBusy ?? 2;
    if (options.clock) {
      this.clockBuffer = new SharedArrayBuffer(8);
      this.clockView = new BigInt64Array(this.clockBuffer);
      this.syncClock();
    }
  }

  arn(name: FunctionName): string {
    return `arn:${this.options.partition ?? 'aws'}:lambda:${this.region}:${this.account}:function:${name}`;
  }

  /** Hands the manual clock's time to every function (after it moved; also done before each invocation). */
  syncClock(): void {
    if (this.clockView && this.options.clock) Atomics.store(this.clockView, 0, BigInt(this.options.clock.now().getTime()));
  }

  /**
   * Starts the execution environments of `names` (default: every function) and waits until
   * their handler modules are loaded - provisioned concurrency, in effect: the first invocation
   * of each is then warm, as the in-process host's were (its timing is what the tests know).
   */
  async warm(names: FunctionName[] = Object.keys(FUNCTIONS) as FunctionName[]): Promise<void> {
    await Promise.all(
      names.map((n) =>
        this.load(n)
          .started()
          .catch(() => undefined),
      ),
    );
  }

  /** Stops every execution environment (the next invocation starts a new one, cold). */
  async stop(): Promise<void> {
    const envs = [...this.environments.values()];
    this.environments.clear();
    await Promise.all(envs.map((e) => e.stop().catch(() => undefined)));
  }

  resetStats(): void {
    this.stats.clear();
  }

  private load(name: FunctionName): Environment {
    let env = this.environments.get(name);
    if (!env?.alive) {
      const vars: NodeJS.ProcessEnv = {
        // This process's environment, read when the function starts, with its own credentials.
        ...process.env,
        AWS_ACCESS_KEY_ID: accessKeyIdOf(name),
        AWS_SECRET_ACCESS_KEY: `local-secret-${name}`,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTIONS[name].memoryMb ?? 256),
      };
      // Lambda's credentials are the role's alone: no session token or profile of the host.
      for (const k of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE']) delete vars[k];
      env = new Environment(name, vars, this.clockBuffer);
      this.environments.set(name, env);
    }
    return env;
  }

  private mayStartBackground(): boolean {
    return this.foreground === 0 || this.background < this.backgroundWhileBusy;
  }

  /** Lets waiting background invocations start, as far as the current load allows. */
  private release(): void {
    while (this.waiting.length && this.mayStartBackground()) {
      this.background += 1;
      this.waiting.shift()!();
    }
  }

  private async admit(name: FunctionName): Promise<() => void> {
    if (FOREGROUND.has(name)) {
      this.foreground += 1;
      return () => {
        this.foreground -= 1;
        this.release();
      };
    }
    if (this.waiting.length === 0 && this.mayStartBackground()) this.background += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    return () => {
      this.background -= 1;
      this.release();
    };
  }

  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const name = nameOrArn.split(':').pop() as FunctionName;
    if (!(name in FUNCTIONS)) throw Object.assign(new Error(`Function not found: ${nameOrArn}`), { name: 'Lambda.ResourceNotFoundException' });
    const done = await this.admit(name);
    const spec = FUNCTIONS[name];
    const started = performance.now();
    const deadline = Date.now() + (spec.timeoutSeconds ?? 30) * 1000;
    const context = {
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arn(name),
      memoryLimitInMB: String(spec.memoryMb ?? 256),
      awsRequestId: randomUUID(),
      deadline,
    };
    const s = this.stats.get(name) ?? { invocations: 0, errors: 0, durationMs: 0 };
    this.stats.set(name, s);
    s.invocations += 1;
    try {
      this.syncClock();
      // Events and results cross a JSON boundary, as on AWS.
      return await this.load(name).invoke(JSON.stringify(event ?? null), context);
    } catch (e) {
      s.errors += 1;
      throw e;
    } finally {
      s.durationMs += performance.now() - started;
      done();
    }
  }
}
