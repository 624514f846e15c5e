/**
 * `npm run drill -- <scenario> <participant,...>`: starts a drill of a library scenario
 * (drills/scenarios/) and feeds its complaints through their channels at their offsets on the
 * real clock (scripts/drill-runner.ts), until the last one has entered. Then staff handle them as
 * any complaint, and a manager closes the drill (console: Drills, or POST /api/staff/drills/<id>/close).
 *
 * Environment: API (default http://127.0.0.1:$PORT, 3000), STARTER_TOKEN (an ID token of a manager
 * or the complaints desk, who starts the drill; locally `npm run token -- mia`), KEYING_TOKEN (the
 * complaints desk's, for phone, branch and letter complaints; default STARTER_TOKEN), SMTP_HOST and
 * SMTP_PORT (the complaints mailbox or the local intake: 127.0.0.1 and 2525).
 */
import { feedDue, httpChannels, type StartedDrill } from './drill-runner.ts';

const [scenario, participants] = process.argv.slice(2);
const api = process.env.API ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const starter = process.env.STARTER_TOKEN;
if (!scenario || !participants || !starter) {
  console.error('Usage: STARTER_TOKEN=<id token> npm run drill -- <scenario> <participant,participant,...>');
  process.exit(2);
}
const res = await fetch(`${api}/api/staff/drills`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${starter}` },
  body: JSON.stringify({ scenario, participants: participants.split(',') }),
});
const drill = (await res.json()) as StartedDrill & { message?: string };
if (res.status !== 201) {
  console.error(`The drill was not started (${res.status}): ${drill.message ?? ''}`);
  process.exit(1);
}
console.log(`Drill ${drill.drillId} started; its mail goes to ${drill.mailbox}`);
const channels = httpChannels({
  api,
  staffToken: async () => process.env.KEYING_TOKEN ?? starter,
  smtp: { host: process.env.SMTP_HOST ?? '127.0.0.1', port: Number(process.env.SMTP_PORT ?? 2525) },
});
const fed = new Set<string>();
while (fed.size < drill.schedule.length) {
  const refs = await feedDue(drill, fed, new Date(), channels, process.env.COMPLAINTS_ADDRESS ?? 'complaints@localhost');
  for (const [step, reference] of Object.entries(refs))
    console.log(`${new Date().toISOString()} ${step} entered${reference ? ` as ${reference}` : ' (email)'}`);
  if (fed.size < drill.schedule.length) await new Promise((r) => setTimeout(r, 15_000));
}
console.log(`Every complaint of ${drill.drillId} has entered. Report: GET ${api}/api/staff/drills/${drill.drillId}/report?format=html`);
