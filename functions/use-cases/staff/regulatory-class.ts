/**
 * Classification into the region's regulatory taxonomy (issue 19 part C): staff set
 * `regulatoryClass` from the investigation on, starting from a suggestion derived from the
 * complaint's own classification (domain/taxonomies.ts). One commit of the complaint and its
 * history entry, guarded by the version; the open task, if any, is left as it is. The returns
 * pick the change up from the table's stream (domain/returns.ts); a change after a return was
 * produced is listed there as a late change.
 */
import { authorize, type Actor, type StaffOperation } from '../../domain/authorization.ts';
import type { Complaint, RegulatoryClass } from '../../domain/complaint.ts';
import { checkRegulatoryClass, isTaxonomyRegion, suggestRegulatoryClass, TAXONOMIES, taxonomyVersion } from '../../domain/taxonomies.ts';
import { parseOrThrow } from '../../contract/validation.ts';
import { RegulatoryClassRequest } from '../../contract/returns.schema.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/errors.ts';
import { entry, load } from '../common.ts';
import { bump, type StaffDeps } from './staff-actions.ts';

function allow(actor: Actor, op: StaffOperation, c: Complaint): void {
  const d = authorize(actor, op, c);
  if (!d.allowed) throw new ForbiddenError(d.reason);
}

export async function getRegulatoryClass(deps: Pick<StaffDeps, 'repo'>, actor: Actor, reference: string) {
  const c = await load(deps.repo, reference);
  allow(actor, 'getRegulatoryClass', c);
  if (!isTaxonomyRegion(c.region)) throw new ConflictError(`The region ${c.region} has no regulatory taxonomy`);
  return {
    reference,
    region: c.region,
    regulatoryClass: c.regulatoryClass ?? null,
    suggestion: suggestRegulatoryClass(c) ?? null,
    taxonomy: TAXONOMIES[c.region],
  };
}

export async function setRegulatoryClass(deps: StaffDeps, actor: Actor, reference: string, body: unknown) {
  const v = parseOrThrow(RegulatoryClassRequest, body);
  const c = await load(deps.repo, reference);
  allow(actor, 'setRegulatoryClass', c);
  if (c.stage === 'RECEIVED') throw new ConflictError('The complaint is classified for the returns from its investigation on; it is not registered yet');
  const part = c.region as 'uk' | 'us' | 'cn';
  const problems = checkRegulatoryClass(c.region, v);
  if (problems.length) throw new ValidationError(problems);
  const other = (['uk', 'us', 'cn'] as const).find((r) => r !== part && v[r]);
  if (other) throw new ValidationError([{ field: other, message: `is not the taxonomy of this complaint's region (${c.region})` }]);
  const at = deps.clock.now().toISOString();
  const next = bump(c, at);
  const regulatoryClass: RegulatoryClass = { taxonomyVersion: taxonomyVersion(c.region), [part]: v[part] };
  next.regulatoryClass = regulatoryClass;
  const before = c.regulatoryClass ? { regulatoryClass: c.regulatoryClass } : undefined;
  await deps.repo.commit({
    complaint: next,
    expectedVersion: c.version,
    history: [
      entry(reference, at, actor.id, 'regulatory-class-set', `Classified for the regulatory returns by ${actor.id}`, false, before, { regulatoryClass }),
    ],
  });
  return { reference, regulatoryClass };
}
