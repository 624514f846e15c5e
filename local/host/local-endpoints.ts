/**
 * The local runtime's own endpoints under /__local/ on the API port (no AWS counterpart; never
 * deployed): with a manual test clock, time
 * control (clock, tick); the emulators' controls (EventBridge rules, TTL sweep, stream drain,
 * parked records and their replay, faults, reconcile, orphan sweep); the mail catcher's sent mail.
 * Routes and bodies: docs/local-runtime.md and the README.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ManualClock } from '../../functions/shared/clock.ts';
import type { MailCatcher } from '../emulators/mail/catcher.ts';
import type { StreamPoller } from '../emulators/streams.ts';
import type { LocalTtl } from '../emulators/ttl.ts';
import type { FaultInjector } from './faults.ts';
import type { LambdaHost } from './lambda-host.ts';

export interface LocalEndpointParts {
  /** The manual test clock, when the runtime runs on one (time control is offered only then). */
  clock?: ManualClock;
  faults: FaultInjector;
  lambdas: LambdaHost;
  /** The EventBridge rules the runtime applies, on or off (POST /__local/rules). */
  rules: { WorkflowEnded: boolean };
  ttl: LocalTtl;
  poller: StreamPoller;
  mail: MailCatcher;
}

/** The /__local/ endpoints; answers every path under /__local/ (404 for unknown ones). */
export function localEndpoints({ clock, faults, lambdas, rules, ttl, poller, mail }: LocalEndpointParts) {
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const input = body.length ? JSON.parse(body.toString('utf8')) : {};
    // Lambda's Invoke API, for the operator's tools (`npm run replay` re-drives stream records
    // through it): the function's answer, or its error as Lambda reports one (X-Amz-Function-Error).
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    if (invoke && req.method === 'POST') {
      // The local TTL's deletions carry the service's identity, as the local event source mapping gives them.
      for (const r of (input as { Records?: { eventName?: string; userIdentity?: unknown; dynamodb?: { Keys?: never; OldImage?: never } }[] }).Records ?? [])
        if (r.eventName === 'REMOVE' && !r.userIdentity && ttl.deletedByTtl(r.dynamodb?.Keys, r.dynamodb?.OldImage))
          r.userIdentity = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };
      try {
        json(res, 200, (await lambdas.invoke(decodeURIComponent(invoke[1]), input)) ?? null);
      } catch (e) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
        res.end(JSON.stringify({ errorType: (e as Error).name, errorMessage: (e as Error).message }));
      }
      return true;
    }
    if (clock && path === '/__local/clock' && req.method === 'POST') {
      if (input.now) clock.set(new Date(input.now));
      if (input.advanceMs) clock.advance(Number(input.advanceMs));
      lambdas.syncClock();
      // TTL follows the runtime's clock: moving it lets what has expired go, as DynamoDB would.
      const expired = await ttl.sweep();
      json(res, 200, { now: clock.now().toISOString(), expired });
    } else if (clock && path === '/__local/tick' && req.method === 'POST') json(res, 200, await lambdas.invoke('DeadlineWatch', {}));
    // The quarterly schedule's run (the periodic reviews), at the manual clock's time.
    else if (clock && path === '/__local/reviews' && req.method === 'POST') json(res, 200, await lambdas.invoke('PeriodicReviews', {}));
    else if (path === '/__local/poll-mailbox' && req.method === 'POST') json(res, 200, await lambdas.invoke('MailboxPoller', {}));
    else if (path === '/__local/sweep' && req.method === 'POST') json(res, 200, await lambdas.invoke('ResumeOrphans', {}));
    else if (path === '/__local/rules' && req.method === 'POST') {
      for (const [k, v] of Object.entries(input)) if (k in rules && typeof v === 'boolean') rules[k as keyof typeof rules] = v;
      json(res, 200, rules);
    } else if (path === '/__local/rules') json(res, 200, rules);
    // The daily reconciliation of AWS (ReconcileArchive), on demand: `npm run reconcile`.
    else if (path === '/__local/reconcile' && req.method === 'POST') json(res, 200, await lambdas.invoke('ReconcileArchive', {}));
    else if (path === '/__local/ttl/sweep' && req.method === 'POST') json(res, 200, { expired: await ttl.sweep() });
    else if (path === '/__local/streams/drain' && req.method === 'POST') {
      await poller.drain();
      json(res, 200, { drained: true });
    } else if (path === '/__local/streams/parked' && req.method === 'GET') json(res, 200, poller.parked());
    else if (path === '/__local/streams/replay' && req.method === 'POST') json(res, 200, await poller.replayParked(input.consumer));
    else if (path === '/__local/faults') {
      const r = faults.admin(req.method ?? 'GET', input, new URL(req.url ?? '/', 'http://localhost').searchParams);
      json(res, r.status, r.body);
    } else if (path === '/__local/mail' && req.method === 'GET')
      json(
        res,
        200,
        mail.list().map((m) => ({ id: m.id, url: `/__local/mail/${m.id}` })),
      );
    else if (path.startsWith('/__local/mail/') && req.method === 'GET') {
      const id = path.slice('/__local/mail/'.length);
      const found = mail.list().find((m) => m.id === id);
      if (!found) json(res, 404, { message: 'Not Found' });
      else {
        res.writeHead(200, { 'content-type': 'message/rfc822; charset=utf-8' });
        res.end(readFileSync(found.file));
      }
    } else json(res, 404, { message: 'Not Found' });
    return true;
  };
}
