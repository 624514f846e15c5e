/**
 * The local S3 (local/emulators/s3/server.ts, behind the local IAM check for the functions) keeps the S3
 * rules the product depends on. Each rule cites the S3 documentation it follows.
 * Object Lock rules are exercised on the raw store (`s3Endpoint`, no IAM check: no role of the
 * product may delete object versions), the 403/404 rule through the functions' endpoint.
 */
import { describe, expect, inject, it } from 'vitest';
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const region = inject('awsRegion');
const operator = new S3Client({
  endpoint: inject('s3Endpoint'),
  region,
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  // Only the checksums a test asks for (the SDK would otherwise add a CRC32 to every put).
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const asFunction = (fn: string) =>
  new S3Client({
    endpoint: inject('functionEndpoints').s3,
    region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: `probe-${fn}`, secretAccessKey: 'local' },
  });
const ARCHIVE = 'complaints-archive';
const failure = (e: unknown) => ({ name: (e as Error).name, status: (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode });
const md5 = (b: string) => createHash('md5').update(b).digest('base64');
const text = async (o: { Body?: { transformToString(): Promise<string> } }) => o.Body!.transformToString();
let n = 0;
const key = (prefix = 'complaints') => `${prefix}/s3-semantics/${Date.now()}-${++n}.json`;
const later = () => new Date(Date.now() + 365 * 86_400_000);

describe('S3 rules of the local object store', () => {
  it('answers a missing key 404 to a caller that may list it and 403 to one that may not', async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html : "If you have the
    // s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status code 404 Not Found
    // error. If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code
    // 403 Forbidden error." (GetObject says the same.)
    const fn = asFunction('TableChanges'); // may read and list staging/, complaints/ and erased/
    expect(await fn.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: key('staging') })).catch(failure)).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(await fn.send(new HeadObjectCommand({ Bucket: ARCHIVE, Key: key('complaints') })).catch(failure)).toMatchObject({ status: 404 });
    const submit = asFunction('SubmitComplaint'); // may read uploads/, list nothing
    expect(await submit.send(new HeadObjectCommand({ Bucket: 'complaints-attachments', Key: key('uploads') })).catch(failure)).toMatchObject({ status: 403 });
    expect(await submit.send(new GetObjectCommand({ Bucket: 'complaints-attachments', Key: key('uploads') })).catch(failure)).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
  });

  it('refuses a put into the Object Lock bucket without Content-MD5 or a checksum header (400 InvalidRequest)', async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html : "The Content-MD5 or
    // x-amz-sdk-checksum-algorithm header is required for any request to upload an object with a
    // retention period configured using Amazon S3 Object Lock." (The archive bucket has a default
    // retention: every put has one.)
    const k = key();
    expect(await operator.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: k, Body: '{}' })).catch(failure)).toMatchObject({
      name: 'InvalidRequest',
      status: 400,
    });
    expect((await operator.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: k, Body: '{}', ContentMD5: md5('{}') }))).$metadata.httpStatusCode).toBe(200);
    expect((await operator.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: key(), Body: '{}', ChecksumAlgorithm: 'SHA256' }))).$metadata.httpStatusCode).toBe(
      200,
    );
    // Buckets without Object Lock take puts without one.
    expect((await operator.send(new PutObjectCommand({ Bucket: 'complaints-attachments', Key: key('uploads'), Body: 'x' }))).$metadata.httpStatusCode).toBe(
      200,
    );
  });

  it('keeps a locked version: a put over it makes a new version, a delete only a delete marker, and the version cannot be deleted before its retain-until date', async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html : "If you put an
    // object into a bucket that already contains an existing protected object with the same object
    // key name, Amazon S3 creates a new version of that object. The existing protected version of
    // the object remains locked according to its retention configuration." and "Retention periods
    // and legal holds don't prevent new versions of the object from being created, or delete
    // markers to be added on top of the object." - and in compliance mode "a protected object
    // version can't be overwritten or deleted by any user, including the root user".
    const k = key();
    const first = await operator.send(
      new PutObjectCommand({ Bucket: ARCHIVE, Key: k, Body: 'one', ContentMD5: md5('one'), ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: later() }),
    );
    expect(first.VersionId).toBeTruthy();
    const second = await operator.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: k, Body: 'two', ContentMD5: md5('two') }));
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(await text(await operator.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: k })))).toBe('two');
    expect(await text(await operator.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: k, VersionId: first.VersionId })))).toBe('one');

    const marker = await operator.send(new DeleteObjectCommand({ Bucket: ARCHIVE, Key: k }));
    expect(marker.DeleteMarker).toBe(true);
    expect(await operator.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: k })).catch(failure)).toMatchObject({ status: 404 });
    expect(await text(await operator.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: k, VersionId: first.VersionId })))).toBe('one');

    expect(await operator.send(new DeleteObjectCommand({ Bucket: ARCHIVE, Key: k, VersionId: first.VersionId })).catch(failure)).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await text(await operator.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: k, VersionId: first.VersionId })))).toBe('one');
    // An unlocked version can go.
    expect((await operator.send(new DeleteObjectCommand({ Bucket: ARCHIVE, Key: k, VersionId: second.VersionId }))).$metadata.httpStatusCode).toBe(204);
  });

  it('refuses a conditional write (If-None-Match: *) over an existing key with 412 PreconditionFailed', async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (If-None-Match):
    // "Uploads the object only if the object key name does not already exist in the bucket
    // specified. Otherwise, Amazon S3 returns a 412 Precondition Failed error."
    const k = key('uploads');
    expect(
      (await operator.send(new PutObjectCommand({ Bucket: 'complaints-attachments', Key: k, Body: 'a', IfNoneMatch: '*' }))).$metadata.httpStatusCode,
    ).toBe(200);
    expect(await operator.send(new PutObjectCommand({ Bucket: 'complaints-attachments', Key: k, Body: 'b', IfNoneMatch: '*' })).catch(failure)).toMatchObject({
      status: 412,
    });
    expect(await text(await operator.send(new GetObjectCommand({ Bucket: 'complaints-attachments', Key: k })))).toBe('a');
  });
});
