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
import { backoffDelay, fitsBudget, parseRetryAfter } from "./backoff.js";
import { PagerDutyRejectedError, PagerDutyUnavailableError } from "./errors.js";
import { realSleep, silentLogger } from "./ports.js";
import { describeFetchFailure, type SlackNotifierOptions } from "./slack.js";

export type PagerDutyPort = (event: PagerDutyEvent) => Promise<{ dedupKey?: string }>;

/** The same retry and deadline settings as the Slack webhook. */
export type PagerDutySenderOptions = SlackNotifierOptions;

export const DEFAULT_PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

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

type AttemptResult =
  | { kind: "done"; dedupKey?: string }
  | { kind: "retry"; problem: string; delayMs?: number }
  | { kind: "rejected"; status: number; message: string; errors: string[] };

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
  const o = { ...DEFAULTS, ...options };
  const deadline = options.deadline ?? (() => Number.POSITIVE_INFINITY);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;

  async function attempt(body: string, routingKey: string, timeoutMs: number): Promise<AttemptResult> {
    let response: Response;
    try {
      response = await fetchFn(eventsUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { kind: "retry", problem: describeFetchFailure(error) };
    }
    const text = await response.text().catch(() => "");
    if (response.ok) {
      const dedupKey = parseJson(text)?.dedup_key;
      return typeof dedupKey === "string" ? { kind: "done", dedupKey } : { kind: "done" };
    }
    if (response.status === 429) {
      const delayMs = parseRetryAfter(response.headers.get("retry-after"), now());
      return { kind: "retry", problem: "HTTP 429", delayMs };
    }
    if (response.status >= 500) {
      const detail = safeText(parseJson(text)?.message ?? text, routingKey);
      return { kind: "retry", problem: `HTTP ${response.status}${detail ? ` ${detail}` : ""}` };
    }
    return rejection(response.status, text, routingKey);
  }

  return async (event) => {
    const body = JSON.stringify(event);
    let attempts = 0;
    let lastProblem = "no time left before the deadline";
    while (attempts < o.maxAttempts) {
      const timeoutMs = Math.min(o.attemptTimeoutMs, deadline() - o.safetyMarginMs);
      if (timeoutMs < o.minAttemptMs) break;
      attempts++;
      const result = await attempt(body, event.routing_key, timeoutMs);
      if (result.kind === "done") return result.dedupKey === undefined ? {} : { dedupKey: result.dedupKey };
      if (result.kind === "rejected") {
        logger.warn("PagerDuty rejected the event", {
          status: result.status,
          action: event.event_action,
          pagerDutyMessage: result.message,
          pagerDutyErrors: result.errors,
        });
        throw new PagerDutyRejectedError(result.status, result.message, result.errors);
      }
      lastProblem = result.problem;
      if (attempts >= o.maxAttempts) break;
      const delayMs = result.delayMs ?? backoffDelay(attempts - 1, o, random);
      if (!fitsBudget(deadline(), delayMs, o.safetyMarginMs, o.minAttemptMs)) {
        logger.warn("PagerDuty retry would overrun the deadline, giving up", {
          attempts,
          delayMs,
          lastProblem,
        });
        break;
      }
      logger.info("PagerDuty delivery failed, retrying", { attempts, delayMs, problem: lastProblem });
      await sleep(delayMs);
    }
    logger.warn("PagerDuty unavailable", { attempts, lastProblem });
    throw new PagerDutyUnavailableError(attempts, lastProblem);
  };
}
