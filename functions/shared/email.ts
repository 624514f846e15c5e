/** SES (API v2) for the delivery function only, created once per process (settings: ./aws-clients.ts). */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { clientConfig, traced } from './aws-clients.ts';

let client: SESv2Client | undefined;
export function ses(): SESv2Client {
  client ??= traced(new SESv2Client(clientConfig()));
  return client;
}
