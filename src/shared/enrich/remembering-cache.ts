/**
 * The per-container cache of the ECS lookups (task definitions, service deployments, service tags): concurrent
 * lookups of one key share one call; an answer is kept as long as its lookup says; a lasting failure (lasting-
 * failure.ts) is remembered for a few minutes and answered again as the same rejection, so a flood costs one
 * failing call and every event still learns why; a transient failure is forgotten at once. The least recently
 * used key goes first when the cache is full. Pure: the clock is injected.
 */
import { isLastingFailure } from "./lasting-failure.js";

/** How long an answer is kept: `ms` 0 = not at all, Infinity = the container's life; `failed` remembers it as a failure ("not found"), counted from when it came instead of from when it was asked. */
export interface Keep {
  ms: number;
  failed?: boolean;
}

export interface RememberingCacheOptions<T> {
  maxEntries: number;
  /** How long a lasting failure is remembered. */
  failureTtlMs: number;
  now: () => number;
  keepAnswer: (key: string, answer: T) => Keep;
}

/** A lookup's answer, and whether the cache gave it: a kept answer, or a remembered failure. */
export interface Remembered<T> {
  answer: Promise<T>;
  hit?: "answer" | "failure";
}

interface Entry<T> {
  answer: Promise<T>;
  /** Infinity while in flight; then when the answer or failure is forgotten. */
  expiresAt: number;
  failed: boolean;
}

export function rememberingCache<T>(
  options: RememberingCacheOptions<T>,
): (key: string, load: () => Promise<T>) => Remembered<T> {
  const { now } = options;
  const maxEntries = Math.max(1, options.maxEntries);
  // Map iteration order is insertion order: re-inserting on a hit makes the first key the least recently used.
  const cache = new Map<string, Entry<T>>();

  return (key, load) => {
    const cached = cache.get(key);
    if (cached) {
      cache.delete(key);
      if (cached.expiresAt > now()) {
        cache.set(key, cached);
        return { answer: cached.answer, hit: cached.failed ? "failure" : "answer" };
      }
    }
    const askedAt = now();
    const entry: Entry<T> = { answer: load(), expiresAt: Number.POSITIVE_INFINITY, failed: false };
    cache.set(key, entry);
    const settle = ({ ms, failed = false }: Keep) => {
      if (cache.get(key) !== entry) return;
      if (ms <= 0) {
        cache.delete(key);
        return;
      }
      entry.expiresAt = (failed ? now() : askedAt) + ms;
      entry.failed = failed;
    };
    entry.answer.then(
      (answer) => settle(options.keepAnswer(key, answer)),
      (error: unknown) =>
        settle(isLastingFailure(error) ? { ms: options.failureTtlMs, failed: true } : { ms: 0 }),
    );
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return { answer: entry.answer };
  };
}
