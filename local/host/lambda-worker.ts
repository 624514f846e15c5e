/**
 * One function's execution environment (a worker thread started by local/host/lambda-host.ts):
 * its own process.env (its own credentials, `local-<FunctionName>`), its own module instances
 * (SDK clients and caches are per function, as on Lambda), the handler module loaded once.
 * Invocations arrive as JSON text and leave as JSON text; a thrown error leaves as its name,
 * message and stack (and its own enumerable fields), so the caller can throw the same error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

interface Init {
  file: string;
  name: string;
  clock?: SharedArrayBuffer;
  containerFile: string;
}
interface Invoke {
  id: number;
  event: string;
  context: { awsRequestId: string; deadline: number; invokedFunctionArn: string; memoryLimitInMB: string; functionVersion: string };
}

const init = workerData as Init;
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

async function main(): Promise<void> {
  if (init.clock) {
    // The runtime's manual test clock, shared: the parent writes its epoch milliseconds.
    const now = new BigInt64Array(init.clock);
    const { useClock } = (await import(pathToFileURL(init.containerFile).href)) as { useClock(c: { now(): Date }): void };
    useClock({ now: () => new Date(Number(Atomics.load(now, 0))) });
  }
  const { handler } = (await import(pathToFileURL(init.file).href)) as { handler: Handler };
  parentPort!.on('message', async (m: Invoke) => {
    const context = {
      functionName: init.name,
      functionVersion: m.context.functionVersion,
      invokedFunctionArn: m.context.invokedFunctionArn,
      memoryLimitInMB: m.context.memoryLimitInMB,
      awsRequestId: m.context.awsRequestId,
      logGroupName: `/aws/lambda/${init.name}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, m.context.deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      const result = await handler(JSON.parse(m.event), context);
      parentPort!.postMessage({ id: m.id, ok: true, result: JSON.stringify(result ?? null) });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      let fields: Record<string, unknown> = {};
      try {
        fields = JSON.parse(JSON.stringify({ ...err }));
      } catch {
        /* not serializable: name and message suffice */
      }
      parentPort!.postMessage({ id: m.id, ok: false, error: { ...fields, name: err.name, message: err.message, stack: err.stack } });
    }
  });
  parentPort!.postMessage({ ready: true });
}

main().catch((e) => parentPort!.postMessage({ ready: false, error: { name: (e as Error).name, message: (e as Error).message, stack: (e as Error).stack } }));
