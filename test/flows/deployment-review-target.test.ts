/**
 * Issue #11 item 8: the deployment review checks the revision the event is about (`detail.deploymentId`
 * looked up in DescribeServices `deployments[].id`), or says it could not find it: never the PRIMARY
 * deployment as a stand-in. ECS answers through aws-sdk-client-mock (ecs-world.ts).
 */
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { ecsReviewLoader } from "../../src/shared/deployments/review-loader.js";
import { ecsWorld, NEW_TASK_DEFINITION, NEW_TD, SERVICE_ARN } from "../scenarios/support/ecs-world.js";
import { deploymentEvent } from "../scenarios/support/events.js";
import { scenarioHarness } from "../scenarios/support/harness.js";

const ecsMock = mockClient(ECSClient);
beforeEach(() => ecsMock.reset());

const started = (deploymentId: string) =>
  deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z", deploymentId });

describe("the deployment review", () => {
  it("reviews the event's deployment even when a newer deployment is PRIMARY", async () => {
    // ecs-svc/3 (PRIMARY, large-ngingx:1) is rolling back ecs-svc/2 (ACTIVE, large-ngingx:2).
    ecsWorld(ecsMock, { rolledBack: true });
    const loaded: string[] = [];
    const load = ecsReviewLoader(new ECSClient({ region: "us-west-2" }), async (arn) => {
      loaded.push(arn);
      return NEW_TASK_DEFINITION;
    });

    const review = await load(SERVICE_ARN, "ecs-svc/2");

    expect(loaded).toEqual([NEW_TD]);
    expect(review?.status).toBe("ready");
  });

  it("says it could not find a deployment that is no longer on the service, and reviews no other revision", async () => {
    ecsWorld(ecsMock);
    const h = scenarioHarness();

    const result = await h.dispatch(started("ecs-svc/9"));

    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
    const review = h.delivered().find((m) => m.kind === "deployment-review");
    expect(review).toMatchObject({
      severity: "info",
      title: "sd-example: review of ecs-svc/9 skipped",
      cause: expect.stringMatching(/^Could not find deployment ecs-svc\/9 .*— the review was skipped\.$/),
    });
    expect(h.delivered()[0]?.title).toBe("sd-example: deployment started");
    expect(result).toMatchObject({ summary: expect.stringContaining("review of ecs-svc/9 skipped") });
  });

  it("says it could not find the service when DescribeServices reports it missing", async () => {
    ecsWorld(ecsMock);
    const load = ecsReviewLoader(new ECSClient({ region: "us-west-2" }), async () => NEW_TASK_DEFINITION);
    ecsMock.reset();
    ecsMock.resolves({ failures: [{ arn: SERVICE_ARN, reason: "MISSING" }], services: [] });

    const review = await load(SERVICE_ARN, "ecs-svc/2");

    expect(review).toEqual({
      status: "skipped",
      reason: "could not find service sd-example (MISSING) — the review was skipped",
    });
  });

  it("says so when the deployment's task definition no longer exists", async () => {
    ecsWorld(ecsMock);
    const load = ecsReviewLoader(new ECSClient({ region: "us-west-2" }), async () => undefined);

    const review = await load(SERVICE_ARN, "ecs-svc/2");

    expect(review).toEqual({
      status: "skipped",
      reason: `could not find task definition ${NEW_TD} of deployment ecs-svc/2 — the review was skipped`,
    });
  });
});
