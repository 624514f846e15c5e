// Loaded with `node --import` into Stryker's processes (scripts/mutation.ts sets NODE_OPTIONS):
// Stryker's TypeScript checker needs TypeScript's compiler API, which TypeScript 7 (the
// project's `typescript`, a native binary) no longer has. Only Stryker's own imports of
// `typescript` are sent to TypeScript 5.9 (`typescript-5` in package.json); everything else,
// tsc included, keeps TypeScript 7. ADR 0020.
import { register } from 'node:module';

register('./typescript-5-hooks.mjs', import.meta.url);
