/**
 * Hosts the product's Lambda handlers in this process, the way the Lambda service would
 * call them: same modules, same event shapes, a Lambda-like context object.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS, type FunctionName } from '../functions/functions.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const ROOT = join(import.meta.dirname, '..');

export class LambdaHost {
  private readonly loaded = new Map<FunctionName, Promise<Handler>>();

  constructor(readonly region: string, readonly account = '000000000000') {}

  arn(name: FunctionName): string {
    return `arn:aws:lambda:${this.region}:${this.account}:function:${name}`;
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

  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const name = nameOrArn.split(':').pop() as FunctionName;
    if (!(name in FUNCTIONS)) throw Object.assign(new Error(`Function not found: ${nameOrArn}`), { name: 'Lambda.ResourceNotFoundException' });
    const handler = await this.load(name);
    const spec = FUNCTIONS[name];
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
    // Events cross a JSON boundary on AWS; do the same so that no handler relies on shared objects.
    return JSON.parse(JSON.stringify((await handler(JSON.parse(JSON.stringify(event)), context)) ?? null));
  }
}
