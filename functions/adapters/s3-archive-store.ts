/**
 * ArchiveStore on S3: records as gzipped JSON under Object Lock retention (compliance mode),
 * staging parts as plain JSON (an array of items each). The same calls reach the local object
 * store locally.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ArchiveRecord, StagedPart, StoredItem } from '../domain/archive.ts';
import { stagedPart, stagingPrefix } from '../domain/archive.ts';
import type { ArchiveStore } from '../domain/ports.ts';

const status = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const isMissing = (e: unknown) => (e as Error).name === 'NotFound' || (e as Error).name === 'NoSuchKey' || status(e) === 404;

export class S3ArchiveStore implements ArchiveStore {
  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly bucket: string,
    private readonly attachmentsBucket: string,
  ) {}

  private async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  private async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(out.Contents ?? []).map((o) => o.Key!).filter(Boolean));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async stagedParts(reference: string): Promise<StagedPart[]> {
    return (await this.listKeys(stagingPrefix(reference))).map((k) => stagedPart(k)).filter((p): p is StagedPart => p !== undefined);
  }

  async readStaged(keys: string[]): Promise<{ key: string; items: StoredItem[] }[]> {
    return Promise.all(
      keys.map(async (key) => {
        let out: GetObjectCommandOutput;
        try {
          out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        } catch (e) {
          // Cleared since it was listed: its complaint was archived meanwhile.
          if (isMissing(e)) return { key, items: [] };
          throw e;
        }
        const body = JSON.parse(await out.Body!.transformToString()) as StoredItem[] | StoredItem;
        // An object of the earlier layout holds one item.
        return { key, items: Array.isArray(body) ? body : [body] };
      }),
    );
  }

  async putStaged(key: string, items: StoredItem[]): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(items), ContentType: 'application/json' }));
  }

  async deleteStaged(keys: string[]): Promise<void> {
    // One DeleteObject each, side by side: a complaint has few staged objects, and S3 bills no DELETE request.
    await Promise.all(keys.map((Key) => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }))));
  }

  async parts(reference: string): Promise<StoredItem[]> {
    return (await this.readStaged((await this.stagedParts(reference)).map((p) => p.key))).flatMap((o) => o.items);
  }

  async stagedReferences(): Promise<string[]> {
    return [...new Set((await this.listKeys('staging/')).map((k) => k.split('/')[1]).filter(Boolean))];
  }

  async putRecord(key: string, record: ArchiveRecord, retainUntil: string): Promise<'written' | 'exists'> {
    if (await this.exists(this.bucket, key)) return 'exists';
    const body = gzipSync(JSON.stringify(record));
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          ContentEncoding: 'gzip',
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: new Date(retainUntil),
          // Object Lock puts need a checksum: the SDK computes and sends x-amz-checksum-sha256. The
          // object's own SHA-256 is also kept in its metadata.
          ChecksumAlgorithm: 'SHA256',
          Metadata: { sha256: createHash('sha256').update(body).digest('hex'), reference: record.reference, 'history-digest': record.integrity.historyDigest },
        }),
      );
      return 'written';
    } catch (e) {
      // Written concurrently by another delivery of the same record, and locked since.
      if (status(e) === 403 && (await this.exists(this.bucket, key))) return 'exists';
      throw e;
    }
  }

  async getRecord(key: string): Promise<ArchiveRecord | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = Buffer.from(await out.Body!.transformToByteArray());
      // Stored gzipped; an HTTP layer that honoured Content-Encoding hands it back plain.
      const json = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      return JSON.parse(json) as ArchiveRecord;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async copyAttachment(sourceKey: string, destKey: string, retainUntil: string): Promise<'written' | 'exists' | 'source-missing'> {
    if (await this.exists(this.bucket, destKey)) return 'exists';
    let out: GetObjectCommandOutput;
    try {
      out = await this.s3.send(new GetObjectCommand({ Bucket: this.attachmentsBucket, Key: sourceKey }));
    } catch (e) {
      if (isMissing(e) || status(e) === 403) return 'source-missing';
      throw e;
    }
    const body = await out.Body!.transformToByteArray();
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: destKey,
        Body: body,
        ContentType: out.ContentType ?? 'application/octet-stream',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(retainUntil),
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    return 'written';
  }
}
