/**
 * Realistic sequences of ECS events replayed through dispatchEvent with the deployment side wired as in the
 * Lambdas: which ECS calls change the service, and which messages people get.
 */
import { ClusterNotFoundException, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  CLUSTER_ARN,
  ecsWorld,
  NEW_DEPLOYMENT_ARN,
  OLD_TD,
  ROLLBACK_ID,
  SERVICE_ARN,
} from "./support/ecs-world.js";
import { deploymentEvent, stoppedTask } from "./support/events.js";
import { decisions, scenarioHarness } from "./support/harness.js";

const ecsMock = mockClient(ECSClient);

beforeEach(() => {
  ecsMock.reset();
});

const ROLLING_BACK = "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.";

async function crashLoop(h: ReturnType<typeof scenarioHarness>, prefix = "t", taskDefinition?: string) {
  await h.dispatch(stoppedTask({ taskId: `${prefix}1`, time: "2024-09-10T16:50:30Z", taskDefinition }));
  await h.dispatch(stoppedTask({ taskId: `${prefix}2`, time: "2024-09-10T16:52:00Z", taskDefinition }));
  await h.dispatch(stoppedTask({ taskId: `${prefix}3`, time: "2024-09-10T16:54:00Z", taskDefinition }));
}

const titles = (h: ReturnType<typeof scenarioHarness>) => h.delivered().map((m) => m.title);

describe("(a) a deployment crash-loops after it starts", () => {
  it("rolls back with StopServiceDeployment on the third failure and reports ECS's rollback to completion", async () => {
    const world = ecsWorld(ecsMock);
    const h = scenarioHarness();

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }));
    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" }));
    await h.dispatch(stoppedTask({ taskId: "t2", time: "2024-09-10T16:52:00Z" }));
    const mutationsBeforeThreshold = world.mutations().length;
    await h.dispatch(stoppedTask({ taskId: "t3", time: "2024-09-10T16:54:00Z" }));
    await h.dispatch(
      deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", {
        time: "2024-09-10T16:54:05Z",
        deploymentId: ROLLBACK_ID,
        reason: ROLLING_BACK,
      }),
    );
    await h.dispatch(
      deploymentEvent("SERVICE_DEPLOYMENT_COMPLETED", {
        time: "2024-09-10T16:58:00Z",
        deploymentId: ROLLBACK_ID,
      }),
    );

    expect(mutationsBeforeThreshold).toBe(0);
    expect(world.mutations()).toEqual([
      {
        api: "StopServiceDeployment",
        input: { serviceDeploymentArn: NEW_DEPLOYMENT_ARN, stopType: "ROLLBACK" },
      },
    ]);
    expect(titles(h)).toEqual([
      "sd-example: deployment started to large-ngingx:2",
      expect.stringMatching(/^sd-example: review of large-ngingx:2: \d+ findings$/),
      "sd-example: container api exited with code 1",
      "sd-example: rolled back ecs-svc/2 to large-ngingx:1",
      "sd-example: rolling back to ecs-svc/1",
      "sd-example: deployment completed",
    ]);
    // The second and third crash are counted into the flood digest, not lost.
    expect(h.notified.filter((n) => n.message.kind === "task-stopped")).toHaveLength(3);
    expect(decisions(h.log)).toEqual([
      expect.objectContaining({
        ecsService: "sd-example",
        cluster: "example",
        deploymentId: "ecs-svc/2",
        trigger: "crash-loop",
        action: "rollback",
        code: "rollback",
        failureCount: 3,
        outcome: "StopServiceDeployment done",
      }),
    ]);
  });

  it("costs 2 ECS calls for the review and 5 for the rollback (4 reads, 1 StopServiceDeployment)", async () => {
    const world = ecsWorld(ecsMock);
    const h = scenarioHarness();

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }));
    const review = world.calls();
    await crashLoop(h);

    expect(review).toEqual({ DescribeServices: 1, DescribeTaskDefinition: 1 });
    expect(world.calls()).toEqual({
      DescribeServices: 2,
      DescribeTaskDefinition: 1,
      ListServiceDeployments: 1,
      DescribeServiceDeployments: 1,
      DescribeServiceRevisions: 1,
      StopServiceDeployment: 1,
    });
  });

  it("does not load the service again for failures after the rollback was claimed", async () => {
    const world = ecsWorld(ecsMock, { reflect: false });
    const h = scenarioHarness();
    await crashLoop(h);
    const afterRollback = world.calls();

    await h.dispatch(stoppedTask({ taskId: "t4", time: "2024-09-10T16:55:00Z" }));
    await h.dispatch(stoppedTask({ taskId: "t5", time: "2024-09-10T16:56:00Z" }));

    expect(world.calls()).toEqual(afterRollback);
    expect(world.mutations()).toHaveLength(1);
  });
});

describe("(b) a deployment fails", () => {
  it("takes no action when the circuit breaker rolls back, and says ECS rolls back", async () => {
    const world = ecsWorld(ecsMock, {
      rollout: "FAILED",
      rolloutReason: "ECS deployment circuit breaker: task failed to start.",
      circuitBreaker: { enable: true, rollback: true },
    });
    const h = scenarioHarness();

    const result = await h.dispatch(
      deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }),
    );
    await h.dispatch(
      deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", {
        time: "2024-09-10T16:55:05Z",
        deploymentId: ROLLBACK_ID,
        reason: ROLLING_BACK,
      }),
    );

    expect(world.mutations()).toEqual([]);
    expect(result).toMatchObject({
      status: "handled",
      summary: expect.stringContaining(
        "ECS rolls deployment ecs-svc/2 back by itself (circuit breaker rollback is on)",
      ),
    });
    expect(titles(h)).toEqual(["sd-example: deployment failed", "sd-example: rolling back to ecs-svc/1"]);
    expect(h.delivered()[0]?.remediation.join(" ")).toContain("ECS now rolls back by itself");
    expect(decisions(h.log)).toEqual([expect.objectContaining({ action: "none", code: "ecs-rolls-back" })]);
  });

  it("updates the service to the last successful task definition when the circuit breaker does not roll back", async () => {
    const world = ecsWorld(ecsMock, {
      rollout: "FAILED",
      rolloutReason: "ECS deployment circuit breaker: task failed to start.",
      circuitBreaker: { enable: true, rollback: false },
    });
    const h = scenarioHarness();

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }));

    expect(world.mutations()).toEqual([
      { api: "UpdateService", input: { cluster: CLUSTER_ARN, service: SERVICE_ARN, taskDefinition: OLD_TD } },
    ]);
    expect(titles(h)).toEqual([
      "sd-example: deployment failed",
      "sd-example: rolled back ecs-svc/2 to large-ngingx:1",
    ]);
    expect(h.delivered()[1]).toMatchObject({ kind: "rollback", severity: "critical" });
  });
});

describe("(c) the first deployment of a service", () => {
  it("only notifies when it fails: there is nothing to return to", async () => {
    const world = ecsWorld(ecsMock, {
      firstDeployment: true,
      rollout: "FAILED",
      rolloutReason: "ECS deployment circuit breaker: task failed to start.",
    });
    const h = scenarioHarness();

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }));

    expect(world.mutations()).toEqual([]);
    const rollback = h.delivered().find((m) => m.kind === "rollback");
    expect(rollback?.title).toBe("sd-example: not rolling back ecs-svc/2 (first-deployment)");
    expect(rollback?.cause).toContain("nothing to return to");
  });

  it("only notifies when it crash-loops while in progress", async () => {
    const world = ecsWorld(ecsMock, { firstDeployment: true });
    const h = scenarioHarness();

    await crashLoop(h);

    expect(world.mutations()).toEqual([]);
    expect(h.delivered().find((m) => m.kind === "rollback")?.title).toBe(
      "sd-example: not rolling back ecs-svc/2 (first-deployment)",
    );
  });
});

describe("(h) tasks that only claim to be the deployment's", () => {
  it("does not count failed tasks whose task definition is not the deployment's (RunTask can set startedBy and group)", async () => {
    const world = ecsWorld(ecsMock);
    const h = scenarioHarness();

    await crashLoop(h, "spoof", "arn:aws:ecs:us-west-2:123456789012:task-definition/attacker:1");

    expect(world.mutations()).toEqual([]);
    expect(h.delivered().some((m) => m.kind === "rollback")).toBe(false);
  });
});

describe("(d) a rollback that fails in turn", () => {
  it("is never rolled back: the crash loop of a rollback deployment is only reported", async () => {
    const world = ecsWorld(ecsMock, { newIsRollback: true, rolloutReason: ROLLING_BACK });
    const h = scenarioHarness();

    // The rollback deployment runs the previous revision: its failing tasks carry that task definition.
    await crashLoop(h, "t", OLD_TD);

    expect(world.mutations()).toEqual([]);
    const rollback = h.delivered().find((m) => m.kind === "rollback");
    expect(rollback?.title).toBe("sd-example: not rolling back ecs-svc/2 (rollback-of-rollback)");
    expect(rollback?.cause).toContain("a rollback is never rolled back");
  });

  it("is never rolled back when ECS reports the rollback deployment failed", async () => {
    const world = ecsWorld(ecsMock, {
      newIsRollback: true,
      rollout: "FAILED",
      rolloutReason: ROLLING_BACK,
    });
    const h = scenarioHarness();

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }));

    expect(world.mutations()).toEqual([]);
    expect(decisions(h.log)).toEqual([expect.objectContaining({ code: "rollback-of-rollback" })]);
  });
});

describe("(e) a service that did not opt in", () => {
  it("is not rolled back, and the message says so and how to roll back by hand", async () => {
    const world = ecsWorld(ecsMock, {
      tags: [],
      rollout: "FAILED",
      rolloutReason: "ECS deployment circuit breaker: task failed to start.",
    });
    const h = scenarioHarness();

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }));

    expect(world.mutations()).toEqual([]);
    const rollback = h.delivered().find((m) => m.kind === "rollback");
    expect(rollback).toMatchObject({
      title: "sd-example: not rolling back ecs-svc/2 (not-opted-in)",
      severity: "warning",
    });
    expect(rollback?.cause).toContain("automatic rollback is not enabled for this service");
    expect(rollback?.remediation[0]).toContain("--task-definition large-ngingx:1");
  });

  it("is rolled back when AUTO_ROLLBACK_SERVICES lists it", async () => {
    const world = ecsWorld(ecsMock, {
      tags: [],
      rollout: "FAILED",
      rolloutReason: "ECS deployment circuit breaker: task failed to start.",
    });
    const h = scenarioHarness({ env: { AUTO_ROLLBACK_SERVICES: "example/sd-example" } });

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }));

    expect(world.mutations().map((m) => m.api)).toEqual(["UpdateService"]);
  });
});

describe("(f) duplicates, in memory (the emulator test repeats this on DynamoDB)", () => {
  it("rolls back once when the same FAILED event is delivered twice", async () => {
    const world = ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed", reflect: false });
    const h = scenarioHarness();
    const event = deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" });

    await h.dispatch(event);
    await h.dispatch(event);

    expect(world.mutations()).toHaveLength(1);
    expect(titles(h)).toEqual([
      "sd-example: deployment failed",
      "sd-example: rolled back ecs-svc/2 to large-ngingx:1",
      "sd-example: not rolling back ecs-svc/2 (already-claimed)",
    ]);
  });
});

describe("(g) dry run (DRY_RUN=true)", () => {
  it("reports the rollback it would make and changes nothing", async () => {
    const world = ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed" });
    const h = scenarioHarness({ env: { DRY_RUN: "true" } });

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }));
    await crashLoop(h);

    expect(world.mutations()).toEqual([]);
    expect(
      h
        .delivered()
        .filter((m) => m.kind === "rollback")
        .map((m) => m.title),
    ).toEqual(["sd-example: would roll back ecs-svc/2 to large-ngingx:1 (dry run)"]);
    expect(decisions(h.log).map((d) => [d.trigger, d.code, d.dryRun, d.outcome])).toEqual([
      ["deployment-failed", "rollback", true, "skipped (dry run)"],
      ["crash-loop", "rollback", true, "skipped (dry run)"],
    ]);
  });

  it("writes no claim and no cooldown", async () => {
    ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed" });
    const h = scenarioHarness({ env: { DRY_RUN: "true" } });

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }));

    expect(await h.rollbackStore.lastRollbackAt(SERVICE_ARN)).toBeUndefined();
    expect(await h.rollbackStore.claimRollback("ecs-svc/2", SERVICE_ARN)).toBe(true);
  });
});

describe("(i) a failed deployment of a service whose cluster does not exist", () => {
  it("tells Slack and the email topic that the rollback check failed and nothing was changed", async () => {
    ecsMock.rejects(
      new ClusterNotFoundException({
        message: "Cluster not found.",
        $metadata: { httpStatusCode: 400, requestId: "0e1c2f8e-3a4b-4c5d-8e9f-0a1b2c3d4e5f", attempts: 1 },
      }),
    );
    const h = scenarioHarness();

    const result = await h.dispatch(
      deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }),
    );

    const sentence =
      "rollback check failed for `sd-example`: ClusterNotFoundException: Cluster not found. — nothing was changed";
    expect(result).toMatchObject({ status: "handled" });
    expect(JSON.stringify(h.slack)).toContain(sentence);
    expect(h.email.map((e) => e.body).join("\n")).toContain(sentence);
    expect(titles(h)).toEqual(["sd-example: deployment failed", "sd-example: rollback check failed"]);
  });
});
