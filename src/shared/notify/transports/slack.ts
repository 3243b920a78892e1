import { backoffDelay, fitsBudget, parseRetryAfter } from "./backoff.js";
import { SlackRejectedError, SlackUnavailableError } from "./errors.js";
import {
  type Deadline,
  type LoggerPort,
  realSleep,
  type SlackPort,
  type Sleep,
  silentLogger,
} from "./ports.js";

/** A fixed URL, or a resolver (from a secret) that may be told to forget a URL Slack no longer accepts. */
export type WebhookUrlInput = string | ((() => Promise<string>) & { invalidate?: () => void });

export interface SlackNotifierOptions {
  /** Milliseconds left in the invocation; retries stop so that `safetyMarginMs` remains. */
  deadline?: Deadline;
  safetyMarginMs?: number;
  /** Upper bound of one attempt (AbortSignal.timeout), shortened near the deadline. */
  attemptTimeoutMs?: number;
  /** An attempt shorter than this is not worth starting. */
  minAttemptMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
  logger?: LoggerPort;
}

const DEFAULTS = {
  safetyMarginMs: 2_000,
  attemptTimeoutMs: 5_000,
  minAttemptMs: 500,
  maxAttempts: 5,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
};

/** Keeps Slack's error text readable and short; it is logged, so nothing secret may ride along. */
function errorText(body: string, url: string): string {
  const flat = body
    .split(url)
    .join("[webhook]")
    .replace(/[^\x20-\x7e]+/g, " ")
    .trim();
  return flat.slice(0, 200) || "(empty body)";
}

/** A fetch failure named by its kind or error code, never by its message (which may quote the URL). */
export function describeFetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return "network error";
  if (error.name === "TimeoutError" || error.name === "AbortError") return "timeout";
  const cause = (error as { cause?: { code?: unknown; name?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.name === "string") return cause.name;
  return error.name;
}

type AttemptResult =
  | { kind: "done" }
  | { kind: "retry"; problem: string; delayMs?: number }
  | { kind: "stale-url"; status: number; text: string };

export function buildSlackNotifier(
  webhookUrl: WebhookUrlInput,
  fetchImpl: typeof fetch,
  options: SlackNotifierOptions = {},
): SlackPort {
  const o = { ...DEFAULTS, ...options };
  const deadline = options.deadline ?? (() => Number.POSITIVE_INFINITY);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const resolveUrl = typeof webhookUrl === "string" ? async () => webhookUrl : webhookUrl;
  const invalidate = typeof webhookUrl === "string" ? undefined : webhookUrl.invalidate;

  async function attempt(url: string, body: string, timeoutMs: number): Promise<AttemptResult> {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { kind: "retry", problem: describeFetchFailure(error) };
    }
    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: "done" };
    }
    const text = errorText(await response.text().catch(() => ""), url);
    if (response.status === 429) {
      const delayMs = parseRetryAfter(response.headers.get("retry-after"), now());
      return { kind: "retry", problem: "HTTP 429", delayMs };
    }
    if (response.status >= 500) return { kind: "retry", problem: `HTTP ${response.status} ${text}` };
    if ((response.status === 403 || response.status === 404) && invalidate) {
      return { kind: "stale-url", status: response.status, text };
    }
    logger.warn("Slack rejected the message", { status: response.status, slackError: text });
    throw new SlackRejectedError(response.status, text);
  }

  return async (payload) => {
    const body = JSON.stringify(payload);
    let attempts = 0;
    let lastProblem = "no time left before the deadline";
    let refreshedUrl = false;
    while (attempts < o.maxAttempts) {
      const timeoutMs = Math.min(o.attemptTimeoutMs, deadline() - o.safetyMarginMs);
      if (timeoutMs < o.minAttemptMs) break;
      attempts++;
      const url = await resolveUrl();
      const result = await attempt(url, body, timeoutMs);
      if (result.kind === "done") return;
      if (result.kind === "stale-url") {
        // Slack says the webhook is gone or forbidden: the secret may have been rotated since we cached it.
        invalidate?.();
        const fresh = await resolveUrl();
        if (refreshedUrl || fresh === url) {
          logger.warn("Slack rejected the message", { status: result.status, slackError: result.text });
          throw new SlackRejectedError(result.status, result.text);
        }
        refreshedUrl = true;
        logger.info("Slack webhook rotated, retrying with the refreshed secret");
        continue;
      }
      lastProblem = result.problem;
      if (attempts >= o.maxAttempts) break;
      const delayMs = result.delayMs ?? backoffDelay(attempts - 1, o, random);
      if (!fitsBudget(deadline(), delayMs, o.safetyMarginMs, o.minAttemptMs)) {
        logger.warn("Slack retry would overrun the deadline, giving up", { attempts, delayMs, lastProblem });
        break;
      }
      logger.info("Slack delivery failed, retrying", { attempts, delayMs, problem: lastProblem });
      await sleep(delayMs);
    }
    logger.warn("Slack unavailable", { attempts, lastProblem });
    throw new SlackUnavailableError(attempts, lastProblem);
  };
}
