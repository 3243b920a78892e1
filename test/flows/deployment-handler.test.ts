/** The deployment-events Lambda handler: a thin adapter that accepts both detail-types and nothing else. */
import { ECSClient } from "@aws-sdk/client-ecs";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentEvent, stoppedTask, taskStartImpaired } from "../scenarios/support/events.js";

type Handler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<unknown>;

const ecsMock = mockClient(ECSClient);
const context = {
  functionName: "ecs-sentinel-test-deploymentEvents",
  awsRequestId: "req-1",
  getRemainingTimeInMillis: () => 25_000,
} as unknown as Context;
const asEvent = (raw: Record<string, unknown>) => raw as unknown as EventBridgeEvent<string, unknown>;

describe("deployment-events handler", () => {
  let handler: Handler;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
    process.env.AWS_REGION = "us-west-2";
    // The handler reads its configuration at import (cold start), so import after the environment is set.
    ({ handler } = (await import("../../src/handlers/deployment-events.js")) as { handler: Handler });
  });

  afterAll(() => {
    delete process.env.POWERTOOLS_LOG_LEVEL;
    ecsMock.restore();
  });

  it("handles an ECS Service Action event", async () => {
    const result = await handler(asEvent(taskStartImpaired("2024-09-10T16:50:00Z")), context);

    expect(result).toMatchObject({ status: "handled", detailType: "ECS Service Action" });
  });

  it("handles an ECS Deployment State Change event", async () => {
    const result = await handler(
      asEvent(deploymentEvent("SERVICE_DEPLOYMENT_COMPLETED", { time: "2024-09-10T16:58:00Z" })),
      context,
    );

    expect(result).toMatchObject({ status: "handled", detailType: "ECS Deployment State Change" });
  });

  it("drops a task state change, which the task-state function handles", async () => {
    const result = await handler(
      asEvent(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" })),
      context,
    );

    expect(result).toMatchObject({
      status: "dropped",
      reason: expect.stringContaining("ECS Task State Change"),
    });
  });
});
