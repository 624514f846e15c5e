/**
 * S3 for the functions (REST XML): PutObject (with Object Lock retention and a SHA-256
 * checksum), GetObject, HeadObject, ListObjectsV2, DeleteObject, and presigned PUT URLs.
 * Members are named as in the S3 API (Bucket, Key, ContentType, ...), and an object's body is
 * read as with the AWS SDK v3 (`Body.transformToByteArray()` / `transformToString()`).
 *
 * Virtual-hosted addressing (<bucket>.s3.<region>.amazonaws.com), or path-style
 * (<endpoint>/<bucket>/<key>) when `forcePathStyle` is set (the local object store), when the
 * endpoint is an IP address or localhost, or when the bucket's name does not fit in a host
 * name's label (dots would break the TLS certificate's wildcard).
 * Errors by their code: NoSuchKey (GET), NotFound (HEAD: no body, named by the status, as the
 * SDK does), AccessDenied / Forbidden, ...
 */
import { createHash } from 'node:crypto';
import { AwsClient, presignUrl, type ClientOptions } from './signed-request.ts';
import { decodeXml, xmlError } from './errors.ts';

/** RFC 3986: encodeURIComponent and the four characters it leaves (S3 signs the path so encoded). */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const encodeKey = (key: string) => key.split('/').map(encode).join('/');
const query = (params: Record<string, string | undefined>) =>
  Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `${encode(k)}=${encode(v!)}`).join('&');

/** What the AWS SDK v3 hands back as an object's body, read whole. */
export interface Payload {
  transformToByteArray(): Promise<Uint8Array>;
  transformToString(encoding?: BufferEncoding): Promise<string>;
}

export interface PutObjectInput {
  Bucket: string;
  Key: string;
  Body: string | Uint8Array;
  ContentType?: string;
  ContentEncoding?: string;
  Metadata?: Record<string, string>;
  ObjectLockMode?: 'COMPLIANCE' | 'GOVERNANCE';
  ObjectLockRetainUntilDate?: Date;
  /** SHA256: the body's checksum is sent (x-amz-checksum-sha256) and verified by S3; Object Lock writes need one. */
  ChecksumAlgorithm?: 'SHA256';
}

export interface HeadObjectOutput {
  ContentLength?: number;
  ContentType?: string;
  ContentEncoding?: string;
  ETag?: string;
  LastModified?: Date;
  Metadata: Record<string, string>;
  ObjectLockMode?: string;
  ObjectLockRetainUntilDate?: Date;
}

export interface ListObjectsV2Output {
  Contents?: { Key?: string; Size?: number; ETag?: string; LastModified?: Date }[];
  IsTruncated?: boolean;
  NextContinuationToken?: string;
  KeyCount?: number;
}

const text = (xml: string, tag: string) => {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? decodeXml(m[1]) : undefined;
};

export class S3 {
  private readonly client: AwsClient;
  private readonly forcePathStyle: boolean;

  constructor(options: ClientOptions & { forcePathStyle?: boolean } = {}) {
    const { forcePathStyle, ...rest } = options;
    this.client = new AwsClient({ signingName: 's3', endpointPrefix: 's3', envId: 'S3' }, (r) => xmlError(r.status, r.headers, r.body), rest);
    this.forcePathStyle = forcePathStyle ?? false;
  }

  /** The host (virtual-hosted bucket) and path of an object, or of the bucket when key is undefined. */
  private address(bucket: string, key?: string): { host?: string; path: string } {
    const hostname = this.client.endpoint.hostname;
    const pathStyle = this.forcePathStyle || !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)
      || /^\d+\.\d+\.\d+\.\d+$|^\[|^localhost$/.test(hostname);
    const keyPath = key === undefined ? '' : `/${encodeKey(key)}`;
    return pathStyle ? { path: `/${bucket}${keyPath}` } : { host: `${bucket}.${this.client.host}`, path: keyPath || '/' };
  }

  async putObject(input: PutObjectInput): Promise<{ ETag?: string }> {
    const body = typeof input.Body === 'string' ? Buffer.from(input.Body, 'utf8') : input.Body;
    // (Without a type of our own the signer would send a form's.)
    const headers: Record<string, string> = { 'Content-Type': input.ContentType ?? 'application/octet-stream' };
    if (input.ContentEncoding) headers['Content-Encoding'] = input.ContentEncoding;
    for (const [k, v] of Object.entries(input.Metadata ?? {})) headers[`x-amz-meta-${k.toLowerCase()}`] = v;
    if (input.ObjectLockMode) headers['x-amz-object-lock-mode'] = input.ObjectLockMode;
    if (input.ObjectLockRetainUntilDate) headers['x-amz-object-lock-retain-until-date'] = input.ObjectLockRetainUntilDate.toISOString().replace(/\.000Z$/, 'Z');
    if (input.ChecksumAlgorithm === 'SHA256') {
      headers['x-amz-sdk-checksum-algorithm'] = 'SHA256';
      headers['x-amz-checksum-sha256'] = createHash('sha256').update(body).digest('base64');
    }
    const out = await this.client.send({ method: 'PUT', ...this.address(input.Bucket, input.Key), headers, body });
    return { ETag: out.headers.etag };
  }

  async getObject(input: { Bucket: string; Key: string; Range?: string }): Promise<HeadObjectOutput & { Body: Payload }> {
    const out = await this.client.send({ method: 'GET', ...this.address(input.Bucket, input.Key), headers: input.Range ? { Range: input.Range } : {} });
    const bytes = out.body;
    return {
      ...headersOf(out.headers),
      Body: { transformToByteArray: async () => bytes, transformToString: async (encoding: BufferEncoding = 'utf8') => bytes.toString(encoding) },
    };
  }

  async headObject(input: { Bucket: string; Key: string }): Promise<HeadObjectOutput> {
    const out = await this.client.send({ method: 'HEAD', ...this.address(input.Bucket, input.Key) });
    return headersOf(out.headers);
  }

  async deleteObject(input: { Bucket: string; Key: string }): Promise<void> {
    await this.client.send({ method: 'DELETE', ...this.address(input.Bucket, input.Key) });
  }

  async listObjectsV2(input: { Bucket: string; Prefix?: string; ContinuationToken?: string; MaxKeys?: number }): Promise<ListObjectsV2Output> {
    const { host, path } = this.address(input.Bucket);
    const q = query({ 'list-type': '2', prefix: input.Prefix, 'continuation-token': input.ContinuationToken, 'max-keys': input.MaxKeys?.toString() });
    const out = await this.client.send({ method: 'GET', host, path: `${path}?${q}` });
    const xml = out.body.toString('utf8');
    const contents = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, c]) => {
      const modified = text(c, 'LastModified');
      return { Key: text(c, 'Key'), Size: Number(text(c, 'Size') ?? 0), ETag: text(c, 'ETag'), ...(modified ? { LastModified: new Date(modified) } : {}) };
    });
    const token = text(xml, 'NextContinuationToken');
    return { Contents: contents, IsTruncated: text(xml, 'IsTruncated') === 'true', KeyCount: Number(text(xml, 'KeyCount') ?? contents.length), ...(token ? { NextContinuationToken: token } : {}) };
  }

  /**
   * A presigned PUT of one object, valid `expiresIn` seconds. Content type and length are
   * signed: the upload must send exactly these. No checksum (the browser's body is unknown here).
   */
  presignPutObject(input: { Bucket: string; Key: string; ContentType: string; ContentLength: number }, expiresIn: number, now = new Date()): string {
    const { host, path } = this.address(input.Bucket, input.Key);
    return presignUrl({
      method: 'PUT', protocol: this.client.endpoint.protocol, host: host ?? this.client.host, path: `${this.client.basePath}${path}`,
      headers: { 'Content-Type': input.ContentType, 'Content-Length': String(input.ContentLength) },
      service: 's3', region: this.client.region, credentials: this.client.currentCredentials(), expiresIn, now,
    });
  }
}

function headersOf(h: import('node:http').IncomingHttpHeaders): HeadObjectOutput {
  const one = (name: string) => { const v = h[name]; return Array.isArray(v) ? v[0] : v; };
  const date = (v: string | undefined) => (v ? new Date(v) : undefined);
  const out: HeadObjectOutput = {
    Metadata: Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith('x-amz-meta-')).map(([k, v]) => [k.slice(11), String(v)])),
  };
  const length = one('content-length');
  if (length !== undefined) out.ContentLength = Number(length);
  if (one('content-type')) out.ContentType = one('content-type');
  if (one('content-encoding')) out.ContentEncoding = one('content-encoding');
  if (one('etag')) out.ETag = one('etag');
  if (one('last-modified')) out.LastModified = date(one('last-modified'));
  if (one('x-amz-object-lock-mode')) out.ObjectLockMode = one('x-amz-object-lock-mode');
  if (one('x-amz-object-lock-retain-until-date')) out.ObjectLockRetainUntilDate = date(one('x-amz-object-lock-retain-until-date'));
  return out;
}
