/**
 * Slack's interactivity endpoint, shared by the `slackActions` Lambda (Function URL) and `ecs-sentinel actions
 * serve`. In this order, and nothing happens before a step passes:
 *
 *   path (404) → method POST (405) → content type a form (415) → body ≤ 64 KiB (413, before any hashing) →
 *   signature and timestamp (401, one log line with the reason) → payload (malformed 400; not ours 200) →
 *   decide (the action service authorizes and claims) → the answer, 200 at once.
 *
 * The ephemeral reply (via `response_url`) and the deferred execution happen in `after`, which the edge runs
 * once the answer is on its way (locally after `res.end()`; in Lambda just before returning, as a Function URL
 * answers on return). A `decide` that throws still answers 200 with "could not act: …": a 5xx would make Slack
 * retry into a second click. Slack's retries (`X-Slack-Retry-Num`) are verified and decided like any request:
 * the claim makes them idempotent.
 */
import type { Log } from "../log.js";
import { parseSlackActionBody } from "./payload.js";
import type { ActionDecision, ClickedAction, DecideAction, DeferAction } from "./types.js";
import { headerValue, type RequestHeaders, type SignatureFailure, verifySlackSignature } from "./verify.js";

/** The largest body accepted: a block_actions payload is a few KiB; Slack's own limit for messages is 40k. */
export const MAX_BODY_BYTES = 64 * 1024;
export const SLACK_ACTIONS_PATH = "/slack/actions";

export interface SlackActionRequest {
  method: string;
  /** The request path; checked against `paths` when given. */
  path?: string;
  headers: RequestHeaders;
  /** The raw body: a string as Lambda passes it, or the bytes as received. */
  body: string | Uint8Array;
}

export interface SlackActionAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Why a request was refused before any click was believed (metrics): a stale or future timestamp is a replay,
 * any other signature problem a bad signature; a wrong path, method, content type, size or payload a bad request.
 */
export type SlackRefusal = "bad-signature" | "replay" | "bad-request";

export interface SlackActionOutcome extends SlackActionAnswer {
  /** Work to run once the answer is on its way: the ephemeral reply and the deferred execution. Never throws. */
  after: () => Promise<void>;
  /** Set when the request was refused (4xx); a 503 (the secret unreadable) is no refusal: Slack retries it. */
  refusal?: SlackRefusal;
}

export interface SlackActionEndpointDeps {
  signingSecret: () => Promise<string>;
  /** Epoch milliseconds. */
  clock: () => number;
  decide: DecideAction;
  defer: DeferAction;
  /** Posts an ephemeral answer to the clicker through the click's `response_url`. */
  respond: (responseUrl: string, text: string) => Promise<void>;
  log: Log;
  /** Paths served (default: /slack/actions only). */
  paths?: readonly string[];
}

const TEXT = { "content-type": "text/plain; charset=utf-8" };
const nothing = async () => {};

function answer(status: number, body: string, headers: Record<string, string> = {}): SlackActionOutcome {
  return { status, headers: { ...TEXT, ...headers }, body, after: nothing };
}

const refusedAs = (refusal: SlackRefusal, outcome: SlackActionOutcome): SlackActionOutcome => ({
  ...outcome,
  refusal,
});

/** Slack posts interactivity payloads as a form (https://api.slack.com/interactivity/handling#payloads). */
const FORM = "application/x-www-form-urlencoded";

/** The media type without its parameters (`; charset=…`), lower-cased; undefined when absent or sent twice. */
const mediaTypeOf = (headers: RequestHeaders) =>
  headerValue(headers, "content-type")?.split(";")[0]?.trim().toLowerCase();

const REPLAYS: ReadonlySet<SignatureFailure> = new Set(["stale-timestamp", "future-timestamp"]);

const byteLength = (body: string | Uint8Array) =>
  typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.byteLength;

const errorText = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);

const reasonOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 200);

/** Who clicked what, for log lines (IDs only: no value, no response_url). */
const clickKeys = (click: ClickedAction) => ({
  action: click.kind,
  user: click.userId,
  channel: click.channel,
  messageTs: click.messageTs,
});

/** The retry headers Slack adds when it did not get a 200 within 3 s. */
function retryOf(headers: RequestHeaders): { retryNum?: number; retryReason?: string } {
  const num = headerValue(headers, "x-slack-retry-num");
  const reason = headerValue(headers, "x-slack-retry-reason");
  const retryNum = num !== undefined && /^[0-9]{1,3}$/.test(num) ? Number(num) : undefined;
  return {
    ...(retryNum !== undefined ? { retryNum } : {}),
    ...(reason ? { retryReason: reason.slice(0, 60) } : {}),
  };
}

/** The checks before a click is believed: path, method, content type, size, secret, signature and timestamp. */
async function refusal(
  request: SlackActionRequest,
  deps: SlackActionEndpointDeps,
): Promise<SlackActionOutcome | undefined> {
  const paths = deps.paths ?? [SLACK_ACTIONS_PATH];
  if (request.path !== undefined && !paths.includes(request.path))
    return refusedAs("bad-request", answer(404, "not found"));
  if (request.method.toUpperCase() !== "POST")
    return refusedAs("bad-request", answer(405, "method not allowed", { allow: "POST" }));
  if (mediaTypeOf(request.headers) !== FORM)
    return refusedAs("bad-request", answer(415, "unsupported media type", { accept: FORM }));
  const size = byteLength(request.body);
  if (size > MAX_BODY_BYTES) {
    deps.log.warn("Slack action request refused: body too large", { bytes: size, limit: MAX_BODY_BYTES });
    return refusedAs("bad-request", answer(413, "payload too large"));
  }
  let secret: string;
  try {
    secret = await deps.signingSecret();
  } catch (error) {
    // Nothing was done: Slack's retry of this request is safe and welcome.
    deps.log.error("Slack action request not checked: the signing secret could not be read", {
      error: errorText(error),
    });
    return answer(503, "service unavailable");
  }
  const check = verifySlackSignature({
    headers: request.headers,
    rawBody: request.body,
    secret,
    nowSeconds: Math.floor(deps.clock() / 1000),
  });
  if (!check.ok) {
    deps.log.warn("Slack action request refused: invalid signature", {
      reason: check.reason,
      ...retryOf(request.headers),
    });
    return refusedAs(
      REPLAYS.has(check.reason) ? "replay" : "bad-signature",
      answer(401, "invalid signature"),
    );
  }
  return undefined;
}

/** After the answer: the ephemeral reply and the hand-over of the claim; failures are logged, never thrown. */
function afterAnswer(
  click: ClickedAction,
  decision: ActionDecision,
  deps: SlackActionEndpointDeps,
): () => Promise<void> {
  const reply = async (text: string) => {
    if (!click.responseUrl) {
      deps.log.warn("Slack action reply not sent: the click has no response_url", clickKeys(click));
      return;
    }
    try {
      await deps.respond(click.responseUrl, text);
    } catch (error) {
      deps.log.error("Slack action reply not sent", { ...clickKeys(click), error: errorText(error) });
    }
  };
  const handOver = async () => {
    if (!decision.execute) return;
    try {
      await deps.defer(decision.execute);
    } catch (error) {
      deps.log.error("Slack action claimed but not started", {
        ...clickKeys(click),
        claimId: decision.execute.claimId,
        error: errorText(error),
      });
      await reply(`could not start the action: ${reasonOf(error)}`);
    }
  };
  return async () => {
    await Promise.all([decision.reply ? reply(decision.reply) : undefined, handOver()]);
  };
}

/** Answers one HTTP request to the interactivity endpoint; see the module comment for the order. */
export async function handleSlackActionRequest(
  request: SlackActionRequest,
  deps: SlackActionEndpointDeps,
): Promise<SlackActionOutcome> {
  const started = deps.clock();
  const refused = await refusal(request, deps);
  if (refused) return refused;

  const body = typeof request.body === "string" ? request.body : Buffer.from(request.body).toString("utf8");
  const parsed = parseSlackActionBody(body);
  if (parsed.kind === "malformed") {
    deps.log.warn("Slack action request refused: malformed payload", { reason: parsed.reason });
    return refusedAs("bad-request", answer(400, "malformed payload"));
  }
  if (parsed.kind === "ignored") {
    deps.log.info("Slack action request ignored: not for ecs-sentinel", { reason: parsed.reason });
    return answer(200, "");
  }

  const click = parsed.click;
  const retry = retryOf(request.headers);
  deps.log.info("Slack action clicked", { ...clickKeys(click), actionTs: click.actionTs, ...retry });
  let decision: ActionDecision;
  try {
    decision = await deps.decide(click);
  } catch (error) {
    deps.log.error("Slack action could not be decided", {
      ...clickKeys(click),
      ...retry,
      error: errorText(error),
    });
    decision = { reply: `could not act: ${reasonOf(error)}` };
  }
  const ackMs = deps.clock() - started;
  deps.log.info("Slack action acknowledged", {
    ...clickKeys(click),
    ...retry,
    ackMs,
    claimId: decision.execute?.claimId,
  });
  return { status: 200, headers: { ...TEXT }, body: "", after: afterAnswer(click, decision, deps) };
}
