/**
 * A module group loaded on first use: one `import()` shared by every caller, forgotten when it fails so the next
 * call tries again. The failure is thrown as ModuleLoadError, which the steps that leave out context they could
 * not get (alert context, message preparation) let through: a missing module is a broken bundle, not a slow
 * API, so the event must fail and be retried rather than go out poorer.
 *
 * Call it at module scope as `/* @__PURE__ *\/ loadOnce(...)`: esbuild then drops it, and the chunk it imports, from
 * the functions that never call it; a bare call at module scope is kept, chunk and all, in every function whose
 * bundle imports the module (slackActions' zip grew 30 KiB, past 1 MiB, when the log signatures' was bare).
 */
export class ModuleLoadError extends Error {
  override readonly name = "ModuleLoadError";
}

export function loadOnce<T>(what: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw new ModuleLoadError(
        `could not load ${what}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    });
    return loading;
  };
}
