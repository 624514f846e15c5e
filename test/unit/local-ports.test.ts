/**
 * The local runtime's ports on a busy machine (issue 23): the API's port is held from the moment
 * the configuration names it until the gateway listens, and a process that binds a probed port
 * later (DynamoDB Local) is started again on another port when that one was taken meanwhile.
 */
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { reservePort, startOnFreePort } from '../../local/ports.ts';

const listen = (port: number): Promise<Server> =>
  new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(port, '127.0.0.1', () => ok(srv));
  });
const close = (srv: Server) => new Promise<void>((done) => srv.close(() => done()));

describe('local runtime ports', () => {
  it('a reserved port cannot be taken by anyone else until it is released, then it can be listened on', async () => {
    const reserved = await reservePort();
    expect(reserved.port).toBeGreaterThan(0);
    await expect(listen(reserved.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await reserved.release();
    const srv = await listen(reserved.port);
    expect((srv.address() as { port: number }).port).toBe(reserved.port);
    await close(srv);
  });

  it('a start that fails on a taken port is tried again on another port, three times at most', async () => {
    const ports: number[] = [];
    const started = await startOnFreePort(async (port) => {
      ports.push(port);
      if (ports.length < 3) throw new Error(`port ${port} taken`);
      return `on ${port}`;
    });
    expect(ports).toHaveLength(3);
    expect(started).toBe(`on ${ports[2]}`);
    const tried: number[] = [];
    await expect(
      startOnFreePort(async (port) => {
        tried.push(port);
        throw new Error(`taken ${tried.length}`);
      }),
    ).rejects.toThrow('taken 3');
    expect(tried).toHaveLength(3);
  });
});
