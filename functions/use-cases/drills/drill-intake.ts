/**
 * How intake knows a complaint is a drill's (issue 20, ADR 0017): the drill runner sends the
 * drill's token with it (the web form's and the staff API's `X-Drill-Token` header, the
 * email's header of the same name) and the scenario complaint it plays (`X-Drill-Step`). A token
 * that is not the running drill's is refused, naming the header: never a silent real complaint,
 * nor a real complaint silently left out of the figures.
 */
import type { Complaint } from '../../domain/complaint.ts';
import { checkDrillToken, parseDrillToken } from '../../domain/drill.ts';
import type { DrillStore } from '../../domain/ports.ts';
import { ValidationError } from '../../shared/errors.ts';

export const DRILL_TOKEN_HEADER = 'x-drill-token';
export const DRILL_STEP_HEADER = 'x-drill-step';

export interface DrillClaim {
  token: string;
  step?: string;
}

/** The headers' drill claim, if any (header names in lower case). */
export function drillClaimOf(headers: Record<string, string | undefined>): DrillClaim | undefined {
  const token = headers[DRILL_TOKEN_HEADER];
  if (token === undefined) return undefined;
  const step = headers[DRILL_STEP_HEADER];
  return { token, ...(step !== undefined ? { step } : {}) };
}

/** The complaint's `drill` mark for a verified claim; a ValidationError naming the header otherwise. */
export async function drillMark(claim: DrillClaim, drills: Pick<DrillStore, 'getDrill'> | undefined): Promise<NonNullable<Complaint['drill']>> {
  const parsed = parseDrillToken(claim.token);
  if (claim.step !== undefined && !/^[a-z0-9-]{1,40}$/.test(claim.step)) {
    throw new ValidationError([{ field: 'X-Drill-Step', message: 'must be the key of a scenario complaint' }]);
  }
  const drill = parsed && drills ? await drills.getDrill(parsed.drillId) : undefined;
  const check = checkDrillToken(claim.token, drill);
  if (!check.ok) throw new ValidationError([{ field: 'X-Drill-Token', message: check.reason }]);
  return { drillId: check.drill.drillId, scenario: check.drill.scenario, ...(claim.step ? { step: claim.step } : {}) };
}
