/**
 * Posts an Adaptive Card payload to a Microsoft Teams Workflows webhook. The workflow answers 202 Accepted
 * (older incoming webhooks 200). Teams throttles a webhook past four requests a second with HTTP 429 and asks
 * for "retry logic with exponential backoff" (learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/
 * how-to/add-incoming-webhook, "HTTP 429 responses"): 429, 5xx, timeouts and resets are retried within the
 * deadline, Retry-After honoured; any other 4xx (400 bad card, 404 deleted workflow, 413 too large) is final.
 * The URL carries the workflow's signature (`sig=`): it is a secret and never reaches an error or a log line.
 */
import type { TeamsPayload } from "../render/teams-card.js";
import { TeamsRejectedError, TeamsUnavailableError } from "./errors.js";
import {
  type AttemptResult,
  postJson,
  retryableAnswer,
  retrySettings,
  retryWithinDeadline,
} from "./retry-loop.js";
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

export function buildTeamsSender(
  url: string | (() => Promise<string>),
  fetchFn: typeof fetch,
  options: TeamsSenderOptions = {},
): TeamsPort {
  const settings = retrySettings(DEFAULTS, options);
  const now = options.now ?? Date.now;
  const resolveUrl = typeof url === "string" ? async () => url : url;

  async function attempt(target: string, body: string, timeoutMs: number): Promise<AttemptResult<void>> {
    const response = await postJson(fetchFn, target, body, timeoutMs, describeFetchFailure);
    if ("failure" in response) return { kind: "retry", problem: response.failure };
    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: "done", value: undefined };
    }
    const text = errorText(await response.text().catch(() => ""), target);
    const retry = retryableAnswer(response, text, now());
    if (retry) return retry;
    settings.logger.warn("Teams rejected the message", { status: response.status, teamsError: text });
    throw new TeamsRejectedError(response.status, text);
  }

  return async (payload) => {
    const body = JSON.stringify(payload);
    await retryWithinDeadline(
      "Teams",
      async (timeoutMs) => attempt(await resolveUrl(), body, timeoutMs),
      settings,
      (attempts, lastProblem) => new TeamsUnavailableError(attempts, lastProblem),
    );
  };
}
