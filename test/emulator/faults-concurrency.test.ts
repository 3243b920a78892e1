/**
 * 20 concurrent copies of one event (EventBridge delivers at least once; Lambda runs copies in parallel
 * containers): one message per channel, one rollback. Each copy is its own cold-started container on the real
 * wiring. moto's DynamoDB is not atomic under concurrent requests (two conditional claims can both win there),
 * so the shared DynamoDB client sends one request at a time (support/faults.ts `oneRequestAtATime`, the
 * technique of test/state/support/state-table.ts): DynamoDB's per-request atomicity is restored, while the
 * copies' claim / deliver / complete sequences still interleave.
 */
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ecsClient } from "../../src/app/aws.js";
import type { DispatchResult } from "../../src/shared/flows/dispatch.js";
import { DeliveryError } from "../../src/shared/notify/transports/errors.js";
import { ecsWorld } from "../scenarios/support/ecs-world.js";
import { deploymentEvent } from "../scenarios/support/events.js";
import type { RecordedRequest } from "../support/slack-server.js";
import { type FaultPipeline, startFaultPipeline, stoppedTaskEvent } from "./support/faults-pipeline.js";

const COPIES = 20;
let pipeline: FaultPipeline;

beforeAll(async () => {
  pipeline = await startFaultPipeline("faults-concurrency");
});
afterAll(async () => {
  await pipeline.close();
});

/** Runs `COPIES` copies of `event` at once, each in its own container. */
function concurrently(event: Record<string, unknown>, remainingMs?: number) {
  return Promise.allSettled(
    Array.from({ length: COPIES }, () => pipeline.container().invoke(structuredClone(event), remainingMs)),
  );
}

function outcomesOf(results: PromiseSettledResult<DispatchResult>[]) {
  return results.flatMap((result) =>
    result.status === "fulfilled" && "outcomes" in result.value && Array.isArray(result.value.outcomes)
      ? result.value.outcomes
      : [],
  );
}

/** The Block Kit header of a Slack post. */
function headerOf(post: RecordedRequest): string | undefined {
  const blocks = (post.json as { blocks?: { type: string; text?: { text?: string } }[] }).blocks ?? [];
  return blocks.find((block) => block.type === "header")?.text?.text;
}

const count = (outcomes: { channel: string; status: string }[], channel: string, status: string) =>
  outcomes.filter((outcome) => outcome.channel === channel && outcome.status === status).length;

describe("20 concurrent copies of a stopped-task event", () => {
  it("post one Slack message and publish one email", async () => {
    const service = "twenty-copies";

    const results = await concurrently(stoppedTaskEvent(service));

    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    const outcomes = outcomesOf(results);
    expect(count(outcomes, "slack", "sent")).toBe(1);
    expect(count(outcomes, "email", "sent")).toBe(1);
    expect(count(outcomes, "slack", "skipped")).toBe(COPIES - 1);
    expect(pipeline.slackPosts(service)).toHaveLength(1);
    expect(await pipeline.emails(service)).toHaveLength(1);
  });

  it("still post one Slack message when Slack fails the winner's first attempt", async () => {
    const service = "twenty-copies-slack-hiccup";
    pipeline.slack.reply({ status: 500, body: "internal_error" });

    const results = await concurrently(stoppedTaskEvent(service));

    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    expect(count(outcomesOf(results), "slack", "sent")).toBe(1);
    // One request answered 500, then the one that was accepted.
    expect(pipeline.slackPosts(service)).toHaveLength(2);
    expect(await pipeline.emails(service)).toHaveLength(1);
  });

  it("throw only in the copies that failed while Slack was down, and their retries post Slack once and no email", async () => {
    const service = "twenty-copies-slack-down";
    const event = stoppedTaskEvent(service);
    pipeline.slack.replyAlways({ status: 500, body: "internal_error" });

    const results = await concurrently(event, 4_000).finally(() =>
      pipeline.slack.replyAlways({ status: 200, body: "ok" }),
    );
    const failed = results.filter((result) => result.status === "rejected");
    const postsWhileDown = pipeline.slackPosts(service).length;
    const emailsWhileDown = (await pipeline.emails(service)).length;
    const retries = await Promise.allSettled(
      failed.map(() => pipeline.container().invoke(structuredClone(event))),
    );

    // Copies that found the claim in flight return; the claim holder throws, so Lambda retries it.
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const failure of failed) expect(failure.reason).toBeInstanceOf(DeliveryError);
    expect(count(outcomesOf(results), "slack", "sent")).toBe(0);
    expect(emailsWhileDown).toBe(1);
    expect(retries.filter((retry) => retry.status === "rejected")).toEqual([]);
    expect(count(outcomesOf(retries), "slack", "sent")).toBe(1);
    expect(pipeline.slackPosts(service).length - postsWhileDown).toBe(1);
    expect(await pipeline.emails(service)).toHaveLength(1);
  });
});

describe("20 concurrent copies of SERVICE_DEPLOYMENT_FAILED for an opted-in service", () => {
  it("roll the service back once and send each message once", async () => {
    // moto has no service deployments: ECS answers as the API reference examples (ecs-world.ts).
    const ecsMock = mockClient(ecsClient());
    try {
      const world = ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed", reflect: false });
      const event = deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: new Date().toISOString() });

      const results = await concurrently(event);

      expect(results.filter((result) => result.status === "rejected")).toEqual([]);
      expect(world.mutations().map((mutation) => mutation.api)).toEqual(["UpdateService"]);
      const headers = pipeline.slackPosts("sd-example").map(headerOf).sort();
      expect(headers).toEqual([
        expect.stringMatching(/sd-example: deployment failed$/),
        expect.stringMatching(/sd-example: rolled back ecs-svc\/2 to large-ngingx:1$/),
      ]);
      const subjects = (await pipeline.emails("sd-example")).map((email) => email.subject);
      expect(subjects.sort()).toEqual([
        "[CRITICAL] sd-example: deployment failed",
        "[CRITICAL] sd-example: rolled back ecs-svc/2 to large-ngingx:1",
      ]);
    } finally {
      ecsMock.restore();
    }
  });
});
