/**
 * A local SESv2 endpoint (SendEmail, REST/JSON: POST /v2/email/outbound-emails), so the
 * delivery function uses its SES client (functions/wiring/email.ts) unchanged with
 * AWS_ENDPOINT_URL_SESV2 pointing here. Each message is composed as MIME and sent over real SMTP to the local mail catcher.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';

interface SendEmailInput {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  ReplyToAddresses?: string[];
  Content?: {
    Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } }; Headers?: { Name: string; Value: string }[] };
    Raw?: { Data?: string };
  };
}

export async function startSesServer(smtpPort: number, domain: string, port = 0): Promise<{ server: Server; url: string; sent: () => number }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  let sent = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const reply = (status: number, body: unknown, type?: string) => {
        res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !req.url?.startsWith('/v2/email/outbound-emails'))
        return reply(404, { message: 'Not supported locally' }, 'NotFoundException');
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SendEmailInput;
        const to = input.Destination?.ToAddresses ?? [];
        if (!input.FromEmailAddress || !to.length) return reply(400, { message: 'FromEmailAddress and a destination are required' }, 'BadRequestException');
        const id = `${Date.now().toString(16)}-${randomUUID()}`;
        if (input.Content?.Raw?.Data) {
          await transport.sendMail({ envelope: { from: input.FromEmailAddress, to }, raw: Buffer.from(input.Content.Raw.Data, 'base64') });
        } else {
          const s = input.Content?.Simple;
          await transport.sendMail({
            from: input.FromEmailAddress,
            to,
            cc: input.Destination?.CcAddresses,
            bcc: input.Destination?.BccAddresses,
            replyTo: input.ReplyToAddresses,
            subject: s?.Subject?.Data,
            text: s?.Body?.Text?.Data,
            html: s?.Body?.Html?.Data,
            messageId: `<${id}@${domain}>`,
            headers: Object.fromEntries((s?.Headers ?? []).map((h) => [h.Name, h.Value])),
          });
        }
        sent++;
        reply(200, { MessageId: id });
      } catch (e) {
        reply(500, { message: (e as Error).message }, 'InternalFailure');
      }
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent: () => sent };
}
