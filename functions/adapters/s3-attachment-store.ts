/** AttachmentStore on S3 (the local S3-compatible store locally: same calls, another endpoint). */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AttachmentStore } from '../domain/ports.ts';

const UPLOAD_URL_SECONDS = 300;
const SIGNED_UPLOAD_HEADERS = new Set(['content-type', 'content-length']);

export class S3AttachmentStore implements AttachmentStore {
  /**
   * `presigner`: the client that signs upload URLs - one without the SDK's default request
   * checksum (requestChecksumCalculation WHEN_REQUIRED), else the URL would carry the CRC32 of
   * an empty body (x-amz-checksum-crc32=AAAAAA==) and S3 would refuse the real upload.
   */
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => Date = () => new Date(),
    private readonly presigner: S3Client = s3,
  ) {}

  async presignUpload(key: string, contentType: string, size: number) {
    // Content type and length are signed: the upload must send exactly these.
    const url = await getSignedUrl(this.presigner, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: size }), {
      expiresIn: UPLOAD_URL_SECONDS,
      signingDate: this.now(),
      signableHeaders: SIGNED_UPLOAD_HEADERS,
    });
    return {
      url,
      method: 'PUT' as const,
      headers: { 'content-type': contentType },
      expiresAt: new Date(this.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    };
  }

  async head(key: string) {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: Number(out.ContentLength ?? 0), contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (e) {
      // Without s3:ListBucket, S3 answers a missing key's HEAD with 403: not uploaded either way.
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if ((e as { name?: string }).name === 'NotFound' || status === 404 || status === 403) return undefined;
      throw e;
    }
  }

  async put(key: string, body: Uint8Array, contentType: string, metadata?: Record<string, string>) {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata }));
  }

  async get(key: string, firstBytes?: number) {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(firstBytes ? { Range: `bytes=0-${firstBytes - 1}` } : {}) }));
      return out.Body ? await out.Body.transformToByteArray() : undefined;
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }
}
