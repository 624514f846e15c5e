/** SES (API v2) for the delivery function only, created once per process. */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SDK_RETRY } from './sdk-retry.ts';

let client: SESv2Client | undefined;
export function ses(): SESv2Client {
  client ??= new SESv2Client({ ...SDK_RETRY });
  return client;
}
