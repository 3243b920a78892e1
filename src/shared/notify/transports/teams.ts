/**
 * Posts an Adaptive Card payload to a Microsoft Teams Workflows webhook. The workflow answers 202 Accepted
 * (older incoming webhooks 200). Teams throttles a webhook past four requests a second with HTTP 429 and asks
 * for "retry logic with exponential backoff" (learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/
 * how-to/add-incoming-webhook, "HTTP 429 responses"): 429, 5xx, timeouts and resets are retried within the
 * deadline, Retry-After honoured; any other 4xx (400 bad card, 404 deleted workflow, 413 too large) is final.
 * The URL carries the workflow's signature (`sig=`): it is a secret and never reaches an error or a log line.
 */
import type { TeamsPayload } from "../render/teams-card.js";
import { backoffDelay, fitsBudget, parseRetryAfter } from "./backoff.js";
import { TeamsRejectedError, TeamsUnavailableError } from "./errors.js";
import { realSleep, silentLogger } from "./ports.js";
import { describeFetchFailure, type SlackNotifierOptions } from "./slack.js";

export type TeamsPort = (payload: TeamsPayload) => Promise<void>;

/** The same retry and deadline settings as the Slack webhook's. */
export type TeamsSenderOptions = SlackNotifierOptions;

const DEFAULTS = {
  safetyMarginMs: 2_000,
  attemptTimeoutMs: 5_000,
  minAttemptMs: 500,
  maxAttempts: 5,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
};

const ERROR_TEXT_MAX = 200;

/** Teams' answer made safe to log: the URL (and any signature on its own) removed, printable ASCII, short. */
function errorText(body: string, url: string): string {
  const flat = body
    .split(url)
    .join("[webhook]")
    .replace(/sig=[^&"\s]+/gi, "sig=[redacted]")
    .replace(/[^\x20-\x7e]+/g, " ")
    .trim();
  return flat.slice(0, ERROR_TEXT_MAX) || "(empty body)";
}

type AttemptResult = { kind: "done" } | { kind: "retry"; problem: string; delayMs?: number };

export function buildTeamsSender(
  url: string | (() => Promise<string>),
  fetchFn: typeof fetch,
  options: TeamsSenderOptions = {},
): TeamsPort {
  const o = { ...DEFAULTS, ...options };
  const deadline = options.deadline ?? (() => Number.POSITIVE_INFINITY);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const resolveUrl = typeof url === "string" ? async () => url : url;

  async function attempt(target: string, body: string, timeoutMs: number): Promise<AttemptResult> {
    let response: Response;
    try {
      response = await fetchFn(target, {
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
    const text = errorText(await response.text().catch(() => ""), target);
    if (response.status === 429) {
      const delayMs = parseRetryAfter(response.headers.get("retry-after"), now());
      return { kind: "retry", problem: "HTTP 429", delayMs };
    }
    if (response.status >= 500) return { kind: "retry", problem: `HTTP ${response.status} ${text}` };
    logger.warn("Teams rejected the message", { status: response.status, teamsError: text });
    throw new TeamsRejectedError(response.status, text);
  }

  return async (payload) => {
    const body = JSON.stringify(payload);
    let attempts = 0;
    let lastProblem = "no time left before the deadline";
    while (attempts < o.maxAttempts) {
      const timeoutMs = Math.min(o.attemptTimeoutMs, deadline() - o.safetyMarginMs);
      if (timeoutMs < o.minAttemptMs) break;
      attempts++;
      const result = await attempt(await resolveUrl(), body, timeoutMs);
      if (result.kind === "done") return;
      lastProblem = result.problem;
      if (attempts >= o.maxAttempts) break;
      const delayMs = result.delayMs ?? backoffDelay(attempts - 1, o, random);
      if (!fitsBudget(deadline(), delayMs, o.safetyMarginMs, o.minAttemptMs)) {
        logger.warn("Teams retry would overrun the deadline, giving up", { attempts, delayMs, lastProblem });
        break;
      }
      logger.info("Teams delivery failed, retrying", { attempts, delayMs, problem: lastProblem });
      await sleep(delayMs);
    }
    logger.warn("Teams unavailable", { attempts, lastProblem });
    throw new TeamsUnavailableError(attempts, lastProblem);
  };
}
