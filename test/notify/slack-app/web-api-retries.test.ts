import { describe, expect, it } from "vitest";
import { SlackMalformedResponseError } from "../../../src/shared/notify/slack-app/errors.js";
import { STANDIN_CHANNEL } from "../../support/slack-web-api-standin.js";
import { message, rejection, setup, standin } from "./web-api-setup.js";

describe("Slack Web API adapter: rate limits, retries and the deadline", () => {
  it("waits Slack's Retry-After on a real 429 and then posts, without really sleeping", async () => {
    const { api, time } = await setup({ postIntervalMs: 0 }, { postsPerSecond: 1, burst: 1 });

    await api.postMessage(message());
    await api.postMessage(message());

    expect(time.sleeps).toEqual([1000]);
    expect(standin().requests.map((r) => r.answer)).toEqual(["ok", "ratelimited", "ok"]);
    expect(standin().counts().topLevel).toBe(2);
  });

  it("throws ratelimited with action retry when Retry-After does not fit the invocation", async () => {
    const { api, time } = await setup({}, {}, 10_000);
    standin().failNext("chat.postMessage", { status: 429, retryAfter: 30 });

    const error = await rejection(api.postMessage(message()));

    expect(error).toMatchObject({ code: "ratelimited", action: "retry", status: 429, retryAfterMs: 30_000 });
    expect(time.sleeps).toEqual([]);
    expect(standin().messages).toHaveLength(0);
  });

  it("retries 5xx answers with jittered exponential backoff and then succeeds", async () => {
    const { api, time } = await setup();
    standin().failNext("chat.postMessage", { status: 503 });
    standin().failNext("chat.postMessage", { status: 502 });

    await api.postMessage(message());

    expect(time.sleeps).toEqual([150, 300]);
    expect(standin().counts().topLevel).toBe(1);
  });

  it("throws action retry after the last attempt when Slack stays unavailable", async () => {
    const { api } = await setup({ maxAttempts: 3 });
    for (let i = 0; i < 3; i++) standin().failNext("chat.update", { status: 503 });

    const error = await rejection(
      api.update({ channel: STANDIN_CHANNEL.id, ts: "1.2", text: "x", blocks: [] }),
    );

    expect(error).toMatchObject({ code: "http_503", action: "retry", attempts: 3, status: 503 });
  });

  it("makes no call when the invocation has too little time left", async () => {
    const { api } = await setup({}, {}, 2_400);

    const error = await rejection(api.postMessage(message()));

    expect([error.code, error.action]).toEqual(["deadline", "retry"]);
    expect(standin().requests).toHaveLength(0);
  });

  it("stops a retry whose backoff would overrun the deadline", async () => {
    const { api, time } = await setup({ baseDelayMs: 2_000 }, {}, 3_000);
    standin().failNext("chat.postMessage", { status: 500 });

    const error = await rejection(api.postMessage(message()));

    expect(error).toMatchObject({ code: "http_500", action: "retry", attempts: 1 });
    expect(time.sleeps).toEqual([]);
  });

  it("abandons an attempt that outlives its timeout and reports it as a retry", async () => {
    const { api } = await setup({ attemptTimeoutMs: 100, minAttemptMs: 50, maxAttempts: 1 });
    standin().failNext("chat.postMessage", { delayMs: 2_000 });

    const error = await rejection(api.postMessage(message()));

    expect([error.code, error.action]).toEqual(["timeout", "retry"]);
  });

  it("paces posts to one channel a second apart and leaves other channels alone", async () => {
    const { api, time } = await setup({}, { postsPerSecond: 1, burst: 1 });

    await api.postMessage(message());
    await api.postMessage(message({ channel: "C0OTHER001" }));
    await api.postMessage(message());
    await api.postMessage(message());

    expect(time.sleeps).toEqual([1000, 1000]);
    expect(standin().requests.map((r) => r.answer)).toEqual(["ok", "ok", "ok", "ok"]);
  });

  it("queues concurrent posts to one channel one interval apart", async () => {
    // The posts start at the same instant: the sleeps are recorded and do not move the clock.
    const sleeps: number[] = [];
    const { api } = await setup({ postIntervalMs: 1_500, sleep: async (ms) => void sleeps.push(ms) });

    await Promise.all([api.postMessage(message()), api.postMessage(message()), api.postMessage(message())]);

    expect([...sleeps].sort((a, b) => a - b)).toEqual([1500, 3000]);
    expect(standin().counts().topLevel).toBe(3);
  });

  it("does not pace chat.update", async () => {
    const { api, time } = await setup();
    const parent = await api.postMessage(message());

    await api.update({ channel: parent.channel, ts: parent.ts, text: "a", blocks: [] });
    await api.update({ channel: parent.channel, ts: parent.ts, text: "b", blocks: [] });

    expect(time.sleeps).toEqual([]);
    expect(standin().counts().edits).toBe(2);
  });

  it("treats a 200 answer without a ts as a malformed response, not retried in-process", async () => {
    const { api } = await setup();
    standin().failNext("chat.postMessage", { status: 200, body: '{"ok":true,"channel":"C0ALERTS01"}' });

    const error = await rejection(api.postMessage(message()));

    expect(error).toBeInstanceOf(SlackMalformedResponseError);
    expect(error).toMatchObject({ name: "SlackMalformedResponseError", action: "retry" });
    expect(standin().requests).toHaveLength(1);
  });
});
