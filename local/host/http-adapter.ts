/**
 * The local API Gateway: turns each HTTP request into an HTTP API payload v2.0 event (the
 * shape of test/fixtures/events/apiGatewayProxyV2Event.json), routes it by the same
 * route table the CDK stack deploys, invokes the same handler, and writes its answer.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ROUTES, type RouteSpec } from '../../functions/functions.ts';
import type { LambdaHost } from './lambda-host.ts';

/** HTTP API's own payload limit; the handlers enforce the product's smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

/** Local only: the client address a test claims (see toEvent). */
export const LOCAL_SOURCE_HEADER = 'x-local-source-ip';

interface CompiledRoute {
  spec: RouteSpec;
  regex: RegExp;
  params: string[];
}

function compile(spec: RouteSpec): CompiledRoute {
  const params: string[] = [];
  const pattern = spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { spec, regex: new RegExp(`^${pattern}$`), params };
}

export function toEvent(req: IncomingMessage, body: Buffer, route: CompiledRoute | undefined, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined && k !== 'cookie' && k !== LOCAL_SOURCE_HEADER) headers[k] = Array.isArray(v) ? v.join(',') : v;
  // Tests act as several clients from one machine: the local gateway (loopback only) takes the
  // client's address from X-Local-Source-Ip when given. API Gateway has no such header.
  const claimed = req.headers[LOCAL_SOURCE_HEADER];
  const sourceIp = typeof claimed === 'string' && isIP(claimed.trim()) ? claimed.trim() : (req.socket.remoteAddress ?? '127.0.0.1');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] !== undefined ? `${query[k]},${v}` : v;
  const now = new Date();
  const routeKey = route ? `${route.spec.method} ${route.spec.path}` : '$default';
  const isText = /^(application\/(.+\+)?json|text\/|application\/x-www-form-urlencoded)/i.test(headers['content-type'] ?? '');
  const cookies = req.headers.cookie?.split(/;\s*/).filter(Boolean);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0],
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText } : { isBase64Encoded: false }),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
  };
}

/** A percent-encoded path segment, decoded; undefined when it is not valid percent-encoding of UTF-8. */
function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body) : undefined);
}

export interface JwtAuthorizer {
  verify(token: string): Promise<Record<string, unknown> | undefined>;
  claims(payload: Record<string, unknown>): Record<string, string>;
}

const unauthorized = {
  statusCode: 401,
  headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
  body: JSON.stringify({ message: 'Unauthorized' }),
};

export async function startHttpAdapter(
  lambdas: LambdaHost,
  options: { port: number; host?: string; authorizer?: JwtAuthorizer; extra?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean> },
): Promise<{ server: Server; url: string }> {
  const routes = ROUTES.map(compile);
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > GATEWAY_MAX_BODY)
          return send(res, { statusCode: 413, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
        chunks.push(c as Buffer);
      }
      if (options.extra && (await options.extra(req, res, Buffer.concat(chunks)))) return;
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      let match: { route: CompiledRoute; params: Record<string, string> } | undefined;
      for (const r of routes) {
        if (r.spec.method !== req.method) continue;
        const m = r.regex.exec(path);
        if (!m) continue;
        const params = r.params.map((p, i) => [p, decodeSegment(m[i + 1])] as const);
        // A path parameter that is not valid percent-encoding ("%E0%A4%A", "%ZZ") is the client's error, not ours.
        if (params.some(([, v]) => v === undefined))
          return send(res, { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Bad Request' }) });
        match = { route: r, params: Object.fromEntries(params) as Record<string, string> };
        break;
      }
      if (!match) return send(res, { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Not Found' }) });
      const event = toEvent(req, Buffer.concat(chunks), match.route, match.params);
      if (match.route.spec.auth === 'staff') {
        // As the HTTP API's JWT authorizer: no valid bearer token, no invocation.
        const token = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
        const payload = token && options.authorizer ? await options.authorizer.verify(token) : undefined;
        if (!payload) return send(res, unauthorized);
        (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims: options.authorizer!.claims(payload), scopes: null } };
      }
      const result = (await lambdas.invoke(match.route.spec.fn, event)) as APIGatewayProxyStructuredResultV2;
      send(res, result);
    } catch {
      // As API Gateway does when the integration fails: no detail leaks.
      send(res, { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal Server Error' }) });
    }
  });
  // A port that cannot be had is an error of the start (reported, and what was started is stopped), not a crash.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host ?? '127.0.0.1'}:${port}` };
}
