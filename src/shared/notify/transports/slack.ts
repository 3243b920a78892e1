import { SlackRejectedError, SlackUnavailableError } from "./errors.js";
import type { Deadline, LoggerPort, SlackPort, Sleep } from "./ports.js";
import {
  type AttemptResult,
  postJson,
  retryableAnswer,
  retrySettings,
  retryWithinDeadline,
} from "./retry-loop.js";

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
  /** Called before each further attempt, with the channel's name (ecs-sentinel's own metrics count them). */
  onRetry?: (service: string) => void;
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

export function buildSlackNotifier(
  webhookUrl: WebhookUrlInput,
  fetchImpl: typeof fetch,
  options: SlackNotifierOptions = {},
): SlackPort {
  const settings = retrySettings(DEFAULTS, options);
  const now = options.now ?? Date.now;
  const { logger } = settings;
  const resolveUrl = typeof webhookUrl === "string" ? async () => webhookUrl : webhookUrl;
  const invalidate = typeof webhookUrl === "string" ? undefined : webhookUrl.invalidate;

  return async (payload) => {
    const body = JSON.stringify(payload);
    let refreshedUrl = false;
    await retryWithinDeadline(
      "Slack",
      async (timeoutMs): Promise<AttemptResult<void>> => {
        const url = await resolveUrl();
        const response = await postJson(fetchImpl, url, body, timeoutMs, describeFetchFailure);
        if ("failure" in response) return { kind: "retry", problem: response.failure };
        if (response.ok) {
          await response.body?.cancel().catch(() => undefined);
          return { kind: "done", value: undefined };
        }
        const text = errorText(await response.text().catch(() => ""), url);
        const retry = retryableAnswer(response, text, now());
        if (retry) return retry;
        if ((response.status === 403 || response.status === 404) && invalidate && !refreshedUrl) {
          // Slack says the webhook is gone or forbidden: the secret may have been rotated since we cached it.
          invalidate();
          const fresh = await resolveUrl();
          if (fresh !== url) {
            refreshedUrl = true;
            logger.info("Slack webhook rotated, retrying with the refreshed secret");
            return { kind: "again" };
          }
        }
        logger.warn("Slack rejected the message", { status: response.status, slackError: text });
        throw new SlackRejectedError(response.status, text);
      },
      settings,
      (attempts, lastProblem) => new SlackUnavailableError(attempts, lastProblem),
    );
  };
}
