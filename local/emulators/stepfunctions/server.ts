/**
 * The local Step Functions endpoint: speaks the service's AWS JSON 1.0 protocol
 * (POST /, X-Amz-Target: AWSStepFunctions.<Operation>), so the functions' AWS SDK client
 * (functions/wiring/workflow-client.ts) - and the tests' - work unchanged with
 * AWS_ENDPOINT_URL_SFN pointing here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfnError, type LocalStepFunctions } from './engine.ts';

const OPERATIONS = {
  StartExecution: 'startExecution',
  DescribeExecution: 'describeExecution',
  StopExecution: 'stopExecution',
  SendTaskSuccess: 'sendTaskSuccess',
  SendTaskFailure: 'sendTaskFailure',
  SendTaskHeartbeat: 'sendTaskHeartbeat',
  ListExecutions: 'listExecutions',
  GetExecutionHistory: 'getExecutionHistory',
} as const;

export async function startStepFunctionsServer(engine: LocalStepFunctions, port = 0, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      // Local only (not an AWS operation): what the throttling refused or delayed so far.
      if (req.method === 'GET' && req.url === '/__local/throttling') return reply(200, { enabled: !!engine.throttle, ...engine.throttle?.stats });
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.replace(/^AWSStepFunctions\./, '') as keyof typeof OPERATIONS;
      const method = OPERATIONS[op];
      if (!method) return reply(400, { __type: 'UnknownOperationException', message: `Operation ${target} is not supported locally` });
      // The service's token bucket for this action, when throttling is configured.
      if (engine.throttle && !engine.throttle.admit(op)) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'ThrottlingException' });
        return res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      }
      try {
        const input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        reply(200, (engine[method] as (p: unknown) => unknown).call(engine, input));
      } catch (e) {
        if (e instanceof SfnError) return reply(400, { __type: e.type, message: e.message });
        reply(500, { __type: 'InternalFailure', message: (e as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${actual}` };
}
