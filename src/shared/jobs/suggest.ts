/** "did you mean …?" for a misspelt field name: the nearest known name by edit distance. Pure. */

/** Letters only, lower case: `max_runtime`, `MaxRuntime` and `max-runtime` all read as `maxruntime`. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known name `unknown` most likely meant, or undefined when none is close: the same letters in another case
 * or separator style, at most one edit per three letters (two at least), or a known name that starts or ends with
 * it (`retries` -> `startRetries`).
 */
export function nearestName(unknown: string, known: readonly string[]): string | undefined {
  const wanted = fold(unknown);
  if (wanted === "") return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const candidate = fold(name);
    const distance = editDistance(wanted, candidate);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best && best.distance <= Math.max(2, Math.floor(wanted.length / 3))) return best.name;
  if (wanted.length < 3) return undefined;
  return known.find((name) => {
    const candidate = fold(name);
    return candidate.startsWith(wanted) || (wanted.length >= 4 && candidate.endsWith(wanted));
  });
}

/** `unknown field; did you mean "maxRuntime"?`, or the known names when none is close. */
export function unknownFieldProblem(unknown: string, known: readonly string[]): string {
  const nearest = nearestName(unknown, known);
  return nearest !== undefined
    ? `unknown field; did you mean "${nearest}"?`
    : `unknown field; expected one of ${known.join(", ")}`;
}
