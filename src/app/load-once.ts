/**
 * A module group loaded on first use: one `import()` shared by every caller, forgotten when it fails so the next
 * call tries again (the failure is thrown to the caller, so Lambda retries the event).
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
