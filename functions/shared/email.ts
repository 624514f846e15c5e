/** SES (API v2) for the delivery function only, created once per process. */
import { SesV2 } from '../aws/sesv2.ts';

let client: SesV2 | undefined;
export function ses(): SesV2 {
  client ??= new SesV2();
  return client;
}
