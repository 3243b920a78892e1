/**
 * Sends PagerDuty Events API v2 events, retrying what PagerDuty says to retry within the invocation's deadline.
 * https://developer.pagerduty.com/docs/events-api-v2/overview/ ("API Response Codes & Retry Logic", also in
 * https://raw.githubusercontent.com/PagerDuty/api-schema/main/reference/events-v2/openapiv3.json):
 * 202 accepted (`{status: "success", message, dedup_key}`), 400 invalid event (`{status, message, errors}`,
 * do not retry), 429 too many events (retry after some time, with back-off), 5xx and network errors (retry).
 * The routing key is the secret: it travels in the body only and is cut out of anything PagerDuty answers
 * before that is logged or thrown.
 */
import type { PagerDutyEvent } from "../pagerduty/event.js";
import { PagerDutyRejectedError, PagerDutyUnavailableError } from "./errors.js";
import {
  type AttemptResult,
  postJson,
  retryableAnswer,
  retrySettings,
  retryWithinDeadline,
} from "./retry-loop.js";
import { describeFetchFailure, type SlackNotifierOptions } from "./slack.js";

export type PagerDutyPort = (event: PagerDutyEvent) => Promise<{ dedupKey?: string }>;

/** The same retry and deadline settings as the Slack webhook. */
export type PagerDutySenderOptions = SlackNotifierOptions;

export { DEFAULT_PAGERDUTY_EVENTS_URL } from "./pagerduty-endpoint.js";

const DEFAULTS = {
  safetyMarginMs: 2_000,
  attemptTimeoutMs: 5_000,
  minAttemptMs: 500,
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 5_000,
};
const TEXT_MAX = 300;
const MAX_ERRORS = 10;
const REDACTED = "[routing_key]";

/** PagerDuty's words, safe to log: the routing key cut out, one printable line, short. */
function safeText(value: unknown, routingKey: string): string {
  const raw = typeof value === "string" ? value : "";
  const redacted = routingKey ? raw.split(routingKey).join(REDACTED) : raw;
  return redacted
    .replace(/[^\x20-\x7e]+/g, " ")
    .trim()
    .slice(0, TEXT_MAX);
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function rejection(status: number, body: string, routingKey: string) {
  const json = parseJson(body);
  const message = safeText(json?.message ?? json?.status ?? body, routingKey) || "(empty body)";
  const errors = Array.isArray(json?.errors)
    ? json.errors
        .slice(0, MAX_ERRORS)
        .map((e) => safeText(e, routingKey))
        .filter(Boolean)
    : [];
  return { kind: "rejected" as const, status, message, errors };
}

export function buildPagerDutySender(
  eventsUrl: string,
  fetchFn: typeof fetch,
  options: PagerDutySenderOptions = {},
): PagerDutyPort {
  const settings = retrySettings(DEFAULTS, options);
  const now = options.now ?? Date.now;

  async function attempt(
    event: PagerDutyEvent,
    body: string,
    timeoutMs: number,
  ): Promise<AttemptResult<{ dedupKey?: string }>> {
    const routingKey = event.routing_key;
    const response = await postJson(fetchFn, eventsUrl, body, timeoutMs, describeFetchFailure);
    if ("failure" in response) return { kind: "retry", problem: response.failure };
    const text = await response.text().catch(() => "");
    if (response.ok) {
      const dedupKey = parseJson(text)?.dedup_key;
      return { kind: "done", value: typeof dedupKey === "string" ? { dedupKey } : {} };
    }
    const retry = retryableAnswer(response, safeText(parseJson(text)?.message ?? text, routingKey), now());
    if (retry) return retry;
    const rejected = rejection(response.status, text, routingKey);
    settings.logger.warn("PagerDuty rejected the event", {
      status: rejected.status,
      action: event.event_action,
      pagerDutyMessage: rejected.message,
      pagerDutyErrors: rejected.errors,
    });
    throw new PagerDutyRejectedError(rejected.status, rejected.message, rejected.errors);
  }

  return async (event) => {
    const body = JSON.stringify(event);
    return retryWithinDeadline(
      "PagerDuty",
      (timeoutMs) => attempt(event, body, timeoutMs),
      settings,
      (attempts, lastProblem) => new PagerDutyUnavailableError(attempts, lastProblem),
    );
  };
}
