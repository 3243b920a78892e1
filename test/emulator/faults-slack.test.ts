/**
 * Slack faults against the task-state code path (real wiring, the emulator's DynamoDB and SNS, a real local
 * Slack webhook that answers slowly, with 429, 5xx, 400 or a connection reset). Every event must be delivered
 * to every channel exactly once, or the invocation must throw so Lambda retries it (and then dead-letters it);
 * a retry never repeats a channel that already has the message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeliveryError,
  SlackRejectedError,
  SlackUnavailableError,
} from "../../src/shared/notify/transports/errors.js";
import { WEBHOOK_PATH } from "../support/slack-server.js";
import { type FaultPipeline, startFaultPipeline, stoppedTaskEvent } from "./support/faults-pipeline.js";

let pipeline: FaultPipeline;

beforeAll(async () => {
  pipeline = await startFaultPipeline("faults-slack");
});
afterAll(async () => {
  await pipeline.close();
});

/** The error an invocation threw, or a failure if it did not throw. */
async function thrownBy(invocation: Promise<unknown>): Promise<unknown> {
  return invocation.then(
    () => expect.fail("the invocation should have thrown"),
    (error: unknown) => error,
  );
}

function slackFailureOf(error: unknown): Error | undefined {
  return error instanceof DeliveryError
    ? error.failures.find((failure) => failure.channel === "slack")?.error
    : undefined;
}

const sent = {
  status: "diagnosed",
  outcomes: expect.arrayContaining([{ channel: "slack", status: "sent" }]),
};

describe("Slack slow to answer", () => {
  it("retries an attempt that outlives the 5 s attempt timeout and delivers once within the deadline", async () => {
    const service = "slow-then-fast";
    pipeline.slack.reply({ delayMs: 6_000 });
    const started = Date.now();

    const result = await pipeline.invoke(stoppedTaskEvent(service));

    expect(result).toMatchObject({
      status: "diagnosed",
      outcomes: [
        { channel: "slack", status: "sent" },
        { channel: "email", status: "sent" },
      ],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    expect(pipeline.slackPosts(service)).toHaveLength(2);
    expect(await pipeline.emails(service)).toHaveLength(1);
  });

  it("throws near a short Lambda deadline with the email delivered, and the retry posts Slack once and no email", async () => {
    const service = "slow-short-deadline";
    const event = stoppedTaskEvent(service);
    pipeline.slack.reply({ delayMs: 3_000 });

    const error = await thrownBy(pipeline.invoke(event, 4_000));
    const emailsAfterFailure = (await pipeline.emails(service)).length;
    const retry = await pipeline.invoke(structuredClone(event));

    expect(slackFailureOf(error)).toBeInstanceOf(SlackUnavailableError);
    expect((slackFailureOf(error) as SlackUnavailableError).lastProblem).toBe("timeout");
    expect((error as DeliveryError).failedChannels).toEqual(["slack"]);
    expect(emailsAfterFailure).toBe(1);
    expect(retry).toMatchObject({
      outcomes: [
        { channel: "slack", status: "sent" },
        { channel: "email", status: "skipped", reason: "duplicate" },
      ],
    });
    expect(pipeline.slackPosts(service)).toHaveLength(2);
    expect(await pipeline.emails(service)).toHaveLength(1);
  });
});

describe("Slack rate limiting", () => {
  it("waits for Retry-After: 1 after a 429 and then delivers once", async () => {
    const service = "rate-limited";
    pipeline.slack.reply({ status: 429, headers: { "retry-after": "1" }, body: "rate_limited" });

    const result = await pipeline.invoke(stoppedTaskEvent(service));

    expect(result).toMatchObject(sent);
    const [limited, accepted] = pipeline.slackPosts(service);
    expect(pipeline.slackPosts(service)).toHaveLength(2);
    // Retry-After is whole seconds; allow for timer granularity only.
    expect((accepted?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(990);
    expect(await pipeline.emails(service)).toHaveLength(1);
  });
});

describe("Slack server errors", () => {
  it("delivers once after three HTTP 500 answers", async () => {
    const service = "three-500s";
    const internal = { status: 500, body: "internal_error" };
    pipeline.slack.reply(internal, internal, internal);

    const result = await pipeline.invoke(stoppedTaskEvent(service));

    expect(result).toMatchObject(sent);
    expect(pipeline.slackPosts(service)).toHaveLength(4);
    expect(await pipeline.emails(service)).toHaveLength(1);
  });

  it("throws SlackUnavailableError inside DeliveryError when Slack answers 500 to every attempt", async () => {
    const service = "always-500";
    const event = stoppedTaskEvent(service);
    pipeline.slack.replyAlways({ status: 500, body: "internal_error" });

    const error = await thrownBy(pipeline.invoke(event)).finally(() =>
      pipeline.slack.replyAlways({ status: 200, body: "ok" }),
    );
    const failedPosts = pipeline.slackPosts(service).length;
    const retry = await pipeline.invoke(structuredClone(event));

    expect(error).toBeInstanceOf(DeliveryError);
    expect(slackFailureOf(error)).toBeInstanceOf(SlackUnavailableError);
    expect(slackFailureOf(error)?.message).toMatch(/after 5 attempt\(s\): HTTP 500 internal_error/);
    expect(failedPosts).toBe(5);
    expect(retry).toMatchObject({
      outcomes: [
        { channel: "slack", status: "sent" },
        { channel: "email", status: "skipped", reason: "duplicate" },
      ],
    });
    expect(pipeline.slackPosts(service)).toHaveLength(5 + 1);
    expect(await pipeline.emails(service)).toHaveLength(1);
  });
});

describe("Slack connection reset", () => {
  it("retries after the connection is reset and delivers once", async () => {
    const service = "connection-reset";
    pipeline.slack.reply({ reset: true });

    const result = await pipeline.invoke(stoppedTaskEvent(service));

    expect(result).toMatchObject(sent);
    expect(pipeline.slackPosts(service)).toHaveLength(2);
    expect(await pipeline.emails(service)).toHaveLength(1);
    expect(pipeline.log.lines).toContainEqual(
      expect.objectContaining({
        message: "Slack delivery failed, retrying",
        // undici names a reset socket UND_ERR_SOCKET (its cause code); older stacks say ECONNRESET.
        extra: [expect.objectContaining({ problem: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/) })],
      }),
    );
  });
});

describe("Slack rejecting the payload", () => {
  it("does not retry HTTP 400 invalid_payload, throws, and logs Slack's error text without the webhook URL", async () => {
    const service = "invalid-payload";
    pipeline.slack.reply({ status: 400, body: "invalid_payload" });
    const linesBefore = pipeline.log.lines.length;

    const error = await thrownBy(pipeline.invoke(stoppedTaskEvent(service)));

    const rejection = slackFailureOf(error);
    expect(rejection).toBeInstanceOf(SlackRejectedError);
    expect(rejection).toMatchObject({ status: 400, slackError: "invalid_payload" });
    expect(pipeline.slackPosts(service)).toHaveLength(1);
    expect(await pipeline.emails(service)).toHaveLength(1);
    const logged = pipeline.log.lines.slice(linesBefore);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: "warn",
        message: "Slack rejected the message",
        extra: [{ status: 400, slackError: "invalid_payload" }],
      }),
    );
    const secretToken = WEBHOOK_PATH.split("/").at(-1) ?? WEBHOOK_PATH;
    for (const text of [JSON.stringify(logged), (error as Error).message, String(rejection?.message)]) {
      expect(text).not.toContain(pipeline.slack.url);
      expect(text).not.toContain(secretToken);
    }
  });
});
