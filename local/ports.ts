/**
 * Loopback ports for the local runtime's emulators and for tests. On a busy machine another
 * process can take a port between the probe and the listen (EADDRINUSE, found by the
 * busy-machine runs of issue 23): a port named long before it is listened on is held
 * (`reservePort`), and a process that binds a probed port later is started again on another
 * (`startOnFreePort`).
 */
import { createServer } from 'node:net';

/**
 * A port held open until `release()`: the API's port is named in the configuration long before
 * the gateway listens on it. Released right before the gateway listens.
 */
export function reservePort(): Promise<{ port: number; release(): Promise<void> }> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      ok({ port, release: () => new Promise<void>((done) => srv.close(() => done())) });
    });
  });
}

/** A loopback port free now (held, then released at once). */
export async function freePort(): Promise<number> {
  const { port, release } = await reservePort();
  await release();
  return port;
}

/**
 * Starts a process that binds a port of its own choosing after a while (DynamoDB Local's JVM,
 * Dovecot): if another process took the probed port meanwhile, it fails, and it is tried on
 * another port (`attempts` in all).
 */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (e) {
      if (attempt >= attempts) throw e;
    }
  }
}
