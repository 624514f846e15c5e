/**
 * A local S3-compatible object store (path-style) for the S3 calls the product makes:
 * PutObject, GetObject, HeadObject, DeleteObject, ListObjectsV2, and presigned URLs (their
 * expiry is enforced). Objects live as files under a directory laid out like the bucket,
 * with a JSON sidecar for content type, metadata and Object Lock retention - a locked object
 * cannot be deleted or overwritten before its retain-until date, as in compliance mode.
 * Signatures are not verified: it listens on loopback only.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve, sep } from 'node:path';

interface Meta { contentType: string; etag: string; metadata: Record<string, string>; retainUntil?: string; lastModified: string; size: number }

const xml = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
};
const error = (res: ServerResponse, status: number, code: string, message: string) =>
  xml(res, status, `<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startS3Server(root: string, port = 0, host = '127.0.0.1', now: () => Date = () => new Date()): Promise<{ server: Server; url: string }> {
  const base = resolve(root);
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
      res.writeHead(204, { 'access-control-allow-methods': 'PUT, GET, HEAD', 'access-control-allow-headers': 'content-type, x-amz-*', 'access-control-max-age': '600' });
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
    const body = Buffer.concat(chunks);

    if (!key) {
      if (req.method !== 'GET') return error(res, 405, 'MethodNotAllowed', 'Only ListObjectsV2 on a bucket');
      const prefix = url.searchParams.get('prefix') ?? '';
      const dir = resolve(base, bucket);
      const files: string[] = [];
      const walk = (d: string) => { if (!existsSync(d)) return; for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (!/\.__meta\.(json|tmp)$/.test(f) && existsSync(`${p}.__meta.json`)) files.push(relative(dir, p).split(sep).join('/')); } };
      walk(dir);
      const keys = files.filter((k) => k.startsWith(prefix)).sort();
      return xml(res, 200, `<ListBucketResult><Name>${esc(bucket)}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${keys.map((k) => {
        const m = metaOf(join(dir, k));
        return `<Contents><Key>${esc(k)}</Key><Size>${m?.size ?? 0}</Size><ETag>"${m?.etag ?? ''}"</ETag><LastModified>${m?.lastModified ?? ''}</LastModified></Contents>`;
      }).join('')}</ListBucketResult>`);
    }
    const p = pathOf(bucket, key);
    if (!p) return error(res, 400, 'InvalidArgument', 'Invalid key');
    const meta = metaOf(p);
    const locked = meta?.retainUntil && new Date(meta.retainUntil) > now();
    switch (req.method) {
      case 'PUT': {
        if (locked) return error(res, 403, 'AccessDenied', 'Object is protected by Object Lock retention');
        const etag = createHash('md5').update(body).digest('hex');
        const metadata = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('x-amz-meta-')).map(([k, v]) => [k.slice(11), String(v)]));
        const retainUntil = req.headers['x-amz-object-lock-retain-until-date'] ? String(req.headers['x-amz-object-lock-retain-until-date']) : undefined;
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, body);
        const m: Meta = { contentType: String(req.headers['content-type'] ?? 'application/octet-stream'), etag, metadata, retainUntil, lastModified: now().toISOString(), size: body.length };
        // The object exists once its metadata does (GET needs both): written last, and whole (write-and-rename), so a crash leaves no torn or half-locked object.
        writeFileSync(`${p}.__meta.tmp`, JSON.stringify(m));
        renameSync(`${p}.__meta.tmp`, `${p}.__meta.json`);
        res.writeHead(200, { etag: `"${etag}"` });
        return res.end();
      }
      case 'GET':
      case 'HEAD': {
        if (!meta || !existsSync(p)) return req.method === 'HEAD' ? (res.writeHead(404), res.end()) : error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        const headers: Record<string, string> = {
          'content-type': meta.contentType, 'content-length': String(meta.size), etag: `"${meta.etag}"`, 'last-modified': new Date(meta.lastModified).toUTCString(),
          ...Object.fromEntries(Object.entries(meta.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v])),
          ...(meta.retainUntil ? { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': meta.retainUntil } : {}),
        };
        res.writeHead(200, headers);
        return res.end(req.method === 'GET' ? readFileSync(p) : undefined);
      }
      case 'DELETE': {
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
  const server = createServer((req, res) => { handle(req, res).catch((e) => error(res, 500, 'InternalError', (e as Error).name)); });
  await new Promise<void>((r) => server.listen(port, host, r));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}
