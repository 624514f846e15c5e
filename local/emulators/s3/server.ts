/**
 * A local S3-compatible object store (path-style) for the S3 calls the product makes:
 * PutObject, GetObject, HeadObject, DeleteObject, ListObjectsV2, and presigned URLs (their
 * expiry is enforced). Objects live as files under a directory laid out like the bucket,
 * with a JSON sidecar for content type, metadata and Object Lock retention.
 *
 * S3's rules it keeps (each tested in test/integration/s3-semantics.test.ts, with the S3
 * documentation it follows):
 * - Object Lock buckets (`objectLockBuckets`, from the template's ObjectLockEnabled) are
 *   versioned: a put over an existing key makes a new current version, a delete without a
 *   version id leaves a delete marker; the versions underneath are kept (under `.__versions/`),
 *   and a locked version cannot be deleted (`?versionId=`) before its retain-until date
 *   (COMPLIANCE: 403 AccessDenied).
 * - A put into an Object Lock bucket needs Content-MD5 or an `x-amz-checksum-*` header (or
 *   trailer): 400 InvalidRequest otherwise.
 * - Conditional writes: `If-None-Match: *` on an existing key -> 412 PreconditionFailed.
 * - aws-chunked bodies (the SDK's streaming checksums) are decoded.
 * Signatures are not verified, and a missing key is 404 here: the IAM check in front of it
 * (local/emulators/iam/authorizer.ts) answers 403 to a caller that may not s3:ListBucket the key.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve, sep } from 'node:path';

interface Meta {
  contentType: string;
  etag: string;
  metadata: Record<string, string>;
  retainUntil?: string;
  lastModified: string;
  size: number;
  versionId?: string;
  contentEncoding?: string;
}

export interface S3ServerOptions {
  /** Buckets created with Object Lock (versioned, checksums required on put). */
  objectLockBuckets?: string[];
}

/** Decodes an aws-chunked body (`<hex-size>[;chunk-signature=..]\r\n<data>\r\n ... 0\r\n<trailers>\r\n`). */
export function decodeAwsChunked(body: Buffer): { data: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let i = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(body.subarray(i, eol).toString('latin1').split(';')[0], 16);
    i = eol + 2;
    if (!size) {
      for (const line of body.subarray(i).toString('latin1').split('\r\n')) {
        const c = line.indexOf(':');
        if (c > 0) trailers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
      break;
    }
    parts.push(body.subarray(i, i + size));
    i += size + 2;
  }
  return { data: Buffer.concat(parts), trailers };
}

const CHECKSUM_HEADERS = ['x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256'];

const xml = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
};
const error = (res: ServerResponse, status: number, code: string, message: string) =>
  xml(res, status, `<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startS3Server(
  root: string,
  port = 0,
  host = '127.0.0.1',
  now: () => Date = () => new Date(),
  options: S3ServerOptions = {},
): Promise<{ server: Server; url: string }> {
  const base = resolve(root);
  const lockBuckets = new Set(options.objectLockBuckets ?? []);
  /** Where the non-current versions of an object (and its delete markers' predecessors) are kept. */
  const versionsDir = (p: string) => `${p}.__versions`;
  const keepVersion = (p: string, meta: Meta) => {
    const dir = versionsDir(p);
    const id = meta.versionId ?? `v${Date.parse(meta.lastModified) || 0}`;
    mkdirSync(dir, { recursive: true });
    renameSync(p, join(dir, id));
    renameSync(`${p}.__meta.json`, join(dir, `${id}.meta`));
  };
  const versionMeta = (p: string, id: string): Meta | undefined => {
    const f = join(versionsDir(p), `${id.replace(/[^\w.-]/g, '')}.meta`);
    return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
  };
  const pathOf = (bucket: string, key: string): string | undefined => {
    const p = resolve(base, bucket, key);
    // No key may escape its bucket's folder.
    return p.startsWith(resolve(base, bucket) + sep) ? p : undefined;
  };
  const metaOf = (p: string): Meta | undefined => (existsSync(`${p}.__meta.json`) ? JSON.parse(readFileSync(`${p}.__meta.json`, 'utf8')) : undefined);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Browsers upload attachments here directly with presigned URLs (the bucket's CORS rule on AWS).
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'etag');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'PUT, GET, HEAD',
        'access-control-allow-headers': 'content-type, x-amz-*',
        'access-control-max-age': '600',
      });
      return res.end();
    }
    const url = new URL(req.url ?? '/', 'http://local');
    const [bucket, ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (!bucket || !/^[a-z0-9.-]{3,63}$/.test(bucket)) return error(res, 400, 'InvalidBucketName', 'Invalid bucket');
    const expires = url.searchParams.get('X-Amz-Expires');
    const date = url.searchParams.get('X-Amz-Date');
    if (expires && date) {
      const signedAt = Date.parse(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      if (now().getTime() > signedAt + Number(expires) * 1000) return error(res, 403, 'AccessDenied', 'Request has expired');
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    let trailers: Record<string, string> = {};
    if (String(req.headers['content-encoding'] ?? '').includes('aws-chunked') || String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')) {
      ({ data: body, trailers } = decodeAwsChunked(body));
    }

    if (!key) {
      if (req.method !== 'GET') return error(res, 405, 'MethodNotAllowed', 'Only ListObjectsV2 on a bucket');
      const prefix = url.searchParams.get('prefix') ?? '';
      const dir = resolve(base, bucket);
      const files: string[] = [];
      const walk = (d: string) => {
        if (!existsSync(d)) return;
        for (const f of readdirSync(d)) {
          const p = join(d, f);
          if (f.endsWith('.__versions')) continue;
          if (statSync(p).isDirectory()) walk(p);
          else if (!/\.__meta\.(json|tmp)$/.test(f) && existsSync(`${p}.__meta.json`)) files.push(relative(dir, p).split(sep).join('/'));
        }
      };
      walk(dir);
      // (Non-current versions live in `<key>.__versions/`: not listed.)
      const keys = files.filter((k) => k.startsWith(prefix)).sort();
      return xml(
        res,
        200,
        `<ListBucketResult><Name>${esc(bucket)}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${keys
          .map((k) => {
            const m = metaOf(join(dir, k));
            return `<Contents><Key>${esc(k)}</Key><Size>${m?.size ?? 0}</Size><ETag>"${m?.etag ?? ''}"</ETag><LastModified>${m?.lastModified ?? ''}</LastModified></Contents>`;
          })
          .join('')}</ListBucketResult>`,
      );
    }
    const p = pathOf(bucket, key);
    if (!p) return error(res, 400, 'InvalidArgument', 'Invalid key');
    const meta = metaOf(p);
    const locked = meta?.retainUntil && new Date(meta.retainUntil) > now();
    const versioned = lockBuckets.has(bucket);
    const versionId = url.searchParams.get('versionId');
    switch (req.method) {
      case 'PUT': {
        // "Content-MD5 or x-amz-sdk-checksum-algorithm header is required for any request to upload an object with a retention period configured using Amazon S3 Object Lock" (PutObject).
        const checksum =
          req.headers['content-md5'] ||
          CHECKSUM_HEADERS.some((h) => req.headers[h] || trailers[h]) ||
          /x-amz-checksum-/.test(String(req.headers['x-amz-trailer'] ?? ''));
        if (versioned && !checksum)
          return error(
            res,
            400,
            'InvalidRequest',
            'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
          );
        if (req.headers['if-none-match'] === '*' && meta && existsSync(p))
          return error(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        if (!versioned && locked) return error(res, 403, 'AccessDenied', 'Object is protected by Object Lock retention');
        // A versioned bucket keeps the current version (locked or not) underneath the new one.
        if (versioned && meta && existsSync(p)) keepVersion(p, meta);
        const etag = createHash('md5').update(body).digest('hex');
        const metadata = Object.fromEntries(
          Object.entries(req.headers)
            .filter(([k]) => k.startsWith('x-amz-meta-'))
            .map(([k, v]) => [k.slice(11), String(v)]),
        );
        const retainUntil = req.headers['x-amz-object-lock-retain-until-date'] ? String(req.headers['x-amz-object-lock-retain-until-date']) : undefined;
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, body);
        const newVersion = versioned
          ? `${now().getTime().toString(36)}${createHash('md5').update(`${p}${Math.random()}`).digest('hex').slice(0, 10)}`
          : undefined;
        const m: Meta = {
          contentType: String(req.headers['content-type'] ?? 'application/octet-stream'),
          etag,
          metadata,
          retainUntil,
          lastModified: now().toISOString(),
          size: body.length,
          ...(newVersion ? { versionId: newVersion } : {}),
          ...(req.headers['content-encoding'] && !String(req.headers['content-encoding']).includes('aws-chunked')
            ? { contentEncoding: String(req.headers['content-encoding']) }
            : {}),
        };
        // The object exists once its metadata does (GET needs both): written last, and whole (write-and-rename), so a crash leaves no torn or half-locked object.
        writeFileSync(`${p}.__meta.tmp`, JSON.stringify(m));
        renameSync(`${p}.__meta.tmp`, `${p}.__meta.json`);
        res.writeHead(200, { etag: `"${etag}"`, ...(newVersion ? { 'x-amz-version-id': newVersion } : {}) });
        return res.end();
      }
      case 'GET':
      case 'HEAD': {
        if (versionId) {
          const vm = meta?.versionId === versionId ? meta : versionMeta(p, versionId);
          if (!vm) return req.method === 'HEAD' ? res.writeHead(404).end() : error(res, 404, 'NoSuchVersion', 'The specified version does not exist.');
          const file = vm === meta ? p : join(versionsDir(p), versionId);
          res.writeHead(200, {
            'content-type': vm.contentType,
            'content-length': String(vm.size),
            etag: `"${vm.etag}"`,
            'x-amz-version-id': versionId,
            ...(vm.retainUntil ? { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': vm.retainUntil } : {}),
          });
          return res.end(req.method === 'GET' ? readFileSync(file) : undefined);
        }
        if (!meta || !existsSync(p))
          return req.method === 'HEAD' ? res.writeHead(404).end() : error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        const headers: Record<string, string> = {
          'content-type': meta.contentType,
          'content-length': String(meta.size),
          etag: `"${meta.etag}"`,
          'last-modified': new Date(meta.lastModified).toUTCString(),
          ...Object.fromEntries(Object.entries(meta.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v])),
          ...(meta.retainUntil ? { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': meta.retainUntil } : {}),
          ...(meta.versionId ? { 'x-amz-version-id': meta.versionId } : {}),
        };
        res.writeHead(200, headers);
        return res.end(req.method === 'GET' ? readFileSync(p) : undefined);
      }
      case 'DELETE': {
        if (versioned && versionId) {
          // Deleting a version: refused while it is locked (compliance mode: no one may).
          const vm = meta?.versionId === versionId ? meta : versionMeta(p, versionId);
          if (vm?.retainUntil && new Date(vm.retainUntil) > now())
            return error(res, 403, 'AccessDenied', 'Access Denied because object protected by object lock.');
          if (vm === meta && meta) {
            rmSync(p, { force: true });
            rmSync(`${p}.__meta.json`, { force: true });
          } else if (vm) {
            rmSync(join(versionsDir(p), versionId), { force: true });
            rmSync(join(versionsDir(p), `${versionId}.meta`), { force: true });
          }
          res.writeHead(204, { 'x-amz-version-id': versionId });
          return res.end();
        }
        if (versioned) {
          // A delete marker: the current version becomes non-current, kept (and still locked).
          if (meta && existsSync(p)) keepVersion(p, meta);
          res.writeHead(204, { 'x-amz-delete-marker': 'true' });
          return res.end();
        }
        if (locked) return error(res, 403, 'AccessDenied', 'Object is protected by Object Lock retention');
        rmSync(p, { force: true });
        rmSync(`${p}.__meta.json`, { force: true });
        res.writeHead(204);
        return res.end();
      }
      default:
        return error(res, 405, 'MethodNotAllowed', 'Not supported locally');
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => error(res, 500, 'InternalError', (e as Error).name));
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}
