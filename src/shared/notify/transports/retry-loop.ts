/**
 * The one delivery loop of the HTTP channels (Slack's webhook, Teams, PagerDuty): an attempt bounded by its own
 * timeout and the invocation's deadline, retried with full-jitter backoff (or the service's Retry-After) while
 * the deadline allows, then the channel's own "unavailable" error. Each channel says what an answer means.
 */
import { backoffDelay, fitsBudget, parseRetryAfter } from "./backoff.js";
import { type Deadline, type LoggerPort, realSleep, type Sleep, silentLogger } from "./ports.js";

export interface RetrySettings {
  safetyMarginMs: number;
  attemptTimeoutMs: number;
  minAttemptMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  deadline: Deadline;
  sleep: Sleep;
  random: () => number;
  logger: LoggerPort;
  /** Called before each further attempt after a delay, with the service's name (metrics). */
  onRetry?: (service: string) => void;
}

/** The settings of a channel: its defaults, overridden by the caller's options (tests inject time). */
export function retrySettings(
  defaults: Pick<
    RetrySettings,
    "safetyMarginMs" | "attemptTimeoutMs" | "minAttemptMs" | "maxAttempts" | "baseDelayMs" | "maxDelayMs"
  >,
  options: Partial<RetrySettings>,
): RetrySettings {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return {
    deadline: () => Number.POSITIVE_INFINITY,
    sleep: realSleep,
    random: Math.random,
    logger: silentLogger,
    ...defaults,
    ...defined,
  };
}

/** What one attempt came to: done, worth another attempt (after a delay), or another attempt at once. */
export type AttemptResult<T> =
  | { kind: "done"; value: T }
  | { kind: "retry"; problem: string; delayMs?: number }
  /** Something changed that makes the next attempt different (a rotated secret): no backoff. */
  | { kind: "again" };

export async function retryWithinDeadline<T>(
  service: string,
  attempt: (timeoutMs: number) => Promise<AttemptResult<T>>,
  s: RetrySettings,
  unavailable: (attempts: number, lastProblem: string) => Error,
): Promise<T> {
  let attempts = 0;
  let lastProblem = "no time left before the deadline";
  while (attempts < s.maxAttempts) {
    const timeoutMs = Math.min(s.attemptTimeoutMs, s.deadline() - s.safetyMarginMs);
    if (timeoutMs < s.minAttemptMs) break;
    attempts++;
    const result = await attempt(timeoutMs);
    if (result.kind === "done") return result.value;
    if (result.kind === "again") continue;
    lastProblem = result.problem;
    if (attempts >= s.maxAttempts) break;
    const delayMs = result.delayMs ?? backoffDelay(attempts - 1, s, s.random);
    if (!fitsBudget(s.deadline(), delayMs, s.safetyMarginMs, s.minAttemptMs)) {
      s.logger.warn(`${service} retry would overrun the deadline, giving up`, {
        attempts,
        delayMs,
        lastProblem,
      });
      break;
    }
    s.logger.info(`${service} delivery failed, retrying`, { attempts, delayMs, problem: lastProblem });
    s.onRetry?.(service);
    await s.sleep(delayMs);
  }
  s.logger.warn(`${service} unavailable`, { attempts, lastProblem });
  throw unavailable(attempts, lastProblem);
}

/** POSTs JSON; a network failure or timeout comes back as its name (never the URL, which may be a secret). */
export async function postJson(
  fetchFn: typeof fetch,
  url: string,
  body: string,
  timeoutMs: number,
  describeFailure: (error: unknown) => string,
): Promise<Response | { failure: string }> {
  try {
    return await fetchFn(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { failure: describeFailure(error) };
  }
}

/** 429 (with the service's Retry-After) and 5xx are worth another attempt; undefined for other answers. */
export function retryableAnswer(
  response: Response,
  detail: string,
  now: number,
): { kind: "retry"; problem: string; delayMs?: number } | undefined {
  if (response.status === 429) {
    const delayMs = parseRetryAfter(response.headers.get("retry-after"), now);
    return { kind: "retry", problem: "HTTP 429", ...(delayMs === undefined ? {} : { delayMs }) };
  }
  if (response.status >= 500)
    return { kind: "retry", problem: `HTTP ${response.status}${detail ? ` ${detail}` : ""}` };
  return undefined;
}
