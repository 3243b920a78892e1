import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localSetup } from "../../src/cli/local-stack.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";
import { readPublishedSnsMessages } from "./support/index.js";

const fixtures = join(import.meta.dirname, "../fixtures/stopped-tasks");
const loadEvent = (file: string) =>
  JSON.parse(readFileSync(join(fixtures, file), "utf8")) as EventBridgeEvent<string, unknown>;

const lambdaContext = {
  functionName: "ecs-sentinel-test-taskState",
  awsRequestId: "req-1",
  getRemainingTimeInMillis: () => 25_000,
} as unknown as Context;

type Handler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<unknown>;

describe("task-state handler end to end with the emulator's DynamoDB and SNS and a local Slack", () => {
  let slack: SlackServer;
  let topicArn: string;
  let handler: Handler;

  beforeAll(async () => {
    slack = await startSlackServer();
    const stack = await localSetup({ stage: "handler-test" });
    topicArn = stack.topicArn;
    process.env.STATE_TABLE = stack.stateTable;
    process.env.NOTIFY_TOPIC_ARN = stack.topicArn;
    process.env.SLACK_WEBHOOK_URL = slack.url;
    process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
    // The handler reads its configuration at import (cold start), so import after the environment is set.
    ({ handler } = (await import("../../src/handlers/task-state.js")) as { handler: Handler });
  });

  afterAll(async () => {
    await slack.close();
    for (const name of ["STATE_TABLE", "NOTIFY_TOPIC_ARN", "SLACK_WEBHOOK_URL", "POWERTOOLS_LOG_LEVEL"]) {
      delete process.env[name];
    }
  });

  it("posts one Slack message and publishes one email for an out-of-memory stop, and nothing for its redelivery", async () => {
    // Arrange
    const event = loadEvent("out-of-memory--fargate-exit-137.json");

    // Act: EventBridge delivers the same event twice.
    const first = await handler(event, lambdaContext);
    const second = await handler(structuredClone(event), lambdaContext);

    // Assert
    expect(first).toMatchObject({ status: "diagnosed", diagnosis: { category: "out-of-memory" } });
    expect(second).toMatchObject({ status: "diagnosed" });
    expect(slack.requests).toHaveLength(1);
    expect(JSON.stringify(slack.requests[0]?.json)).toContain("out-of-memory");
    const emails = await readPublishedSnsMessages(topicArn);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.subject).toMatch(/^\[CRITICAL\]/);
    expect(emails[0]?.attributes).toMatchObject({
      category: { Type: "String", Value: "out-of-memory" },
      severity: { Type: "String", Value: "critical" },
    });
  });

  it("drops an event that does not parse, without throwing and without sending", async () => {
    const before = slack.requests.length;
    const broken = { ...loadEvent("out-of-memory--fargate-exit-137.json"), detail: { containers: "nope" } };

    const result = await handler(broken, lambdaContext);

    expect(result).toMatchObject({ status: "dropped" });
    expect(slack.requests.length).toBe(before);
  });

  it("sends nothing for an expected scale-in stop (info)", async () => {
    const before = slack.requests.length;
    const event = loadEvent("scaling--fargate-deployment-replacement.json");

    const result = await handler(event, lambdaContext);

    expect(result).toMatchObject({
      status: "diagnosed",
      diagnosis: { category: "scaling", severity: "info" },
    });
    expect(slack.requests.length).toBe(before);
  });

  it("throws when Slack keeps failing, so Lambda retries, and the retry does not publish the email again", async () => {
    const event = loadEvent("image-pull--fargate-pv14-failed-to-resolve-ref-not-found.json");
    slack.replyAlways({ status: 500, body: "internal_error" });
    const emailsBefore = (await readPublishedSnsMessages(topicArn)).length;
    const shortContext = { ...lambdaContext, getRemainingTimeInMillis: () => 4_000 } as Context;

    await expect(handler(event, shortContext)).rejects.toThrowError(/slack/i);
    slack.replyAlways({ status: 200, body: "ok" });
    const postsBefore = slack.requests.length;
    await handler(structuredClone(event), lambdaContext);

    expect(slack.requests.length).toBe(postsBefore + 1);
    expect((await readPublishedSnsMessages(topicArn)).length).toBe(emailsBefore + 1);
  });
});
