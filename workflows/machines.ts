/**
 * The two state machines made of the one ASL file, workflows/complaint.asl.json - deployed by
 * infra/constructs/workflow.ts, hosted by the local engine (local/runtime.ts).
 *
 * Standard workflows bill every state transition. The file starts at `Resume`, a Choice that
 * sends a resumed execution straight to its stage; a new complaint only passes through it to
 * Investigate. So new complaints run on `lifecycle`: the file starting at Investigate (which
 * registers and assesses a new complaint as it opens the investigation task), without Resume
 * (unreachable from there, and Step Functions refuses a definition with unreachable states) -
 * one transition fewer per complaint. Resumed executions (`<reference>--r<n>`, started by the
 * orphan sweeper) run on `resume`: the file as it is. Which execution goes to which machine:
 * functions/adapters/sfn-workflow.ts.
 */

export interface MachineSpec {
  /** The state machine's name (its ARN is formatted from it, on AWS and locally). */
  name: string;
  /** Where its executions start; absent: the file's own StartAt. */
  startAt?: string;
}

export const STATE_MACHINES = {
  /** New complaints (input resumeAt RECEIVED): Investigate (registration included), Reply, Callback, Close. */
  lifecycle: { name: 'complaint-lifecycle', startAt: 'Investigate' },
  /** Resumed complaints (any resumeAt): Resume, then the stage. */
  resume: { name: 'complaint-resume' },
} as const satisfies Record<string, MachineSpec>;

interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next?: string }[];
  Catch?: { Next?: string }[];
  [k: string]: unknown;
}
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
  [k: string]: unknown;
}

/**
 * The definition starting at `startAt`, without the states no longer reachable from there
 * (through Next, a Choice's rules and Default, a Catch). The definition itself when `startAt`
 * is absent or already its StartAt. Top-level states only: a Parallel branch or a Map
 * iterator is a definition of its own, reached with its state.
 */
export function startingAt<T extends Asl>(asl: T, startAt: string | undefined): T {
  if (!startAt || startAt === asl.StartAt) return asl;
  if (!asl.States[startAt]) throw new Error(`No state ${startAt} to start at`);
  const reached = new Set<string>();
  const visit = (name: string | undefined) => {
    if (!name || reached.has(name)) return;
    const state = asl.States[name];
    if (!state) throw new Error(`State ${name} is a transition target but no state`);
    reached.add(name);
    for (const next of [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)]) visit(next);
  };
  visit(startAt);
  // In the file's order (the template and the console read alike).
  const States = Object.fromEntries(Object.entries(asl.States).filter(([name]) => reached.has(name)));
  return { ...asl, StartAt: startAt, States };
}

/** A definition's text, starting at `startAt` (see startingAt). */
export function definitionStartingAt(text: string, startAt: string | undefined): string {
  return startAt ? JSON.stringify(startingAt(JSON.parse(text) as Asl, startAt)) : text;
}
