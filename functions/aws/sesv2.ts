/** SES (API v2) for the delivery function: SendEmail, REST JSON (POST /v2/email/outbound-emails). */
import { AwsClient, type ClientOptions } from './signed-request.ts';
import { jsonError } from './errors.ts';

interface Content { Data: string; Charset?: string }
export interface SendEmailInput {
  FromEmailAddress: string;
  Destination: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  ReplyToAddresses?: string[];
  Content: {
    Simple: {
      Subject: Content;
      Body: { Text?: Content; Html?: Content };
      Headers?: { Name: string; Value: string }[];
    };
  };
  ConfigurationSetName?: string;
}

export class SesV2 {
  private readonly client: AwsClient;

  constructor(options: ClientOptions = {}) {
    // Signed as 'ses', served at email.<region>.
    this.client = new AwsClient({ signingName: 'ses', endpointPrefix: 'email', envId: 'SESV2' }, (r) => jsonError(r.status, r.headers, r.body), options);
  }

  async sendEmail(input: SendEmailInput): Promise<{ MessageId?: string }> {
    const out = await this.client.send({ method: 'POST', path: '/v2/email/outbound-emails', body: JSON.stringify(input), headers: { 'Content-Type': 'application/json' } });
    return out.body.length ? JSON.parse(out.body.toString('utf8')) as { MessageId?: string } : {};
  }
}
