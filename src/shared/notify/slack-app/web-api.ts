/**
 * The SlackApi port over Slack's Web API (chat.postMessage, chat.update, usergroups.users.list, auth.test) with a
 * bot token, over fetch. chat.* send JSON; usergroups.users.list sends a form body, as it "does not currently
 * accept application/json" (docs.slack.dev/reference/methods/usergroups.users.list); auth.test sends an empty form
 * body (it takes both; docs.slack.dev/reference/methods/auth.test).
 *
 * - Slack answers most errors as HTTP 200 `{ok: false, error}`: each documented code becomes a SlackApiError with
 *   the action the app mode takes and a hint for the operator (errors.ts). An `auth` error makes the token source
 *   forget the token; when the re-read secret holds a different token (rotated), the call is tried once more.
 * - HTTP 429: waits `Retry-After` when that fits the invocation, else throws `ratelimited` with action `retry`
 *   (the event is retried later: delayed, never dropped). 5xx, timeouts, network errors and Slack's transient
 *   codes: retried with full-jitter backoff, then `retry`.
 * - Pacing: at most one chat.postMessage per `postIntervalMs` per channel from this process (Slack: "about one
 *   message per second per channel", docs.slack.dev/apis/web-api/rate-limits).
 * - The token is never logged nor put in an error; neither are request bodies.
 *
 * A retried chat.postMessage after a timeout may post twice when Slack did receive the first attempt: Slack's API
 * offers no idempotency key for it.
 */

import { backoffDelay, fitsBudget, parseRetryAfter } from "../transports/backoff.js";
import { type Deadline, type LoggerPort, realSleep, type Sleep, silentLogger } from "../transports/ports.js";
import { describeFetchFailure } from "../transports/slack.js";
import type { PostedMessage, PostMessageRequest, SlackWebApi, UpdateRequest } from "./api-port.js";
import {
  SlackApiError,
  type SlackApiErrorDetails,
  SlackMalformedResponseError,
  type SlackMethod,
  slackErrorMeaning,
} from "./errors.js";
import {
  type Answer,
  authIdentity,
  errorDetail,
  normalizeSlackApiUrl,
  readJson,
  stripUndefined,
  USERGROUP_ID,
  usergroupUsers,
} from "./web-api-answers.js";

export { normalizeSlackApiUrl } from "./web-api-answers.js";

/** Where the bot token comes from; `invalidate` makes the next call re-read it (same shape as WebhookUrlSource). */
export type TokenSource = (() => Promise<string>) & { invalidate(): void };

export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";

export interface SlackWebApiOptions {
  /** Web API base, default https://slack.com/api/; a missing trailing "/" is added. */
  baseUrl?: string;
  token: TokenSource;
  fetch: typeof fetch;
  /** Milliseconds left in the invocation; waits and retries stop so that `safetyMarginMs` remains. */
  deadline?: Deadline;
  logger?: LoggerPort;
  sleep?: Sleep;
  /** Epoch ms (pacing, Retry-After dates). */
  clock?: () => number;
  random?: () => number;
  /** Minimum time between two chat.postMessage calls to one channel from this process; 0 turns pacing off. */
  postIntervalMs?: number;
  safetyMarginMs?: number;
  /** Upper bound of one HTTP attempt (AbortSignal.timeout), shortened near the deadline. */
  attemptTimeoutMs?: number;
  /** An attempt shorter than this is not worth starting. */
  minAttemptMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each further attempt after a wait (a 429's Retry-After, a backoff), with the method (metrics). */
  onRetry?: (method: SlackMethod) => void;
}

const DEFAULTS = {
  postIntervalMs: 1_000,
  safetyMarginMs: 2_000,
  attemptTimeoutMs: 5_000,
  minAttemptMs: 500,
  maxAttempts: 5,
  baseDelayMs: 300,
  maxDelayMs: 5_000,
};

type AttemptResult =
  | { kind: "ok"; body: Answer }
  | { kind: "slack-error"; code: string; status: number; detail?: string }
  | { kind: "rate-limited"; retryAfterMs?: number }
  | { kind: "transient"; code: string; status?: number }
  | { kind: "fatal"; error: SlackApiError };

/** A header value fetch accepts; anything else would make fetch throw an error that may quote the token. */
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;

export function buildSlackWebApi(options: SlackWebApiOptions): SlackWebApi {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const baseUrl = normalizeSlackApiUrl(options.baseUrl ?? DEFAULT_SLACK_API_URL);
  const deadline = options.deadline ?? (() => Number.POSITIVE_INFINITY);
  const sleep = options.sleep ?? realSleep;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? silentLogger;
  const fetchImpl = options.fetch;
  const tokenSource = options.token;
  /** Epoch ms of the next free chat.postMessage slot per channel. */
  const nextPostAt = new Map<string, number>();

  /** Logs what went wrong (never the token or a body) and returns the error to throw. */
  function report(error: SlackApiError): SlackApiError {
    logger.warn("Slack API call failed", {
      method: error.method,
      ...(error.channel ? { channel: error.channel } : {}),
      ...(error.usergroup ? { usergroup: error.usergroup } : {}),
      slackError: error.code,
      action: error.action,
      hint: error.hint,
      ...(error.detail ? { detail: error.detail } : {}),
      ...(error.status ? { status: error.status } : {}),
      ...(error.attempts ? { attempts: error.attempts } : {}),
    });
    return error;
  }

  function fail(method: SlackMethod, code: string, details: SlackApiErrorDetails): SlackApiError {
    const meaning = slackErrorMeaning(code, method);
    return report(new SlackApiError(method, code, meaning.action, meaning.hint, details));
  }

  async function readToken(method: SlackMethod, where: Where): Promise<string> {
    let token: string;
    try {
      token = (await tokenSource()).trim();
    } catch (error) {
      const kind = error instanceof Error ? error.name : "unknown error";
      const result = new SlackApiError(
        method,
        "token_unreadable",
        "retry",
        "the bot token secret could not be read: check SLACK_BOT_TOKEN_FROM and the function's permission to read it; the event is retried",
        { ...where, detail: kind },
      );
      logger.error("Could not read the Slack bot token", { method, errorName: kind });
      throw result;
    }
    if (token === "") throw fail(method, "not_authed", where);
    if (!TOKEN_SHAPE.test(token)) {
      tokenSource.invalidate();
      throw report(
        new SlackApiError(
          method,
          "invalid_token_format",
          "auth",
          "the bot token contains spaces or control characters: store the xoxb-... token alone in the secret",
          where,
        ),
      );
    }
    return token;
  }

  async function attempt(
    method: SlackMethod,
    where: Where,
    token: string,
    body: RequestBody,
    timeoutMs: number,
  ): Promise<AttemptResult> {
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${method}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": body.contentType },
        body: body.text,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { kind: "transient", code: describeFetchFailure(error) };
    }
    if (response.status === 429) {
      await response.body?.cancel().catch(() => undefined);
      return {
        kind: "rate-limited",
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), clock()),
      };
    }
    const answer = await readJson(response);
    if (response.status >= 500)
      return { kind: "transient", code: `http_${response.status}`, status: response.status };
    if (answer && answer.ok === false && typeof answer.error === "string") {
      return {
        kind: "slack-error",
        code: answer.error,
        status: response.status,
        detail: errorDetail(answer),
      };
    }
    if (response.status < 200 || response.status >= 300) {
      const error = new SlackApiError(
        method,
        `http_${response.status}`,
        "payload",
        `the API answered HTTP ${response.status}: check SLACK_API_URL (default https://slack.com/api/)`,
        { ...where, status: response.status },
      );
      return { kind: "fatal", error };
    }
    if (answer?.ok !== true) {
      return {
        kind: "fatal",
        error: new SlackMalformedResponseError(method, "no JSON with ok: true", where),
      };
    }
    if (typeof answer.warning === "string")
      logger.debug("Slack API warning", { method, warning: answer.warning });
    return { kind: "ok", body: answer };
  }

  /** Waits for this channel's next post slot (reserved at once, so concurrent posts queue up). */
  async function pace(channel: string): Promise<void> {
    if (o.postIntervalMs <= 0) return;
    const now = clock();
    const slot = Math.max(now, nextPostAt.get(channel) ?? 0);
    nextPostAt.set(channel, slot + o.postIntervalMs);
    if (nextPostAt.size > 1_000) {
      for (const [key, at] of nextPostAt) if (at < now) nextPostAt.delete(key);
    }
    const waitMs = slot - now;
    if (waitMs <= 0) return;
    if (!fitsBudget(deadline(), waitMs, o.safetyMarginMs, o.minAttemptMs)) {
      logger.debug("Slack pacing wait does not fit the invocation, posting now", { channel, waitMs });
      return;
    }
    await sleep(waitMs);
  }

  async function call(method: SlackMethod, where: Where, body: RequestBody): Promise<Answer> {
    let attempts = 0;
    /** The last problem; `slack` when it is one of Slack's codes (its hint applies). */
    let last: { code: string; slack?: boolean; status?: number; retryAfterMs?: number } = {
      code: "deadline",
    };
    let rotated = false;
    // Paced once per call: a retry waits for its backoff or Slack's Retry-After instead.
    if (method === "chat.postMessage" && where.channel) await pace(where.channel);
    for (;;) {
      const timeoutMs = Math.min(o.attemptTimeoutMs, deadline() - o.safetyMarginMs);
      if (timeoutMs < o.minAttemptMs) break;
      attempts++;
      const token = await readToken(method, where);
      const result = await attempt(method, where, token, body, timeoutMs);
      if (result.kind === "ok") return result.body;
      if (result.kind === "fatal") throw report(result.error);
      let delayMs: number;
      if (result.kind === "slack-error") {
        const meaning = slackErrorMeaning(result.code, method);
        if (meaning.action === "auth") {
          tokenSource.invalidate();
          if (!rotated && (await readToken(method, where).catch(() => token)) !== token) {
            rotated = true;
            logger.info("Slack bot token rotated, retrying with the re-read secret", { method });
            continue;
          }
        }
        if (meaning.action !== "retry") {
          throw fail(method, result.code, {
            ...where,
            status: result.status,
            detail: result.detail,
            attempts,
          });
        }
        last = { code: result.code, slack: true };
        delayMs = backoffDelay(attempts - 1, o, random);
      } else if (result.kind === "rate-limited") {
        last = { code: "ratelimited", slack: true, status: 429, retryAfterMs: result.retryAfterMs };
        delayMs = result.retryAfterMs ?? backoffDelay(attempts - 1, o, random);
      } else {
        last = { code: result.code, status: result.status };
        delayMs = backoffDelay(attempts - 1, o, random);
      }
      if (attempts >= o.maxAttempts) break;
      if (!fitsBudget(deadline(), delayMs, o.safetyMarginMs, o.minAttemptMs)) {
        logger.info("Slack retry would overrun the deadline, giving up for this invocation", {
          method,
          ...where,
          delayMs,
          problem: last.code,
        });
        break;
      }
      logger.info("Slack API call failed, retrying", {
        method,
        ...where,
        attempts,
        delayMs,
        problem: last.code,
      });
      options.onRetry?.(method);
      await sleep(delayMs);
    }
    const hint =
      last.code === "deadline"
        ? "too little time was left in the invocation to call Slack: the event is retried"
        : last.slack
          ? slackErrorMeaning(last.code, method).hint
          : `Slack was unavailable (${last.code}) until the retries or the invocation ran out: the event is retried`;
    throw report(
      new SlackApiError(method, last.code, "retry", hint, {
        ...where,
        attempts,
        ...(last.status ? { status: last.status } : {}),
        ...(last.retryAfterMs !== undefined ? { retryAfterMs: last.retryAfterMs } : {}),
      }),
    );
  }

  function posted(method: SlackMethod, request: { channel: string }, body: Answer): PostedMessage {
    if (typeof body.ts !== "string" || body.ts === "") {
      throw report(
        new SlackMalformedResponseError(method, "ok: true without a ts", { channel: request.channel }),
      );
    }
    const channel = typeof body.channel === "string" && body.channel !== "" ? body.channel : request.channel;
    return { channel, ts: body.ts };
  }

  return {
    async postMessage(request: PostMessageRequest) {
      const body = await call(
        "chat.postMessage",
        { channel: request.channel },
        json({
          channel: request.channel,
          text: request.text,
          blocks: request.blocks,
          ...(request.thread_ts ? { thread_ts: request.thread_ts } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      return posted("chat.postMessage", request, body);
    },
    async update(request: UpdateRequest) {
      const body = await call(
        "chat.update",
        { channel: request.channel },
        json({ channel: request.channel, ts: request.ts, text: request.text, blocks: request.blocks }),
      );
      return posted("chat.update", request, body);
    },
    async usergroupMembers(usergroupId: string) {
      const method = "usergroups.users.list";
      if (typeof usergroupId !== "string" || !USERGROUP_ID.test(usergroupId)) {
        const shown = JSON.stringify(String(usergroupId).slice(0, 40));
        throw report(
          new SlackApiError(
            method,
            "invalid_usergroup_id",
            "payload",
            `${shown} is no user-group ID: approver groups are given by ID (S0123ABCD), not by @handle or name`,
          ),
        );
      }
      const where = { usergroup: usergroupId };
      // Not include_disabled: a disabled group grants nothing.
      const text = new URLSearchParams({ usergroup: usergroupId }).toString();
      const body = await call(method, where, { text, contentType: FORM });
      const members = usergroupUsers(body);
      if ("problem" in members) throw report(new SlackMalformedResponseError(method, members.problem, where));
      return members.users;
    },
    async authTest() {
      const method = "auth.test";
      const body = await call(method, {}, { text: "", contentType: FORM });
      const identity = authIdentity(body);
      if ("problem" in identity) throw report(new SlackMalformedResponseError(method, identity.problem));
      return identity;
    },
  };
}

type Where = { channel?: string; usergroup?: string };
type RequestBody = { text: string; contentType: string };
const FORM = "application/x-www-form-urlencoded; charset=utf-8";
const json = (payload: object): RequestBody => ({
  text: JSON.stringify(payload),
  contentType: "application/json; charset=utf-8",
});

/** A token source for a token given as a value (SLACK_BOT_TOKEN, tests): nothing to re-read. */
export function staticToken(token: string): TokenSource {
  return Object.assign(async () => token, { invalidate: () => {} });
}
