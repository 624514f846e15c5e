/**
 * The load generator, in a process of its own so that it does not share the runtime's event
 * loop: autocannon POSTing complaints (each from a new customer, so none is merged as a
 * repeat) and keeping the reference of every 201. Prints one JSON line with the result.
 *
 * Usage: node --import tsx bench/load-client.ts <json options>
 *   { url, connections, seconds?, amount?, overallRate?, tag? }
 */
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2] ?? '{}') as { url: string; connections: number; seconds?: number; amount?: number; overallRate?: number; tag?: string };
const tag = o.tag ?? `${process.pid}`;
let seq = 0;
const body = () => {
  seq += 1;
  return JSON.stringify({
    language: 'en',
    businessLine: 'cards',
    consent: { personalData: true },
    complainant: { name: 'Bench Customer', contact: { email: `bench-${tag}-${seq}@example.com` } },
    matter: { description: `Benchmark complaint ${seq}: an annual fee on my card that I never agreed to` },
  });
};

const references: string[] = [];
const statuses: Record<string, number> = {};
const started = performance.now();
const result = await autocannon({
  url: `${o.url}/api/complaints`,
  method: 'POST',
  connections: o.connections,
  ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? 10 }),
  ...(o.overallRate ? { overallRate: o.overallRate } : {}),
  timeout: 60,
  headers: { 'content-type': 'application/json' },
  requests: [
    {
      setupRequest: (req) => ({ ...req, body: body() }),
      onResponse: (status, resBody) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 201) references.push((JSON.parse(resBody) as { reference: string }).reference);
      },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    sent: result.requests.sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    references,
  })}\n`,
);
