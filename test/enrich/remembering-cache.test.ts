import { describe, expect, it } from "vitest";
import { rememberingCache } from "../../src/shared/enrich/remembering-cache.js";

const accessDenied = () => Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
const throttled = () =>
  Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $metadata: { httpStatusCode: 400 },
    $retryable: { throttling: true },
  });
const settled = () => new Promise((resolve) => setImmediate(resolve));

function harness(keepMs = 60_000, maxEntries = 10) {
  let now = 0;
  const calls: string[] = [];
  const lookup = rememberingCache<string>({
    maxEntries,
    failureTtlMs: 300_000,
    now: () => now,
    keepAnswer: () => ({ ms: keepMs }),
  });
  const ask = (key: string, load: () => Promise<string> = async () => `answer ${key}`) =>
    lookup(key, () => {
      calls.push(key);
      return load();
    });
  return { ask, calls, at: (ms: number) => (now = ms) };
}

describe("rememberingCache", () => {
  it("shares one load between concurrent lookups and keeps the answer for its time from when it was asked", async () => {
    const h = harness(60_000);

    const first = h.ask("a");
    const second = h.ask("a");
    await Promise.all([first.answer, second.answer]);
    h.at(59_999);
    const kept = h.ask("a");
    h.at(60_000);
    h.ask("a");

    expect(second.hit).toBe("answer");
    expect(kept.hit).toBe("answer");
    expect(await kept.answer).toBe("answer a");
    expect(h.calls).toEqual(["a", "a"]);
  });

  it("remembers a lasting failure for the failure TTL from when it came, as the same rejection", async () => {
    const h = harness();
    const error = accessDenied();
    const first = h.ask("a", async () => Promise.reject(error));
    await first.answer.catch(() => undefined);
    await settled();

    h.at(299_999);
    const again = h.ask("a");
    h.at(300_000);
    const later = h.ask("a");

    expect(again.hit).toBe("failure");
    await expect(again.answer).rejects.toBe(error);
    expect(await later.answer).toBe("answer a");
    expect(h.calls).toEqual(["a", "a"]);
  });

  it("forgets a transient failure at once", async () => {
    const h = harness();
    await h.ask("a", async () => Promise.reject(throttled())).answer.catch(() => undefined);
    await settled();

    const next = h.ask("a");

    expect(next.hit).toBeUndefined();
    expect(await next.answer).toBe("answer a");
  });

  it("keeps nothing when the answer says 0, and remembers an answer marked failed like a failure", async () => {
    let now = 0;
    const lookup = rememberingCache<string | undefined>({
      maxEntries: 10,
      failureTtlMs: 1_000,
      now: () => now,
      keepAnswer: (_key, answer) => (answer === undefined ? { ms: 1_000, failed: true } : { ms: 0 }),
    });
    await lookup("found", async () => "x").answer;
    await lookup("missing", async () => undefined).answer;
    await settled();
    now = 999;

    expect(lookup("found", async () => "y").hit).toBeUndefined();
    expect(lookup("missing", async () => "z").hit).toBe("failure");
  });

  it("lets the least recently used key go first when full", async () => {
    const h = harness(60_000, 2);
    await h.ask("a").answer;
    await h.ask("b").answer;
    await h.ask("a").answer;

    await h.ask("c").answer;

    expect(h.ask("a").hit).toBe("answer");
    expect(h.ask("b").hit).toBeUndefined();
  });
});
