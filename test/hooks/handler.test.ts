/** The deploymentHook Lambda edge: whatever ECS sends, it answers something valid and never throws. */
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";

const context = {
  functionName: "ecs-sentinel-test-deploymentHook",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

describe("deploymentHook handler", () => {
  it.each([[null], ["text"], [{ executionDetails: { serviceArn: 1 } }]])(
    "answers SUCCEEDED (fail open) to %j",
    async (event) => {
      const { handler } = await import("../../src/handlers/deployment-hook.js");

      const answer = await handler(event, context);

      expect(answer).toEqual({ hookStatus: "SUCCEEDED" });
    },
  );
});
