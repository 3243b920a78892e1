/** "did you mean …?" for a misspelt field name: the nearest known name by edit distance. Pure. */
import { editDistance } from "../edit-distance.js";

/** Letters only, lower case: `max_runtime`, `MaxRuntime` and `max-runtime` all read as `maxruntime`. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
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
