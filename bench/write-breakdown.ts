/**
 * Where DynamoDB's write units go: sums a DYNAMO_TRACE file (bench/metering-proxy.ts) by item
 * kind (`PK prefix:SK prefix`) and write - writes, units, average size - per complaint.
 *
 * Usage: DYNAMO_TRACE=/tmp/trace.jsonl npm run bench:cost -- 20
 *        node scripts/bootstrap.mjs bench/write-breakdown.ts /tmp/trace.jsonl 20
 */
import { readFileSync } from 'node:fs';

interface Line {
  op: string;
  units: number;
  items: { verb: string; kind: string; size: number | '-'; units?: number }[];
}

const [file, n = '1'] = process.argv.slice(2);
if (!file) {
  console.error('Usage: write-breakdown.ts <trace.jsonl> [complaints]');
  process.exit(1);
}
const complaints = Number(n);
const rows = new Map<string, { writes: number; units: number; bytes: number; sized: number }>();
let total = 0;
for (const text of readFileSync(file, 'utf8').split('\n')) {
  if (!text) continue;
  const line = JSON.parse(text) as Line;
  if (!['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem'].includes(line.op)) continue;
  total += line.units;
  for (const item of line.items) {
    const key = `${line.op === 'TransactWriteItems' ? 'tx ' : ''}${item.verb} ${item.kind}`;
    const row = rows.get(key) ?? { writes: 0, units: 0, bytes: 0, sized: 0 };
    rows.set(key, row);
    row.writes += 1;
    row.units += item.units ?? 0;
    if (item.size !== '-') {
      row.bytes += item.size;
      row.sized += 1;
    }
  }
}
const per = (x: number) => (x / complaints).toFixed(2);
console.log(`Write units per complaint (${complaints} complaints): ${per(total)}\n`);
console.log('| write | item kind | writes | units | avg bytes |');
console.log('|---|---|---:|---:|---:|');
for (const [key, r] of [...rows].sort((a, b) => b[1].units - a[1].units)) {
  const [verb, kind] = key.split(/ (?=[^ ]+$)/);
  console.log(`| ${verb} | ${kind} | ${per(r.writes)} | ${per(r.units)} | ${r.sized ? Math.round(r.bytes / r.sized) : '-'} |`);
}
