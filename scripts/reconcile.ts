/**
 * Reconciliation on demand: asks a running local runtime (RUNTIME_URL, default
 * http://127.0.0.1:3000) to run ReconcileArchive - every complaint ever registered must be in
 * the table or in the archive with its history matching its digest - and prints the report.
 * Exit code 1 when any complaint is missing or mismatched. Usage: npm run reconcile
 * (On AWS the same function runs daily and alarms: infra/README.md.)
 */
const base = process.env.RUNTIME_URL ?? 'http://127.0.0.1:3000';
const res = await fetch(`${base}/__local/reconcile`, { method: 'POST' }).catch((e: Error) => {
  console.error(`No local runtime answers at ${base} (${e.message}). Start it with npm start, or set RUNTIME_URL.`);
  process.exit(2);
});
const report = (await res.json()) as {
  registered: number;
  inTable: number;
  archived: number;
  staging: number;
  missing: string[];
  mismatched: { reference: string; reason: string }[];
};
console.log(
  `registered ${report.registered} | in the table ${report.inTable} | archived ${report.archived} | waiting in staging ${report.staging} | missing ${report.missing.length} | mismatched ${report.mismatched.length}`,
);
for (const ref of report.missing) console.log(`  missing: ${ref}`);
for (const m of report.mismatched) console.log(`  mismatched: ${m.reference} (${m.reason})`);
process.exit(report.missing.length || report.mismatched.length ? 1 : 0);
