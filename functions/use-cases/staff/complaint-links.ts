/**
 * Links between complaints, decided by staff (issue 16 findings 1 and 2). Nothing an outsider
 * sends is ever joined to an existing complaint on its own say-so: a suspected repeat, or mail
 * naming a reference from a sender not proven to be its complainant, becomes a complaint of
 * its own carrying `relatedTo` (visible to staff only). A staff member then checks and either
 *  - merges it into the earlier, open complaint (CN Order 2020: repeats are merged; new facts
 *    restart the clock): the earlier one counts the repeat, gets its matter on an internal
 *    history entry and a customer-visible "your new information was added", and the repeat's
 *    access code opens it; the repeat is marked `mergedInto`; or
 *  - unlinks it (not the same customer or matter): the link is dropped, nothing else changes.
 * Both are audited by the staff API (every change and refusal) and leave history entries.
 * The two complaints are two items: the repeat is marked first (so it cannot be merged twice),
 * then the earlier one is written, retried on a concurrent change; a merge interrupted between
 * the two is finished by asking again.
 */
import { authorize, type Actor, type StaffOperation } from '../../domain/authorization.ts';
import type { Complaint } from '../../domain/complaint.ts';
import { computeDeadlines } from '../../domain/deadlines.ts';
import { SAME_FACTS, similarity } from '../../domain/repeats.ts';
import { verifyAccessCode } from '../../domain/access-code.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { openAsCustomer, type CustomerAccessDeps, type CustomerRequest } from '../customer/customer-access.ts';
import { entry, load, openTaskUpdate, refreshTask } from '../common.ts';
import { bump, type StaffDeps } from './staff-actions.ts';

const TRIES = 3;
/** Tries of a confirmation's attempt count against concurrent changes (parallel wrong codes race on it). */
const CONFIRM_TRIES = TRIES + 2;

function allow(actor: Actor, op: StaffOperation, c: Complaint): void {
  const d = authorize(actor, op, c);
  if (!d.allowed) throw new ForbiddenError(`${d.reason} (${c.reference})`);
}

async function withTask(deps: StaffDeps, c: Complaint, next: Complaint) {
  return openTaskUpdate(await deps.repo.getTask(c.reference), next);
}

export async function mergeComplaint(deps: StaffDeps, actor: Actor, reference: string, body: { into: string }) {
  if (body.into === reference) throw new ConflictError('A complaint cannot be merged into itself');
  const [repeat, earlier] = await Promise.all([load(deps.repo, reference), load(deps.repo, body.into)]);
  // The actor must be allowed to act on both.
  allow(actor, 'mergeComplaint', repeat);
  allow(actor, 'mergeComplaint', earlier);
  return merge(deps, { id: actor.id, how: `by ${actor.id} after checking` }, repeat, earlier);
}

/** The merge itself, once decided (by staff, or by the customer's proof of the contact on file). */
async function merge(deps: StaffDeps, by: { id: string; how: string }, repeat: Complaint, earlier: Complaint) {
  const reference = repeat.reference;
  const body = { into: earlier.reference };
  // Marked merged into this one, but the earlier complaint was never written (a failure between
  // the two writes): the merge is finished now. Merged and complete: refused.
  const resuming =
    repeat.mergedInto?.reference === earlier.reference &&
    !(await deps.repo.history(earlier.reference)).some((h) => h.action === 'repeat-merged-from' && h.after?.from === reference);
  if (repeat.mergedInto && !resuming) throw new ConflictError(`${reference} was already merged into ${repeat.mergedInto.reference}`);
  if (earlier.mergedInto) throw new ConflictError(`${body.into} was itself merged into ${earlier.mergedInto.reference}: merge into that one`);
  if (earlier.status !== 'OPEN') throw new ConflictError(`${body.into} is closed: only an open complaint takes a repeat`);
  const secret = await deps.repo.getSecret(reference);
  const now = deps.clock.now();
  const at = now.toISOString();
  const score = similarity(repeat.matter.description, earlier.matter.description);
  const newFacts = score < SAME_FACTS;

  // 1. The repeat is marked merged (once: a second merge meets mergedInto, or the version).
  const marked = bump(repeat, at);
  marked.mergedInto = { reference: earlier.reference, by: by.id, at };
  delete marked.relatedTo;
  // Its open task completes with the merge, and its workflow goes to Close (Complaint.Merged): the
  // repeat is answered with the earlier complaint. Stored first: the sweeper hands it over if the
  // call to Step Functions fails.
  const open = await deps.repo.getTask(reference);
  const done =
    open && open.status !== 'completed'
      ? { ...refreshTask(open, marked), status: 'completed' as const, completedAt: at, completedBy: by.id, output: { next: 'MERGED', into: earlier.reference } }
      : undefined;
  if (!resuming)
    await deps.repo.commit({
      complaint: marked,
      expectedVersion: repeat.version,
      task: done ? { put: done, ifToken: open!.taskToken } : undefined,
      history: [
        entry(reference, at, by.id, 'merged', `Your complaint was added to your earlier complaint ${earlier.reference}; we will answer them together`, true),
        entry(
          reference,
          at,
          by.id,
          'merged-into',
          `Merged into ${earlier.reference} ${by.how} (similarity ${score.toFixed(2)}${newFacts ? ', new facts' : ''})`,
          false,
          repeat.relatedTo ? { relatedTo: repeat.relatedTo } : undefined,
          { mergedInto: earlier.reference },
        ),
      ],
    });

  if (done) await deps.workflow.completeTask(done.taskToken, done.output).catch(() => false);

  // 2. The earlier complaint takes the repeat (CN rule: new facts restart the clock).
  let c = earlier;
  for (let attempt = 1; ; attempt++) {
    const next = bump(c, at);
    next.repeats = (c.repeats ?? 0) + 1;
    if (newFacts) {
      const fresh = computeDeadlines(deps.region.profile, deps.calendar, now, {
        major: c.routing?.major,
        crossDepartment: c.routing?.crossDepartment,
      }) as Record<string, { dueAt: string; rule: string }>;
      for (const [name, d] of Object.entries(next.deadlines)) {
        if (!d.metAt && fresh[name] && fresh[name].dueAt > d.dueAt)
          next.deadlines[name] = { ...fresh[name], rule: `${fresh[name].rule} (restarted: new facts)` };
      }
    }
    try {
      await deps.repo.commit({
        complaint: next,
        expectedVersion: c.version,
        task: await withTask(deps, c, next),
        history: [
          entry(
            c.reference,
            at,
            by.id,
            'repeat-merged',
            newFacts ? 'Your new information was added to your complaint; our deadline starts again' : 'Your further message was added to your complaint',
            true,
          ),
          entry(
            c.reference,
            at,
            by.id,
            'repeat-merged-from',
            `Repeat ${reference} (${repeat.channel} channel) merged ${by.how} (similarity ${score.toFixed(2)})${newFacts ? '; new facts: clock restarted' : ''}`,
            false,
            undefined,
            { from: reference, matter: repeat.matter, ...(repeat.attachments?.length ? { attachments: repeat.attachments } : {}) },
          ),
        ],
        // The repeat's own code opens the complaint it joined: it is the same customer (checked by staff, or proven).
        ...(secret ? { accessCode: { hash: secret.hash, salt: secret.salt } } : {}),
      });
      return { merged: reference, into: c.reference, newFacts, repeats: next.repeats, deadlines: next.deadlines };
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= TRIES) throw e;
      c = await load(deps.repo, body.into);
    }
  }
}

/**
 * Staff link two complaints they found related (the same customer or matter, mail that named
 * another complaint without proof): a staff-only link beside each, nothing merged. Either may be
 * merged or unlinked later. Audited by the staff API; a history entry (internal).
 */
export async function linkComplaint(deps: StaffDeps, actor: Actor, reference: string, body: { to: string }) {
  if (body.to === reference) throw new ConflictError('A complaint cannot be linked to itself');
  const [c, other] = await Promise.all([load(deps.repo, reference), load(deps.repo, body.to)]);
  allow(actor, 'linkComplaint', c);
  allow(actor, 'linkComplaint', other);
  if (c.mergedInto) throw new ConflictError(`${reference} was merged into ${c.mergedInto.reference}`);
  if (c.relatedTo?.reference === body.to) return { linked: reference, to: body.to };
  const at = deps.clock.now().toISOString();
  const next = bump(c, at);
  next.relatedTo = { reference: body.to, reason: 'staff-link', at };
  await deps.repo.commit({
    complaint: next,
    expectedVersion: c.version,
    task: await withTask(deps, c, next),
    history: [
      entry(
        reference,
        at,
        actor.id,
        'linked',
        `Linked to ${body.to} by ${actor.id}${c.relatedTo ? ` (was linked to ${c.relatedTo.reference})` : ''}`,
        false,
        c.relatedTo ? { relatedTo: c.relatedTo } : undefined,
        { relatedTo: body.to },
      ),
    ],
  });
  return { linked: reference, to: body.to };
}

export async function unlinkComplaint(deps: StaffDeps, actor: Actor, reference: string) {
  const c = await load(deps.repo, reference);
  allow(actor, 'unlinkComplaint', c);
  if (!c.relatedTo) throw new ConflictError(`${reference} is not linked to another complaint`);
  const at = deps.clock.now().toISOString();
  const next = bump(c, at);
  delete next.relatedTo;
  await deps.repo.commit({
    complaint: next,
    expectedVersion: c.version,
    task: await withTask(deps, c, next),
    history: [
      entry(reference, at, actor.id, 'link-removed', `Link to ${c.relatedTo.reference} removed by ${actor.id}: not the same customer or matter`, false, {
        relatedTo: c.relatedTo,
      }),
    ],
  });
  return { unlinked: reference, was: c.relatedTo.reference };
}

/** The one answer to every failed confirmation: nothing tells whether a code was pending at all. */
const NO_CONFIRMATION = 'This confirmation code is not valid for this complaint';
const CONFIRM_ATTEMPTS = 5;

/**
 * The sender of a suspected repeat proves control of the earlier complaint's email on file
 * with the one-time code mailed there (submit-complaint.ts), together with their own
 * complaint's reference and access code: the two are merged at once, as staff would. Five
 * wrong codes void it (the staff merge stays). A complaint with no pending code, an expired
 * or voided code and a wrong code are answered alike (404), so the route never tells whether
 * another complaint exists. Audited: every failure, and the merge.
 */
export async function confirmRepeat(
  deps: StaffDeps & CustomerAccessDeps,
  reference: string,
  accessCode: string | undefined,
  code: string,
  request: CustomerRequest = {},
) {
  const repeat = await openAsCustomer(reference, accessCode, 'confirmRepeat', deps, request);
  const now = deps.clock.now();
  const at = now.toISOString();
  const audit = (outcome: 'ok' | 'denied', detail: string) =>
    deps.audit.record({ at, actor: 'customer', roles: [], operation: 'confirmRepeat', reference, outcome, detail });
  const link = repeat.relatedTo;
  const pending = !repeat.mergedInto && link?.reason === 'possible-repeat' ? link.confirmation : undefined;
  if (!link || !pending || pending.expiresAt <= at || pending.attempts >= CONFIRM_ATTEMPTS) {
    await audit('denied', 'no valid confirmation code pending');
    throw new NotFoundError(NO_CONFIRMATION);
  }
  if (!verifyAccessCode(code, pending.salt, pending.hash)) {
    // Counted on the complaint (guarded by its version, again on a concurrent change): five void it.
    let c = repeat;
    for (let attempt = 1; ; attempt++) {
      const current = c.relatedTo?.confirmation;
      if (!current || !c.relatedTo) break;
      const next = bump(c, at);
      next.relatedTo = { ...c.relatedTo, confirmation: { ...current, attempts: current.attempts + 1 } };
      try {
        // Only the counter changes: no task field depends on it.
        await deps.repo.commit({ complaint: next, expectedVersion: c.version, history: [] });
        break;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= CONFIRM_TRIES) throw e;
        c = await load(deps.repo, reference);
      }
    }
    deps.accessSignals?.wrongCode();
    await audit('denied', `wrong confirmation code (attempt ${pending.attempts + 1} of ${CONFIRM_ATTEMPTS})`);
    throw new NotFoundError(NO_CONFIRMATION);
  }
  const earlier = await load(deps.repo, link.reference);
  if (earlier.status !== 'OPEN' || earlier.mergedInto) {
    await audit('denied', 'the earlier complaint is no longer open: left to staff');
    throw new NotFoundError(NO_CONFIRMATION);
  }
  await merge(deps, { id: 'customer', how: "at the customer's request, proven by the one-time code sent to the email on file" }, repeat, earlier);
  await audit('ok', `merged into ${earlier.reference} (contact on file proven)`);
  return { merged: true, reference: earlier.reference };
}
