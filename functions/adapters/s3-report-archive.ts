/**
 * Reports in the locked archive bucket (reviews/: the periodic reviews, issue 20): each object
 * written once under Object Lock (compliance mode) until its retain-until date, and read back as
 * stored. A second put of the same key finds it there ('exists'): a review is never rewritten.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReportArchive } from '../domain/ports.ts';

const status = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const isMissing = (e: unknown) => (e as Error).name === 'NotFound' || (e as Error).name === 'NoSuchKey' || status(e) === 404;

export class S3ReportArchive implements ReportArchive {
  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly bucket: string,
  ) {}

  private async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async putReport(key: string, body: Uint8Array, contentType: string, retainUntil: string): Promise<'written' | 'exists'> {
    if (await this.exists(key)) return 'exists';
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: new Date(retainUntil),
          ChecksumAlgorithm: 'SHA256',
          Metadata: { sha256: createHash('sha256').update(body).digest('hex') },
        }),
      );
      return 'written';
    } catch (e) {
      if (status(e) === 403 && (await this.exists(key))) return 'exists';
      throw e;
    }
  }

  async getReport(key: string): Promise<{ body: Uint8Array; contentType: string } | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { body: await out.Body!.transformToByteArray(), contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }
}
