/**
 * The one lazy-loading helper: a port whose adapter (and its AWS client) is loaded on the first
 * call of one of its methods, a chunk of its own in the bundle, instead of at every cold start.
 * For functions where only some requests use it: the Step Functions client (most functions never
 * call it), the attachments' S3 client and presigner (~150 KB; only a complaint with files), the
 * archive (the staff API's retrieval and erasure). Functions that use one on every invocation
 * import its module directly (./workflow-client.ts, ./object-storage.ts, ./archive-storage.ts).
 * Which ports are loaded so: the container's workflow (./container.ts), and the attachments and
 * the archive (./stores-on-first-use.ts) - a module of their own, so that a function with the
 * container but no S3 bundles no S3 chunk.
 */

type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof T];

/** `T` whose listed methods load the adapter (once; again after a failed load) and call it. */
export function onFirstUse<T>(load: () => Promise<T>, methods: readonly NoInfer<AsyncMethods<T>>[]): T {
  let loading: Promise<T> | undefined;
  const adapter = () => {
    loading ??= load();
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
  return Object.fromEntries(
    methods.map((name) => [
      name,
      async (...args: unknown[]) => {
        const a = await adapter();
        return (a[name] as (...args: unknown[]) => Promise<unknown>).apply(a, args);
      },
    ]),
  ) as T;
}
