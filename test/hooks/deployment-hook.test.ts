/** The deploymentHook use case against an ECS stand-in shaped like the API reference (see support.ts). */
import { DescribeServiceRevisionsCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { deploymentThreadKey } from "../../src/shared/deployments/card.js";
import { deploymentHook, runDeploymentHook } from "../../src/shared/flows/deployment-hook.js";
import {
  DEPLOYMENT_ID,
  ecsWorld,
  hookDeps,
  hookPayload,
  REVISION_MISSING,
  recordingLog,
  runningTask,
  SERVICE_ARN,
  stoppedTask,
  T0,
} from "./support.js";

/** The message that tells the thread why ECS rolls back (the info updates of the card are the others). */
const failureSent = (deps: { sent: Array<{ message: { severity: string; cause: string } }> }) =>
  deps.sent.find((s) => s.message.severity !== "info");

const throttled = Object.assign(new Error("Rate exceeded"), {
  name: "ThrottlingException",
  $metadata: { httpStatusCode: 400 },
});

describe("deploymentHook: a blue/green deployment whose green tasks cannot pull their image", () => {
  it("answers FAILED on the first call that sees the stop and says why in the deployment's thread", async () => {
    // Arrange
    const world = ecsWorld();
    world.tasks.push(
      runningTask("green-1", "UNKNOWN"),
      stoppedTask("image-pull--docs-repository-not-found", "green-2"),
    );
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);

    // Act
    const response = await deploymentHook(hookPayload("POST_SCALE_UP"), deps);

    // Assert
    expect(response).toEqual({ hookStatus: "FAILED" });
    expect(deps.sent).toHaveLength(1);
    const [sent] = deps.sent;
    expect(sent?.message.category).toBe("hook-failed");
    expect(sent?.message.title).toContain("ECS will roll back");
    expect(sent?.message.cause).toContain("image-pull");
    expect(sent?.message.reason).toContain("CannotPullContainerError");
    expect(sent?.meta.thread).toEqual({
      key: deploymentThreadKey(SERVICE_ARN, DEPLOYMENT_ID),
      joinOnly: true,
    });
  });

  it("answers IN_PROGRESS while the green tasks are still pulling, then FAILED when the pull fails", async () => {
    const world = ecsWorld();
    world.tasks.push(runningTask("green-1", "UNKNOWN"), {
      ...runningTask("green-2", "UNKNOWN"),
      lastStatus: "PENDING",
    });
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);

    const first = await deploymentHook(hookPayload("POST_SCALE_UP"), deps);
    world.tasks[1] = stoppedTask("image-pull--fargate-pv14-failed-to-resolve-ref-not-found", "green-2");
    clock.now += (first.callBackDelay ?? 0) * 1000;
    const second = await deploymentHook(hookPayload("POST_SCALE_UP", first.hookDetails), deps);

    expect(first.hookStatus).toBe("IN_PROGRESS");
    expect(second).toEqual({ hookStatus: "FAILED" });
  });
});

describe("deploymentHook: green tasks that run and stay healthy", () => {
  it("answers IN_PROGRESS during the bake and SUCCEEDED once it is over, carrying its state in hookDetails", async () => {
    const world = ecsWorld();
    world.healthCheck = true;
    world.tasks.push(runningTask("green-1", "HEALTHY"), runningTask("green-2", "HEALTHY"));
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);
    const configured = { bakeSeconds: 120 };

    const answers = [];
    let details: Record<string, unknown> = configured;
    for (;;) {
      const answer = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", details), deps);
      answers.push({ ...answer, at: (clock.now - T0) / 1000 });
      if (answer.hookStatus !== "IN_PROGRESS") break;
      details = answer.hookDetails ?? {};
      clock.now += (answer.callBackDelay ?? 30) * 1000;
    }

    expect(answers.map((a) => [a.hookStatus, a.at])).toEqual([
      ["IN_PROGRESS", 0],
      ["IN_PROGRESS", 30],
      ["IN_PROGRESS", 60],
      ["IN_PROGRESS", 90],
      ["SUCCEEDED", 120],
    ]);
    expect(answers[0]?.hookDetails).toMatchObject({
      bakeSeconds: 120,
      ecsSentinel: {
        firstCallAt: new Date(T0).toISOString(),
        healthySince: new Date(T0).toISOString(),
        calls: 1,
      },
    });
    // Nothing alarming is sent; each call shows the stage, traffic and bake on the deployment's card (info).
    expect(deps.sent.filter((s) => s.message.severity !== "info")).toHaveLength(0);
    expect(deps.sent.map((s) => s.meta.thread?.patch?.facts?.find((f) => f.label === "Hook")?.value)).toEqual(
      [
        expect.stringMatching(/^IN_PROGRESS: /),
        expect.stringMatching(/^IN_PROGRESS: /),
        expect.stringMatching(/^IN_PROGRESS: /),
        expect.stringMatching(/^IN_PROGRESS: /),
        expect.stringMatching(/^SUCCEEDED: /),
      ],
    );
    expect(deps.sent[0]?.meta.thread?.patch?.facts?.[0]).toEqual({
      label: "Stage",
      value: "POST_TEST_TRAFFIC_SHIFT",
    });
  });

  it("restarts the bake when a task turns unhealthy", async () => {
    const world = ecsWorld();
    world.healthCheck = true;
    world.tasks.push(runningTask("green-1", "HEALTHY"), runningTask("green-2", "HEALTHY"));
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);

    const first = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", { bakeSeconds: 60 }), deps);
    world.tasks[1] = runningTask("green-2", "UNHEALTHY");
    clock.now += 30_000;
    const second = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", first.hookDetails), deps);
    world.tasks[1] = runningTask("green-2", "HEALTHY");
    clock.now += 30_000;
    const third = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", second.hookDetails), deps);

    expect([first.hookStatus, second.hookStatus, third.hookStatus]).toEqual([
      "IN_PROGRESS",
      "IN_PROGRESS",
      "IN_PROGRESS",
    ]);
    expect(third.hookDetails).toMatchObject({
      ecsSentinel: { healthySince: new Date(T0 + 60_000).toISOString() },
    });
  });

  it("waits for a health check to report HEALTHY when the task definition has one", async () => {
    const world = ecsWorld();
    world.healthCheck = true;
    world.tasks.push(runningTask("green-1", "UNKNOWN"), runningTask("green-2", "UNKNOWN"));
    const deps = hookDeps(world, { now: T0 });

    const answer = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", { bakeSeconds: 0 }), deps);

    expect(answer.hookStatus).toBe("IN_PROGRESS");
  });

  it("counts a RUNNING task without health check as healthy", async () => {
    const world = ecsWorld();
    world.tasks.push(runningTask("green-1", "UNKNOWN"), runningTask("green-2", "UNKNOWN"));
    const deps = hookDeps(world, { now: T0 });

    const answer = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", { bakeSeconds: 0 }), deps);

    expect(answer).toEqual({ hookStatus: "SUCCEEDED" });
  });

  it("takes the bake time from the service tag when hookDetails sets none", async () => {
    const world = ecsWorld();
    world.tags = [{ key: "ecs-sentinel:hook-bake-seconds", value: "0" }];
    world.tasks.push(runningTask("green-1", "HEALTHY"), runningTask("green-2", "HEALTHY"));
    const deps = hookDeps(world, { now: T0 });

    const answer = await deploymentHook(hookPayload("POST_PRODUCTION_TRAFFIC_SHIFT"), deps);

    expect(answer).toEqual({ hookStatus: "SUCCEEDED" });
  });

  it("ignores tasks of another deployment of the same service", async () => {
    const world = ecsWorld({ desiredCount: 1 });
    world.tasks.push(runningTask("green-1", "HEALTHY"), {
      ...stoppedTask("image-pull--docs-repository-not-found", "old-1"),
      startedBy: "ecs-svc/1111",
    });
    const deps = hookDeps(world, { now: T0 });

    const answer = await deploymentHook(hookPayload("POST_SCALE_UP", { bakeSeconds: 0 }), deps);

    expect(answer).toEqual({ hookStatus: "SUCCEEDED" });
  });
});

describe("deploymentHook: green tasks that crash after RUNNING", () => {
  it("answers IN_PROGRESS for the first crashes and FAILED at the third", async () => {
    const world = ecsWorld();
    world.tasks.push(runningTask("green-1", "HEALTHY"), runningTask("green-2", "HEALTHY"));
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);
    const statuses: string[] = [];

    let details: Record<string, unknown> | undefined;
    for (const [i, fixture] of [
      "app-exit--fargate-exit-1",
      "app-exit--fargate-exit-134-abort",
      "app-exit--fargate-exit-255",
    ].entries()) {
      world.tasks.push(stoppedTask(fixture, `crashed-${i}`, new Date(clock.now)));
      const answer = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", details), deps);
      statuses.push(answer.hookStatus);
      details = answer.hookDetails;
      clock.now += 30_000;
    }

    expect(statuses).toEqual(["IN_PROGRESS", "IN_PROGRESS", "FAILED"]);
    expect(failureSent(deps)?.message.cause).toContain("3 tasks of the new revision stopped with a failure");
  });

  it("answers FAILED after two load balancer health check stops", async () => {
    const world = ecsWorld();
    world.tasks.push(
      stoppedTask("elb-health-check--fargate-target-group-exit-137", "green-1"),
      stoppedTask("elb-health-check--fargate-no-stopcode", "green-2", new Date(T0 + 1000)),
    );
    const deps = hookDeps(world, { now: T0 + 5000 });

    const answer = await deploymentHook(hookPayload("PRODUCTION_TRAFFIC_SHIFT"), deps);

    expect(answer).toEqual({ hookStatus: "FAILED" });
    expect(failureSent(deps)?.message.cause).toContain("load balancer health checks");
  });

  it("does not count a scale-in stop", async () => {
    const world = ecsWorld({ desiredCount: 1 });
    world.tasks.push(
      runningTask("green-1", "HEALTHY"),
      stoppedTask("scaling--fargate-deployment-replacement", "green-0"),
    );
    const deps = hookDeps(world, { now: T0 });

    const answer = await deploymentHook(
      hookPayload("POST_SCALE_UP", { bakeSeconds: 0, crashThreshold: 1 }),
      deps,
    );

    expect(answer).toEqual({ hookStatus: "SUCCEEDED" });
  });
});

describe("deploymentHook: payloads it does not understand", () => {
  it.each([
    ["not an object", "hello"],
    ["no execution details", { lifecycleStage: "POST_SCALE_UP" }],
    [
      "a revision that is not an ARN",
      {
        ...hookPayload("POST_SCALE_UP"),
        executionDetails: { serviceArn: SERVICE_ARN, targetServiceRevisionArn: 42 },
      },
    ],
    ["hookDetails that is not an object", { ...hookPayload("POST_SCALE_UP"), hookDetails: [1, 2] }],
  ])("answers SUCCEEDED with a warning for %s", async (_what, payload) => {
    const log = recordingLog();
    const deps = hookDeps(ecsWorld(), { now: T0 }, { log });

    const answer = await deploymentHook(payload, deps);

    expect(answer).toEqual({ hookStatus: "SUCCEEDED" });
    expect(log.lines.some((l) => l.level === "warn" && l.message.startsWith("deployment hook:"))).toBe(true);
  });

  it("answers FAILED when set to fail closed", async () => {
    const deps = hookDeps(ecsWorld(), { now: T0 }, { defaults: { failClosed: true } });

    const answer = await deploymentHook({ lifecycleStage: "POST_SCALE_UP" }, deps);

    expect(answer).toEqual({ hookStatus: "FAILED" });
  });

  it("never logs the payload's hookDetails values", async () => {
    const log = recordingLog();
    const world = ecsWorld();
    world.tasks.push(runningTask("green-1", "HEALTHY"));
    const deps = hookDeps(world, { now: T0 }, { log });

    await deploymentHook(hookPayload("POST_SCALE_UP", { token: "s3cr3t-value" }), deps);

    expect(JSON.stringify(log.lines)).not.toContain("s3cr3t-value");
  });
});

describe("deploymentHook: AWS trouble and time limits", () => {
  it("answers IN_PROGRESS when ECS throttles the hook, never FAILED", async () => {
    const world = ecsWorld();
    world.mock.on(ListTasksCommand).rejects(throttled);
    const deps = hookDeps(world, { now: T0 }, { defaults: { failClosed: true } });

    const answer = await deploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(answer.hookStatus).toBe("IN_PROGRESS");
    expect(answer.callBackDelay).toBeGreaterThan(0);
    expect(answer.hookDetails).toMatchObject({ ecsSentinel: { calls: 1 } });
  });

  it("lets the deployment continue when throttling lasts until the 15-minute limit", async () => {
    const world = ecsWorld();
    world.mock.on(ListTasksCommand).rejects(throttled);
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);

    const first = await deploymentHook(hookPayload("POST_SCALE_UP"), deps);
    clock.now = T0 + 14 * 60_000;
    const late = await deploymentHook(hookPayload("POST_SCALE_UP", first.hookDetails), deps);

    expect(late).toEqual({ hookStatus: "SUCCEEDED" });
  });

  it("answers SUCCEEDED with a warning when ECS does not know the revision (fail open)", async () => {
    const world = ecsWorld();
    world.mock.on(DescribeServiceRevisionsCommand).resolves(REVISION_MISSING);
    const run = await runDeploymentHook(hookPayload("POST_SCALE_UP"), hookDeps(world, { now: T0 }));

    expect(run.response).toEqual({ hookStatus: "SUCCEEDED" });
    expect(run.verdict.warnings.join()).toContain("does not know the target service revision");
  });

  it("answers IN_PROGRESS instead of running past the Lambda deadline", async () => {
    const world = ecsWorld();
    const deps = hookDeps(world, { now: T0 }, { deadline: () => 2_000 });

    const answer = await deploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(answer.hookStatus).toBe("IN_PROGRESS");
    expect(world.mock.calls()).toHaveLength(0);
  });

  it("decides before ECS's 15-minute limit: FAILED when the tasks never became healthy", async () => {
    const world = ecsWorld();
    world.healthCheck = true;
    world.tasks.push(runningTask("green-1", "UNKNOWN"), runningTask("green-2", "UNKNOWN"));
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);

    let answer = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT"), deps);
    const statuses = [answer.hookStatus];
    while (answer.hookStatus === "IN_PROGRESS") {
      clock.now += (answer.callBackDelay ?? 30) * 1000;
      answer = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", answer.hookDetails), deps);
      statuses.push(answer.hookStatus);
    }

    expect(answer).toEqual({ hookStatus: "FAILED" });
    expect(clock.now - T0).toBeLessThan(15 * 60_000);
    expect(clock.now - T0).toBeGreaterThan(12 * 60_000);
    expect(failureSent(deps)?.message.cause).toContain("not healthy in time");
  });

  it("decides before ECS's 15-minute limit: SUCCEEDED when healthy but the bake is longer than the time left", async () => {
    const world = ecsWorld();
    world.tasks.push(runningTask("green-1", "HEALTHY"), runningTask("green-2", "HEALTHY"));
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);

    const first = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", { bakeSeconds: 780 }), deps);
    clock.now = T0 + 13 * 60_000;
    const late = await deploymentHook(hookPayload("POST_TEST_TRAFFIC_SHIFT", first.hookDetails), deps);

    expect(first.hookStatus).toBe("IN_PROGRESS");
    expect(late).toEqual({ hookStatus: "SUCCEEDED" });
  });

  it("answers FAILED even when the thread message cannot be sent", async () => {
    const world = ecsWorld();
    world.tasks.push(stoppedTask("secrets--asm-secret-not-found-new-wording", "green-1"));
    const deps = hookDeps(
      world,
      { now: T0 },
      {
        notify: async () => {
          throw new Error("slack down");
        },
      },
    );

    const answer = await deploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(answer).toEqual({ hookStatus: "FAILED" });
  });
});
