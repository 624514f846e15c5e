/**
 * The crash test's plan (test/e2e/crash.test.ts), a pure function of its seed: the complaints
 * (path, line, handler, what the customer answers), the pauses between the customers' arrivals,
 * and the kill points. Everything random is drawn here, from one seeded source, before anything
 * runs: nothing drawn later depends on timing, so SEED=<n> replays the same plan.
 *
 * A kill point is an observable moment of progress, not a time:
 *  - intake:   when the n-th complaint submission (attempt) has been sent in full to the server;
 *  - staff:    when the n-th staff action has been sent in full;
 *  - workflow: when the n-th staff action has been answered with success (its workflow moves on);
 *  - anywhere: when the n-th answer of any request arrives.
 * The runtime is killed at once at that moment (while the request is under way on the server);
 * a point reached while the runtime restarts after another kill fires at the first such event
 * after the restart. When a kill lands can still differ between runs (which request is the n-th
 * depends on the scheduling of concurrent clients); what is aimed at does not.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../../local/host/faults.ts';
import type { Path } from './resilient.ts';

export type KillKind = 'intake' | 'staff' | 'workflow' | 'anywhere';
export const KILL_KINDS: readonly KillKind[] = ['intake', 'staff', 'workflow', 'anywhere'];

export interface KillPoint {
  kind: KillKind;
  /** The progress count the kill waits for (see above). */
  at: number;
}

export interface CrashComplaint {
  i: number;
  path: Path;
  key: string;
  body: Record<string, unknown>;
  handler: string;
  satisfaction: number;
}

export interface CrashPlan {
  seed: number;
  complaints: CrashComplaint[];
  /** Pause before each customer's arrival (ms): how the load is spread, not when kills land. */
  arrivalPausesMs: number[];
  kills: KillPoint[];
}

/**
 * How far each kind of progress surely goes in a run of `complaints` complaints: every complaint
 * is submitted at least once and takes at least four staff actions (claim, investigation,
 * reply, callback), each answered; reads come on top.
 */
export function progressSpan(kind: KillKind, complaints: number): number {
  switch (kind) {
    case 'intake':
      return Math.max(1, Math.floor(complaints * 0.8)); // before the last arrivals, so the point is met while intake still runs
    case 'staff':
    case 'workflow':
      return complaints * 3;
    case 'anywhere':
      return complaints * 6;
  }
}

export function crashPlan(seed: number, o: { complaints: number; kills: number; soak?: boolean }): CrashPlan {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const complaints = Array.from({ length: o.complaints }, (_, i): CrashComplaint => {
    const path: Path = pick(['satisfied', 'satisfied', 'satisfied', 'reopened', 'major'] as const);
    const line = path === 'major' ? 'cards' : pick(['cards', 'loans'] as const);
    return {
      i,
      path,
      key: `crash-${seed}-${i}`,
      handler: line === 'cards' ? 'hana' : 'leo',
      satisfaction: 4 + (i % 2),
      body: {
        language: 'en',
        businessLine: line,
        complainant: { name: `Customer ${i}`, contact: { email: `crash-${seed}-${i}@example.com` } },
        matter: { description: `Fee number ${i} was taken from my ${line} account without my agreement`, demand: 'Refund it' },
        amount: { value: path === 'major' ? 800_000 : 100 + i, currency: 'CNY' },
        consent: { personalData: true },
      },
    };
  });
  const arrivalPausesMs = complaints.map(() => 300 + Math.floor(random() * (o.soak ? 4000 : 1200)));
  // The kinds in turn (intake, staff, workflow, anywhere, intake, ...); each kind's points spread
  // over its span, one per equal slice, at a random place within the slice.
  const kinds = Array.from({ length: o.kills }, (_, k) => KILL_KINDS[k % KILL_KINDS.length]);
  const kills = kinds.map((kind, k) => {
    const of = kinds.filter((x) => x === kind).length;
    const j = kinds.slice(0, k).filter((x) => x === kind).length;
    const span = progressSpan(kind, o.complaints);
    return { kind, at: 1 + Math.min(span - 1, Math.floor(((j + random()) / of) * span)) };
  });
  return { seed, complaints, arrivalPausesMs, kills };
}

/** A short fingerprint of a plan, printed by the crash test: two runs with one seed print the same. */
export function planDigest(plan: CrashPlan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 16);
}
