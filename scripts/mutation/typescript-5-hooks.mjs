// Module resolution hook (node:module register): `typescript` imported from inside
// Stryker (@stryker-mutator/*: the checker, and core's tsconfig rewriting) resolves to the `typescript-5` package. See typescript-5.mjs.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/@stryker-mutator/')) {
    return nextResolve('typescript-5', context);
  }
  return nextResolve(specifier, context);
}
