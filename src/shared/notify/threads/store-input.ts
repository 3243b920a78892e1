/**
 * The thread stores refuse a malformed call loudly instead of writing a record nobody will find again
 * (an empty channel or key, a key too long for DynamoDB's key limits, a lease that is not a duration).
 */
import type { OpenRequest } from "./types.js";

/** DynamoDB allows 2048 bytes of partition key and 1024 of sort key; keys here stay well inside both. */
const MAX_NAME_CHARS = 900;

export class ThreadStoreInputError extends Error {
  override readonly name = "ThreadStoreInputError";
}

/** A channel ID, thread key, owner or ts: a non-empty string of sane length. */
export function checkName(what: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ThreadStoreInputError(`thread store: ${what} must be a non-empty string`);
  }
  if (value.length > MAX_NAME_CHARS) {
    throw new ThreadStoreInputError(
      `thread store: ${what} is ${value.length} characters, over ${MAX_NAME_CHARS}`,
    );
  }
  return value;
}

/** An epoch-ms time or a duration: a finite number (not negative). */
export function checkTime(what: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ThreadStoreInputError(
      `thread store: ${what} must be a finite, non-negative number (got ${value})`,
    );
  }
  return value;
}

/** Every field of an open request the stores rely on. */
export function checkOpenRequest(request: OpenRequest): void {
  checkName("channel", request.channel);
  checkName("key", request.key);
  checkName("owner", request.owner);
  checkTime("at", request.at);
  checkTime("now", request.now);
  checkTime("leaseMs", request.leaseMs);
  if (request.staleBefore !== undefined) checkTime("staleBefore", request.staleBefore);
  if (!Array.isArray(request.details))
    throw new ThreadStoreInputError("thread store: details must be a list");
}
