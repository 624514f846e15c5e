/**
 * The drill scenarios: a versioned library of data files in drills/scenarios/ (one JSON file per
 * scenario, its `version` raised when its script changes), bundled with the staff API and each
 * validated by ScenarioSchema on first use. A new scenario: its file, and a line here.
 */
import type { Scenario } from '../domain/drill.ts';
import ANONYMOUS from '../../drills/scenarios/anonymous.json' with { type: 'json' };
import CROSS_DEPARTMENT from '../../drills/scenarios/cross-department.json' with { type: 'json' };
import DISSATISFIED_CALLBACK from '../../drills/scenarios/dissatisfied-callback.json' with { type: 'json' };
import EXTENSION from '../../drills/scenarios/extension.json' with { type: 'json' };
import GBK_EMAIL from '../../drills/scenarios/gbk-email.json' with { type: 'json' };
import GROUP_INCIDENT from '../../drills/scenarios/group-incident.json' with { type: 'json' };
import MAJOR from '../../drills/scenarios/major-emergency-start.json' with { type: 'json' };
import { ScenarioSchema } from './drill.schema.ts';

const FILES: unknown[] = [MAJOR, GROUP_INCIDENT, CROSS_DEPARTMENT, ANONYMOUS, GBK_EMAIL, DISSATISFIED_CALLBACK, EXTENSION];

let library: Map<string, Scenario> | undefined;

/** Every scenario of the library, validated (a malformed file fails here, naming its field). */
export function scenarios(): Map<string, Scenario> {
  if (!library) {
    library = new Map();
    for (const file of FILES) {
      const parsed = ScenarioSchema.safeParse(file);
      if (!parsed.success) {
        const id = (file as { id?: string }).id ?? '?';
        throw new Error(`drill scenario ${id}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      library.set(parsed.data.id, parsed.data as Scenario);
    }
  }
  return library;
}

export function scenarioById(id: string): Scenario | undefined {
  return scenarios().get(id);
}
