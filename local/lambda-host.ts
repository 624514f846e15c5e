/**
 * Hosts the product's Lambda handlers in this process, the way the Lambda service would
 * call them: same modules, same event shapes, a Lambda-like context object.
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
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS, ROUTES, type FunctionName } from '../functions/functions.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const ROOT = join(import.meta.dirname, '..');

/** Functions a customer or a staff member waits on: the API's and the mail intake's. */
const FOREGROUND = new Set<FunctionName>([...ROUTES.map((r) => r.fn), 'EmailIntake']);

export interface InvocationStats { invocations: number; errors: number; durationMs: number }

export interface LambdaHostOptions {
  /** Background invocations allowed at once while a foreground one runs (default 2). */
  backgroundWhileBusy?: number;
}

export class LambdaHost {
  private readonly loaded = new Map<FunctionName, Promise<Handler>>();
  /** Invocations and their duration, per function, since start (or the last `resetStats`). */
  readonly stats = new Map<FunctionName, InvocationStats>();
  private foreground = 0;
  private background = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly backgroundWhileBusy: number;

  constructor(readonly region: string, readonly account = '000000000000', options: LambdaHostOptions = {}) {
    this.backgroundWhileBusy = options.backgroundWhileBusy ?? 2;
  }

  arn(name: FunctionName): string {
    return `arn:aws:lambda:${this.region}:${this.account}:function:${name}`;
  }

  resetStats(): void {
    this.stats.clear();
  }

  private load(name: FunctionName): Promise<Handler> {
    let h = this.loaded.get(name);
    if (!h) {
      const file = join(ROOT, 'functions', 'handlers', FUNCTIONS[name].entry);
      h = import(pathToFileURL(file).href).then((m: { handler: Handler }) => m.handler);
      this.loaded.set(name, h);
    }
    return h;
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
      return () => { this.foreground -= 1; this.release(); };
    }
    if (this.waiting.length === 0 && this.mayStartBackground()) this.background += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    return () => { this.background -= 1; this.release(); };
  }

  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const name = nameOrArn.split(':').pop() as FunctionName;
    if (!(name in FUNCTIONS)) throw Object.assign(new Error(`Function not found: ${nameOrArn}`), { name: 'Lambda.ResourceNotFoundException' });
    const handler = await this.load(name);
    const done = await this.admit(name);
    const spec = FUNCTIONS[name];
    const started = performance.now();
    const deadline = Date.now() + (spec.timeoutSeconds ?? 30) * 1000;
    const context = {
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arn(name),
      memoryLimitInMB: String(spec.memoryMb ?? 256),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined, fail: () => undefined, succeed: () => undefined,
    };
    const s = this.stats.get(name) ?? { invocations: 0, errors: 0, durationMs: 0 };
    this.stats.set(name, s);
    s.invocations += 1;
    try {
      // Events cross a JSON boundary on AWS; do the same so that no handler relies on shared objects.
      return JSON.parse(JSON.stringify((await handler(JSON.parse(JSON.stringify(event)), context)) ?? null));
    } catch (e) {
      s.errors += 1;
      throw e;
    } finally {
      s.durationMs += performance.now() - started;
      done();
    }
  }
}
