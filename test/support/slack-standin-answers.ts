/** How the Slack Web API stand-in answers: Slack's error shape, content checks, injected failures. */
import { validateBlocks } from "./slack-standin-blocks.js";
import type { InjectedFailure } from "./slack-standin-types.js";

export type Json = Record<string, unknown>;

export type Answer = { status: number; body: Json | string; headers?: Record<string, string> };

export const TEXT_MAX = 40_000;

export const slackError = (error: string, extra: Json = {}): Answer => ({
  status: 200,
  body: { ok: false, error, ...extra },
});

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** A message's text and blocks as chat.postMessage / chat.update check them (`no_text`, `msg_too_long`, ...). */
export function checkContent(args: Json): Answer | undefined {
  const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
  const text = typeof args.text === "string" ? args.text : "";
  if (text === "" && !hasBlocks) return slackError("no_text");
  if (text.length > TEXT_MAX) return slackError("msg_too_long");
  const verdict = validateBlocks(args.blocks);
  if (!verdict.ok) {
    return slackError(verdict.error, {
      errors: verdict.errors,
      response_metadata: { messages: verdict.errors.map((e) => `[ERROR] ${e}`) },
    });
  }
  return undefined;
}

export function injected(failure: InjectedFailure): Answer | undefined {
  if ("error" in failure) return slackError(failure.error);
  if ("status" in failure) {
    if (failure.status === 429) {
      return {
        status: 429,
        headers: { "retry-after": String(failure.retryAfter ?? 1) },
        body: failure.body ?? { ok: false, error: "ratelimited" },
      };
    }
    return { status: failure.status, body: failure.body ?? "upstream connect error" };
  }
  return undefined;
}

/** A token bucket: `take()` answers undefined when a call may go, else the whole seconds to wait. */
export function tokenBucket(clock: () => number, perSecond: number, burst: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key: string): number | undefined => {
    const now = clock();
    const bucket = buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  };
}

export const rateLimited = (waitSeconds: number): Answer => ({
  status: 429,
  headers: { "retry-after": String(waitSeconds) },
  body: { ok: false, error: "ratelimited" },
});
