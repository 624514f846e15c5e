/**
 * A staff request's changes carry its audit entry (ADR 0018): the repository the staff route
 * hands its use case adds the entry to every change the use case commits (or registers), and
 * the repository writes it in the change's own transaction - a change is never on the table
 * without its entry, whatever dies when. What it carried is returned, so that the route writes
 * a separate entry only for what committed nothing (reads, refusals, failures).
 */
import type { Actor, StaffOperation } from '../domain/authorization.ts';
import type { AuditLog, ComplaintRepository } from '../domain/ports.ts';
import type { AuditEntry, Change, NewComplaint } from '../domain/model.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, ForbiddenError, ValidationError } from '../shared/errors.ts';

export interface AuditedChanges<R> {
  repo: R;
  /** The entries written with the changes that committed, in order. */
  readonly committed: AuditEntry[];
}

/** `entry` gives the request's entry at the moment of each change (who, roles, when, operation). */
export function auditEachChange<R extends ComplaintRepository>(repo: R, entry: () => Omit<AuditEntry, 'reference' | 'outcome' | 'version'>): AuditedChanges<R> {
  const committed: AuditEntry[] = [];
  const commit = async (change: Change) => {
    const audit: AuditEntry = { ...entry(), reference: change.complaint.reference, outcome: 'ok', version: change.expectedVersion + 1 };
    await repo.commit({ ...change, audit });
    committed.push(audit);
  };
  const create = async (registration: NewComplaint) => {
    const audit: AuditEntry = { ...entry(), reference: registration.complaint.reference, outcome: 'ok', version: registration.complaint.version };
    await repo.create({ ...registration, audit });
    committed.push(audit);
  };
  // Every other method is the repository's own, called on it.
  const audited = new Proxy(repo, {
    get(target, name) {
      if (name === 'commit') return commit;
      if (name === 'create') return create;
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { repo: audited, committed };
}

/** What a staff call needs to be audited: the table's ports and the clock. */
export interface AuditedCallDeps<R> {
  repo: R;
  audit: AuditLog;
  clock: Clock;
}

/**
 * Runs one staff call on the record: its changes carry its entry (auditEachChange); a call that
 * committed nothing (a read of personal data: before the answer goes out) gets an entry of its
 * own, and so does every refusal or failure - a 400's entry names the fields, never their values.
 * `who.notAuditedWhenOk`: masked lists, audited only when refused.
 */
export async function auditedCall<R extends ComplaintRepository, T>(
  d: AuditedCallDeps<R>,
  who: { actor: Actor; operation: StaffOperation; notAuditedWhenOk?: boolean; okDetail?: string | (() => string | undefined) },
  run: (repo: R, onReference: (reference: string) => void) => Promise<T>,
): Promise<T> {
  const { actor, operation } = who;
  let reference = '';
  const base = () => ({ at: d.clock.now().toISOString(), actor: actor.id, roles: actor.roles, operation });
  const audit = (outcome: AuditEntry['outcome'], detail?: string) =>
    d.audit.record({ ...base(), ...(reference ? { reference } : {}), outcome, ...(detail ? { detail } : {}) });
  const changes = auditEachChange(d.repo, base);
  let result: T;
  try {
    result = await run(changes.repo, (r) => {
      reference = r;
    });
  } catch (e) {
    const detail =
      e instanceof ValidationError
        ? `${e.message} (${[...new Set(e.issues.map((i) => i.field))].join(', ')})`.slice(0, 200)
        : e instanceof AppError
          ? e.message
          : (e as Error)?.name;
    await audit(e instanceof ForbiddenError ? 'denied' : e instanceof AppError ? 'rejected' : 'error', detail);
    throw e;
  }
  // A change is on the record already (its entry committed with it); a read of personal data is
  // only answered once it is.
  if (!changes.committed.length && !who.notAuditedWhenOk) await audit('ok', typeof who.okDetail === 'function' ? who.okDetail() : who.okDetail);
  return result;
}
