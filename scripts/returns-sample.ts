/**
 * The sample returns of docs/regulatory-returns.md, generated from the fixture complaints of the
 * unit tests (test/support/returns-fixtures.ts) through the same code the staff API runs:
 * memberships -> aggregate deltas -> the return from the counters and index -> its tables.
 *
 *   npm run returns:sample            prints the tables (Markdown)
 *   npm run returns:sample -- --write replaces them in docs/regulatory-returns.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCnReturn, buildUkReturn, buildUsReturn, type RegulatoryReturn, returnSheets } from '../functions/domain/returns.ts';
import { cnQuarter, inserted, ukHalfYear, usEntries, usQuarter } from '../test/support/returns-fixtures.ts';

const md = (rows: (string | number)[][]) => {
  const esc = (c: string | number) => String(c).replace(/\|/g, '\\|');
  const [head, ...body] = rows;
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
};

function section(title: string, r: RegulatoryReturn): string {
  const sheets = returnSheets(r).slice(1); // the first is the return's header (period, taxonomy version)
  return [
    `### ${title}`,
    '',
    `Period ${r.period} (${r.from} to ${r.to}), taxonomy ${r.taxonomyVersion}.`,
    '',
    ...sheets.flatMap((s) => [`**${s.name}**`, '', md(s.rows), '']),
  ].join('\n');
}

const uk = inserted(Object.values(ukHalfYear()));
const cn = inserted(cnQuarter());
const us = inserted(usQuarter());
const text = [
  section('UK: FCA complaints return, 2026H1', buildUkReturn('2026H1', uk.items)),
  section('CN: JR/T 0169-2018 counts, 2026Q1', buildCnReturn('2026Q1', cn.items)),
  section('US: CFPB company-portal fields, 2026Q2', buildUsReturn('2026Q2', us.items, usEntries(us.index, '2026Q2'))),
].join('\n');

if (process.argv.includes('--write')) {
  const file = join(import.meta.dirname, '..', 'docs', 'regulatory-returns.md');
  const doc = readFileSync(file, 'utf8');
  const start = '<!-- sample:start (npm run returns:sample -- --write) -->';
  const end = '<!-- sample:end -->';
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${file} has no ${start} ... ${end} markers`);
  writeFileSync(file, `${doc.slice(0, a + start.length)}\n\n${text}\n${doc.slice(b)}`);
  console.log(`Wrote the sample returns into ${file}`);
} else console.log(text);
