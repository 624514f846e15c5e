import { describe, expect, it } from 'vitest';
import { STAFF_OPERATIONS } from '../../functions/domain/authorization.ts';
import { FUNCTIONS, ROUTES, WORKFLOW_FUNCTIONS } from '../../functions/functions.ts';
import { STAFF_OPERATION_SPECS } from '../../functions/http/staff-operations.ts';
import { buildOpenApiDocument } from '../../functions/contract/openapi.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('route table', () => {
  it('has one staff route per staff operation, and a spec for each', () => {
    const staffRoutes = ROUTES.filter((r) => r.auth === 'staff')
      .map((r) => r.operationId)
      .sort();
    expect(staffRoutes).toEqual([...STAFF_OPERATIONS].sort());
    expect(Object.keys(STAFF_OPERATION_SPECS).sort()).toEqual([...STAFF_OPERATIONS].sort());
  });

  it('has unique operationIds and method+path pairs, each pointing at a known function', () => {
    expect(new Set(ROUTES.map((r) => r.operationId)).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((r) => `${r.method} ${r.path}`)).size).toBe(ROUTES.length);
    for (const r of ROUTES) expect(FUNCTIONS[r.fn]).toBeDefined();
  });

  it('documents every route in the OpenAPI document, staff routes with the bearer scheme', () => {
    const doc = buildOpenApiDocument() as any;
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op?.operationId, `${r.method} ${r.path}`).toBe(r.operationId);
      if (r.auth === 'staff') expect(op.security).toEqual([{ staffJwt: [] }]);
    }
  });

  it('substitutes every function the state machine names', () => {
    const asl = readFileSync(join(import.meta.dirname, '../../workflows/complaint.asl.json'), 'utf8');
    const used = [...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(used)).toEqual(new Set(Object.keys(WORKFLOW_FUNCTIONS)));
  });
});
