/**
 * startRuntime (local/runtime.ts) is a sequence of steps; a step that fails stops what the steps
 * before it started. Here the inbound SMTP port is taken, so the email-intake step fails after
 * DynamoDB Local, S3, the mail catcher, the functions and the Step Functions endpoint are up:
 * start-up must reject with that error, and none of them may be left listening.
 * A runtime of its own (no IAM check, DynamoDB in memory, functions started on demand), beside
 * the suite's shared one, which it does not touch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRuntime } from '../../local/runtime.ts';

const listen = (): Promise<Server> =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => ok(s));
  });
const answers = (url: string) =>
  fetch(url, { method: 'POST', body: '{}' }).then(
    () => true,
    () => false,
  );

describe('a start that fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'complaints-start-'));
  const env = { ...process.env };
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    process.env = env; // startRuntime configures the handlers through process.env
  });

  it("rejects with the failing step's error and stops every part started before it", async () => {
    const taken = await listen();
    const smtpPort = (taken.address() as { port: number }).port;
    const seen: Record<string, string> = {};
    try {
      const start = startRuntime({
        port: 0,
        dataDir: dir,
        region: 'uk',
        clockAt: new Date('2026-03-02T01:00:00Z'),
        smtpPort,
        iam: false,
        dynamoInMemory: true,
        warmFunctions: false,
        faultInjection: false,
        // Called as DynamoDB Local and S3 come up: both answer then.
        endpointFor: async (service, endpoint) => {
          expect(await answers(endpoint), `${service} answers while starting`).toBe(true);
          seen[service] = endpoint;
          return endpoint;
        },
      });
      await expect(start).rejects.toThrow(/EADDRINUSE/);
    } finally {
      taken.close();
    }
    expect(Object.keys(seen).sort()).toEqual(['dynamodb', 's3']);
    // Started before the intake, on the endpoints the handlers were given: all closed now.
    const functionsUsed = {
      sfn: process.env.AWS_ENDPOINT_URL_SFN!,
      ses: process.env.AWS_ENDPOINT_URL_SESV2!,
      dynamodbViaIam: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    };
    for (const [what, url] of Object.entries({ ...seen, ...functionsUsed })) expect(await answers(url), `${what} (${url}) still answers`).toBe(false);
  }, 240_000); // a whole start-up (a JVM, a function's worker) on a shared machine
});
