import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackRejectedError, SlackUnavailableError } from "../../../src/shared/notify/transports/errors.js";
import {
  buildSlackNotifier,
  type SlackNotifierOptions,
} from "../../../src/shared/notify/transports/slack.js";
import { type SlackServer, startSlackServer, WEBHOOK_PATH } from "../../support/slack-server.js";
import { recordingLogger } from "./recording-logger.js";

const payload = { text: "api: container `web` ran out of memory", blocks: [{ type: "section" }] };

let server: SlackServer;
beforeEach(async () => {
  server = await startSlackServer();
});
afterEach(async () => {
  await server.close();
});

/** Sleeps are recorded, not waited, and advance a fake invocation clock. */
function fakeTime(remainingMs = 60_000) {
  let elapsed = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    deadline: () => remainingMs - elapsed,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      elapsed += ms;
    },
  };
}

function notifier(options: SlackNotifierOptions = {}) {
  const time = fakeTime();
  const logger = recordingLogger();
  const send = buildSlackNotifier(server.url, fetch, {
    deadline: time.deadline,
    sleep: time.sleep,
    random: () => 0.5,
    logger,
    ...options,
  });
  return { send, time, logger };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("Slack webhook transport", () => {
  it("posts the payload as JSON and resolves when Slack answers ok", async () => {
    const { send } = notifier();

    await send(payload);

    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.method).toBe("POST");
    expect(server.requests[0]?.path).toBe(WEBHOOK_PATH);
    expect(server.requests[0]?.headers["content-type"]).toBe("application/json");
    expect(server.requests[0]?.json).toEqual(payload);
  });

  it("waits the Retry-After seconds after a 429 and then delivers", async () => {
    server.reply({ status: 429, body: "rate_limited", headers: { "retry-after": "1" } });
    const { send, time } = notifier();

    await send(payload);

    expect(server.requests).toHaveLength(2);
    expect(time.sleeps).toEqual([1000]);
  });

  it("retries 5xx answers with exponentially growing jittered delays", async () => {
    server.reply({ status: 500 }, { status: 502 }, { status: 503 });
    const { send, time } = notifier({ baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0.5 });

    await send(payload);

    expect(server.requests).toHaveLength(4);
    expect(time.sleeps).toEqual([50, 100, 200]);
  });

  it("throws SlackUnavailableError naming the last problem when 5xx persists past the attempts", async () => {
    server.replyAlways({ status: 503, body: "service_unavailable" });
    const { send } = notifier({ maxAttempts: 3 });

    const error = await rejection(send(payload));

    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect((error as SlackUnavailableError).attempts).toBe(3);
    expect(error.message).toContain("HTTP 503");
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry a 400 and throws SlackRejectedError carrying Slack's error text", async () => {
    server.reply({ status: 400, body: "invalid_payload" });
    const { send, logger } = notifier();

    const error = await rejection(send(payload));

    expect(error).toBeInstanceOf(SlackRejectedError);
    expect((error as SlackRejectedError).slackError).toBe("invalid_payload");
    expect(server.requests).toHaveLength(1);
    expect(logger.lines.some((line) => JSON.stringify(line).includes("invalid_payload"))).toBe(true);
  });

  it("does not retry a 410 channel_is_archived", async () => {
    server.reply({ status: 410, body: "channel_is_archived" });
    const { send } = notifier();

    const error = await rejection(send(payload));

    expect((error as SlackRejectedError).status).toBe(410);
    expect(server.requests).toHaveLength(1);
  });

  it("retries after the server resets the connection", async () => {
    server.reply({ reset: true });
    const { send, time } = notifier();

    await send(payload);

    expect(server.requests).toHaveLength(2);
    expect(time.sleeps).toHaveLength(1);
  });

  it("abandons an attempt that exceeds the per-attempt timeout and retries it", async () => {
    server.reply({ status: 200, body: "ok", delayMs: 3_000 });
    const { send, logger } = notifier({ attemptTimeoutMs: 200, minAttemptMs: 50 });

    await send(payload);

    expect(server.requests).toHaveLength(2);
    expect(logger.text()).toContain("timeout");
  });

  it("gives up at once when Retry-After would run past the deadline", async () => {
    server.replyAlways({ status: 429, body: "rate_limited", headers: { "retry-after": "30" } });
    const time = fakeTime(10_000);
    const send = buildSlackNotifier(server.url, fetch, { deadline: time.deadline, sleep: time.sleep });

    const error = await rejection(send(payload));

    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect(error.message).toContain("HTTP 429");
    expect(time.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("keeps the safety margin: total waiting never exceeds the time left minus the margin", async () => {
    server.replyAlways({ status: 500 });
    const time = fakeTime(6_000);
    const send = buildSlackNotifier(server.url, fetch, {
      deadline: time.deadline,
      sleep: time.sleep,
      random: () => 0.99,
      baseDelayMs: 1_000,
      maxAttempts: 10,
      safetyMarginMs: 2_000,
      minAttemptMs: 500,
    });

    await rejection(send(payload));

    const slept = time.sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(slept).toBeLessThanOrEqual(6_000 - 2_000 - 500);
    expect(server.requests.length).toBeLessThan(10);
  });

  it("does not start an attempt when the deadline has already passed the margin", async () => {
    const time = fakeTime(1_000);
    const send = buildSlackNotifier(server.url, fetch, { deadline: time.deadline, sleep: time.sleep });

    const error = await rejection(send(payload));

    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect(server.requests).toHaveLength(0);
  });

  it("refreshes a secret-sourced URL once on 404 and posts with the rotated URL", async () => {
    server.reply({ status: 404, body: "no_service" });
    const rotated = server.url.replace("secretTokenDoNotLog", "rotatedToken");
    let current = server.url;
    const source = Object.assign(async () => current, {
      invalidate: () => {
        current = rotated;
      },
    });
    const send = buildSlackNotifier(source, fetch, { sleep: async () => {} });

    await send(payload);

    expect(server.requests.map((r) => r.path)).toEqual([WEBHOOK_PATH, new URL(rotated).pathname]);
  });

  it("throws SlackRejectedError on 403 when the refreshed secret is unchanged", async () => {
    server.replyAlways({ status: 403, body: "invalid_token" });
    const source = Object.assign(async () => server.url, { invalidate: () => {} });
    const send = buildSlackNotifier(source, fetch, { sleep: async () => {} });

    const error = await rejection(send(payload));

    expect((error as SlackRejectedError).slackError).toBe("invalid_token");
    expect(server.requests).toHaveLength(1);
  });

  it("never puts the webhook URL in logs or errors, whatever fails", async () => {
    server.reply(
      { reset: true },
      { status: 500, body: `oops ${server.url}` },
      { status: 400, body: "invalid_payload" },
    );
    const { send, logger } = notifier();

    const error = await rejection(send(payload));

    const secret = "secretTokenDoNotLog";
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.text()).not.toContain(secret);
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.cause ?? "")}`).not.toContain(secret);
  });
});
