/**
 * A staff request's changes carry its audit entry (ADR 0018): the repository the staff route
 * hands its use case adds the entry to every change the use case commits (or registers), and
 * the repository writes it in the change's own transaction - a change is never on the table
 * without its entry, whatever dies when. What it carried is returned, so that the route writes
 * a separate entry only for what committed nothing (reads, refusals, failures).
 */
import type { ComplaintRepository } from '../domain/ports.ts';
import type { AuditEntry, Change, NewComplaint } from '../domain/model.ts';

export interface AuditedChanges<R> {
  repo: R;
  /** The entries written with the changes that committed, in order. */
  readonly committed: AuditEntry[];
}

/** `entry` gives the request's entry at the moment of each change (who, roles, when, operation). */
export function auditEachChange<R extends ComplaintRepository>(
  repo: R,
  entry: () => Omit<AuditEntry, 'reference' | 'outcome' | 'version'>,
): AuditedChanges<R> {
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
