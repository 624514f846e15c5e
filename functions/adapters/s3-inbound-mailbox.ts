/** InboundMailbox on S3: SES's receipt rule stores each message at inbound/<messageId> in the mail bucket. */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { InboundMailbox } from '../domain/ports.ts';

export class S3InboundMailbox implements InboundMailbox {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async raw(messageId: string): Promise<Uint8Array> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: `inbound/${messageId}` }));
    return object.Body!.transformToByteArray();
  }
}
