/**
 * Negative caching rule shared by the per-container lookups (task definitions, service deployments, service tags):
 * a lookup that failed for a reason time will not fix (AccessDenied, a ClientException "not found", a bad
 * request) is remembered for a few minutes, so a flood of stops of one broken service costs one failing call,
 * not one per event. Throttling, 5xx and network errors pass with time: they are never remembered (the SDK and
 * Lambda retry them). Pure.
 */
import { isTransientError } from "../aws-errors.js";

/** How long a lasting failure is remembered by default: long enough to absorb a flood, short enough to heal. */
export const DEFAULT_FAILURE_TTL_MS = 5 * 60_000;

/** True when asking again within a few minutes would only repeat the same answer. */
export function isLastingFailure(error: unknown): boolean {
  if (isTransientError(error)) return false;
  // An abandoned call (budget ran out, Lambda's abort) says nothing about the resource.
  const name = error instanceof Error ? error.name : "";
  return name !== "AbortError" && name !== "EnrichmentTimeoutError";
}
