// Process-wide singletons. Next's bundled server code and the custom server (server.ts) load the
// same module as separate copies in one process; state they must share (the database pool, the
// vote writer, the event listeners, caches) lives on globalThis under one key per name, created
// by whichever copy asks first.

/** The one value called `name` in this process, made by `create` on first use. */
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  return (store[Symbol.for(`weigh-in.${name}`)] ??= create());
}
