/** Starts the product exactly as `npm start` does (a child process running local/start.ts). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';

const ROOT = join(import.meta.dirname, '..', '..');

export interface RuntimeProcess {
  child: ChildProcess;
  apiUrl: string;
  sfnEndpoint: string;
  dynamoEndpoint: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /**
   * Kills the product's processes at once (SIGKILL), then stops DynamoDB Local - the store, which on
   * AWS does not go down with the functions and keeps every write it acknowledged. Needs `crashable`.
   */
  crash(): Promise<void>;
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone already */
  }
}

/** Waits until none of the processes is alive (SIGKILL after `ms`). */
async function gone(pids: number[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  const alive = () =>
    pids.filter(
      (pid) =>
        spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
          .stdout.trim()
          .replace(/^Z.*/, '') !== '',
    );
  for (let left = alive(); left.length; left = alive()) {
    if (Date.now() > end) for (const pid of left) killQuietly(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `crashable`: the runtime gets a process group of its own, so that crash() can kill all of it. */
export async function startRuntimeProcess(env: Record<string, string>, opts: { crashable?: boolean } = {}): Promise<RuntimeProcess> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'node'), ['--import', 'tsx', 'local/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', SMTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.crashable ?? false,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    // A start that never finishes is stopped (SIGTERM: local/start.ts stops DynamoDB Local and the
    // rest), so that a slow machine leaves no runtime behind for the next test file.
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`runtime did not start within 120 s:\n${out}`));
    }, 120_000);
    const check = () => {
      if (out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with ${code}:\n${out}`));
    });
  });
  const pick = (label: string) => new RegExp(`${label}:\\s+(http://[\\d.:]+)`).exec(out)![1];
  return {
    child,
    apiUrl: pick('API'),
    sfnEndpoint: pick('Step Functions'),
    dynamoEndpoint: pick('DynamoDB Local'),
    output: () => out,
    crash: async () => {
      if (!opts.crashable) throw new Error('started without crashable');
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The product (its API, functions, workflow engine) dies at once, mid-request. DynamoDB Local
      // is the store: DynamoDB on AWS never loses a write it acknowledged, but DynamoDB Local's JVM
      // does when SIGKILLed (docs/testing.md: measured 3 of 318 acknowledged transactions lost) -
      // so it is stopped after the product, with SIGTERM, and waited for.
      const group = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' })
        .stdout.split('\n')
        .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) === child.pid);
      const store = group.filter((m) => m[3].includes('DynamoDBLocal.jar')).map((m) => Number(m[1]));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      for (const m of group) if (!store.includes(Number(m[1]))) killQuietly(Number(m[1]), 'SIGKILL');
      await exited;
      for (const pid of store) killQuietly(pid, 'SIGTERM');
      await gone(store, 30_000);
    },
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/**
 * The e2e files' teardown: the browser contexts and the browser, then the runtime - SIGTERM, so
 * that it stops DynamoDB Local with it (SIGKILL would leave the Java process behind), SIGKILL
 * after 30 s - and the folders it used.
 */
export async function tearDown(parts: {
  contexts?: { close(): Promise<unknown> }[];
  browser?: { close(): Promise<unknown> };
  runtime?: RuntimeProcess;
  dirs: string[];
}): Promise<void> {
  for (const c of parts.contexts ?? []) await c.close().catch(() => undefined);
  await parts.browser?.close();
  const { runtime } = parts;
  if (runtime && (await Promise.race([runtime.stop('SIGTERM'), new Promise((r) => setTimeout(() => r('timeout'), 30_000))])) === 'timeout')
    await runtime.stop('SIGKILL');
  for (const d of parts.dirs) rmSync(d, { recursive: true, force: true });
}
