/**
 * The operator's view of what failed for good, and the replay once the cause is fixed. Asks a
 * running local runtime (RUNTIME_URL, default http://127.0.0.1:3000):
 *  - the stream records its consumers gave up on (parked after 10 attempts, the on-failure
 *    destination of the event source mappings on AWS), and hands them to their consumer again
 *    (`--consumer DeliverMessages` for one consumer only; `--list` only lists);
 *  - then runs the orphan sweeper, which gives every open complaint without a live workflow
 *    (a failed or stopped execution, a start that never happened) a new one at its stage.
 * Usage: npm run replay-parked [-- --list | --consumer <Function>]
 * Exit code 1 when records are still failing. (On AWS: infra/README.md, failure queues.)
 */
const base = process.env.RUNTIME_URL ?? 'http://127.0.0.1:3000';
const args = process.argv.slice(2);
const consumer = args.includes('--consumer') ? args[args.indexOf('--consumer') + 1] : undefined;

async function call(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  }).catch((e: Error) => {
    console.error(`No local runtime answers at ${base} (${e.message}). Start it with npm start, or set RUNTIME_URL.`);
    process.exit(2);
  });
  if (!res.ok) {
    console.error(`${method} ${path}: ${res.status} ${await res.text()}`);
    process.exit(2);
  }
  return res.json();
}

const parked = (await call('GET', '/__local/streams/parked')) as {
  consumer: string;
  at: string;
  attempts: number;
  eventName: string;
  keys: { PK?: { S?: string }; SK?: { S?: string } };
}[];
console.log(`${parked.length} parked stream record(s)`);
for (const p of parked) console.log(`  ${p.at}  ${p.consumer}  ${p.eventName} ${p.keys.PK?.S ?? ''} ${p.keys.SK?.S ?? ''}  (${p.attempts} attempts)`);
if (args.includes('--list')) process.exit(0);

const replay = (await call('POST', '/__local/streams/replay', consumer ? { consumer } : {})) as { replayed: number; stillFailing: number };
console.log(`replayed ${replay.replayed} | still failing ${replay.stillFailing}`);
const sweep = (await call('POST', '/__local/sweep')) as { checked: number; resumed: { reference: string; stage: string }[]; redelivered: string[] };
console.log(`orphan sweep: checked ${sweep.checked} open complaint(s), resumed ${sweep.resumed.length}, completions handed over ${sweep.redelivered.length}`);
for (const r of sweep.resumed) console.log(`  resumed ${r.reference} at ${r.stage}`);
process.exit(replay.stillFailing ? 1 : 0);
