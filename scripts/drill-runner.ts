/**
 * The drill runner (issue 20, ADR 0017): feeds a started drill's complaints into the pipeline
 * through their real channels, each when its offset on the clock has come - the web form's API
 * (POST /api/complaints), the complaints mailbox (SMTP, in the scenario's character set: GBK is
 * written as GBK) and staff keying (POST /api/staff/complaints, as the complaints desk) - each with
 * the drill's token (X-Drill-Token) and its scenario step (X-Drill-Step). Nothing else marks them:
 * intake checks the token and sets `drill`.
 *
 * `feedDue` is the runner's one step (what is due now, not fed yet); `npm run drill` calls it on
 * the real clock, tests on the local runtime's manual clock.
 */
import iconv from 'iconv-lite';
import { createTransport } from 'nodemailer';
import { dueSteps, type DrillStep } from '../functions/domain/drill.ts';

export interface DrillChannels {
  /** The web form's API; answers the reference. */
  web(step: DrillStep, body: unknown, headers: Record<string, string>): Promise<string | undefined>;
  /** Staff keying (phone, branch, letter); answers the reference. */
  keyIn(step: DrillStep, body: unknown, headers: Record<string, string>): Promise<string | undefined>;
  /** The complaints mailbox: a raw message. */
  email(step: DrillStep, raw: Buffer): Promise<void>;
}

export interface StartedDrill {
  drillId: string;
  token: string;
  mailbox: string;
  schedule: DrillStep[];
}

/** The complaint as the form (and the staff API's `complaint`) takes it. */
export function complaintBody(step: DrillStep): Record<string, unknown> {
  const c = step.complaint;
  return {
    language: c.language,
    // A made-up customer at a reserved domain: delivery sends a drill's customer mail to the drill mailbox whatever the address.
    complainant: c.anonymous ? { anonymous: true } : { name: `Drill customer ${step.key}`, contact: { email: `${step.key}@customer.example` } },
    matter: { description: c.description, ...(c.demand ? { demand: c.demand } : {}) },
    ...(c.businessLine ? { businessLine: c.businessLine } : {}),
    ...(c.targetDepartment ? { target: { department: c.targetDepartment } } : {}),
    ...(c.amount ? { amount: c.amount } : {}),
    consent: { personalData: true },
  };
}

/** A raw message in the scenario's character set (base64 body), from the drill mailbox. */
export function drillEmail(drill: StartedDrill, step: DrillStep, to: string, date: Date): Buffer {
  const charset = step.complaint.charset ?? 'utf-8';
  const subject = step.complaint.description.slice(0, 40);
  const encodedSubject = `=?${charset}?B?${iconv.encode(subject, charset).toString('base64')}?=`;
  const body = iconv
    .encode(`${step.complaint.description}\r\n${step.complaint.demand ?? ''}\r\n`, charset)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      `From: Drill customer ${step.key} <${drill.mailbox}>`,
      `To: ${to}`,
      `Subject: ${encodedSubject}`,
      `Date: ${date.toUTCString()}`,
      `Message-ID: <${drill.drillId}.${step.key}@drills.invalid>`,
      `X-Drill-Token: ${drill.token}`,
      `X-Drill-Step: ${step.key}`,
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset=${charset}`,
      'Content-Transfer-Encoding: base64',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

/** Feeds the steps due at `now` that are not in `fed` (and adds them to it); answers the references by step. */
export async function feedDue(
  drill: StartedDrill,
  fed: Set<string>,
  now: Date,
  channels: DrillChannels,
  complaintsAddress: string,
): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const step of dueSteps(drill.schedule, fed, now)) {
    const headers = { 'x-drill-token': drill.token, 'x-drill-step': step.key, 'idempotency-key': `drill:${drill.drillId}:${step.key}` };
    const body = complaintBody(step);
    switch (step.complaint.channel) {
      case 'web':
        out[step.key] = await channels.web(step, body, headers);
        break;
      case 'email':
        await channels.email(step, drillEmail(drill, step, complaintsAddress, now));
        out[step.key] = undefined;
        break;
      default:
        out[step.key] = await channels.keyIn(step, { channel: step.complaint.channel, complaint: body }, headers);
    }
    fed.add(step.key);
  }
  return out;
}

/** The channels of a running product: its API (and a staff token for keying in) and its SMTP intake or mailbox. */
export function httpChannels(o: { api: string; staffToken: () => Promise<string>; smtp?: { host: string; port: number } }): DrillChannels {
  const post = async (path: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(`${o.api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { reference?: string; message?: string };
    if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${answer.message ?? ''}`);
    return answer.reference;
  };
  return {
    web: (_s, body, headers) => post('/api/complaints', body, headers),
    keyIn: async (_s, body, headers) => post('/api/staff/complaints', body, { ...headers, authorization: `Bearer ${await o.staffToken()}` }),
    email: async (_s, raw) => {
      if (!o.smtp) throw new Error('no SMTP intake or mailbox configured for the drill');
      await createTransport({ host: o.smtp.host, port: o.smtp.port, secure: false, ignoreTLS: true }).sendMail({
        envelope: { from: 'drills@drills.invalid', to: 'complaints@localhost' },
        raw,
      });
    },
  };
}
