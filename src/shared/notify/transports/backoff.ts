/** PURE retry timing: exponential backoff with full jitter, Retry-After parsing, and the deadline budget. */

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Full jitter (AWS architecture blog): a random delay in [0, min(max, base * 2^attempt)). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Retry-After is seconds (Slack) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Whether waiting `delayMs` still leaves time for a useful attempt before the invocation ends.
 * `remainingMs` is the time left, `safetyMarginMs` is kept for recording state and returning.
 */
export function fitsBudget(
  remainingMs: number,
  delayMs: number,
  safetyMarginMs: number,
  minAttemptMs: number,
) {
  return remainingMs - safetyMarginMs - delayMs >= minAttemptMs;
}
