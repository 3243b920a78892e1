/**
 * The deployment hook when ECS cannot be read for good (AccessDenied, a revision ECS does not know) or not in
 * time: the hook lets the deployment go on unchecked (fail open), and a person must hear that it did — a
 * message and a metric, besides the log line. Errors are shaped like the ECS API reference's.
 */
import {
  AccessDeniedException,
  DescribeServiceRevisionsCommand,
  ListTasksCommand,
  ServerException,
} from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { runDeploymentHook } from "../../src/shared/flows/deployment-hook.js";
import { countingMetrics } from "../metrics/support.js";
import {
  ecsWorld,
  hookDeps,
  hookPayload,
  REVISION_MISSING,
  recordingLog,
  SERVICE_ARN,
  T0,
} from "./support.js";

const accessDenied = () =>
  new AccessDeniedException({
    message:
      "User: arn:aws:sts::123456789012:assumed-role/hook/fn is not authorized to perform: ecs:DescribeServiceRevisions",
    $metadata: { httpStatusCode: 400 },
  });

describe("deploymentHook: ECS cannot be read for good", () => {
  it("lets the deployment continue and tells people it went unchecked, with the reason", async () => {
    // Arrange
    const world = ecsWorld();
    world.mock.on(DescribeServiceRevisionsCommand).rejects(accessDenied());
    const deps = hookDeps(world, { now: T0 });

    // Act
    const run = await runDeploymentHook(hookPayload("POST_SCALE_UP"), deps);

    // Assert
    expect(run.response).toEqual({ hookStatus: "SUCCEEDED" });
    expect(deps.sent).toHaveLength(1);
    const [sent] = deps.sent;
    expect(sent?.message.severity).toBe("warning");
    expect(sent?.message.category).toBe("hook-unchecked");
    expect(sent?.message.title).toContain("not checked");
    expect(sent?.message.cause).toContain("AccessDeniedException");
    expect(sent?.message.remediation.join(" ")).toContain("ecs:DescribeServiceRevisions");
    expect(sent?.meta.serviceArn).toBe(SERVICE_ARN);
    expect(sent?.meta.dedupeKey).toMatch(/^hook-unchecked#.+#POST_SCALE_UP$/);
  });

  it("counts the unchecked deployment as EventsDropped {reason: hook-unchecked}", async () => {
    const world = ecsWorld();
    world.mock.on(DescribeServiceRevisionsCommand).rejects(accessDenied());
    const metrics = countingMetrics();
    const deps = hookDeps(world, { now: T0 }, { metrics });

    await runDeploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(metrics.counted).toEqual([
      { name: "EventsDropped", dimensions: { reason: "hook-unchecked" }, value: 1 },
    ]);
  });

  it("tells people when ECS does not know the target revision", async () => {
    const world = ecsWorld();
    world.mock.on(DescribeServiceRevisionsCommand).resolves(REVISION_MISSING);
    const deps = hookDeps(world, { now: T0 });

    const run = await runDeploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(run.response).toEqual({ hookStatus: "SUCCEEDED" });
    expect(deps.sent.map((s) => s.message.category)).toEqual(["hook-unchecked"]);
    expect(deps.sent[0]?.message.cause).toContain("does not know the target service revision");
  });

  it("still answers SUCCEEDED, and logs why, when the warning cannot be sent", async () => {
    const world = ecsWorld();
    world.mock.on(DescribeServiceRevisionsCommand).rejects(accessDenied());
    const log = recordingLog();
    const deps = hookDeps(
      world,
      { now: T0 },
      {
        log,
        notify: async () => {
          throw new Error("slack down");
        },
      },
    );

    const run = await runDeploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(run.response).toEqual({ hookStatus: "SUCCEEDED" });
    expect(log.lines.some((l) => l.level === "error" && l.message.includes("unchecked"))).toBe(true);
  });

  it("sends no FAILED-and-unchecked pair when set to fail closed: the FAILED message carries the reason", async () => {
    const world = ecsWorld();
    world.mock.on(DescribeServiceRevisionsCommand).rejects(accessDenied());
    const deps = hookDeps(world, { now: T0 }, { defaults: { failClosed: true } });

    const run = await runDeploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(run.response).toEqual({ hookStatus: "FAILED" });
    expect(deps.sent.map((s) => s.message.category)).toEqual(["hook-failed"]);
    expect(deps.sent[0]?.message.cause).toContain("AccessDeniedException");
  });
});

describe("deploymentHook: ECS fails transiently", () => {
  it("tells nobody while it answers IN_PROGRESS: ECS calls again", async () => {
    const world = ecsWorld();
    world.mock
      .on(ListTasksCommand)
      .rejects(new ServerException({ message: "Service unavailable", $metadata: { httpStatusCode: 500 } }));
    const metrics = countingMetrics();
    const deps = hookDeps(world, { now: T0 }, { metrics });

    const run = await runDeploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(run.response.hookStatus).toBe("IN_PROGRESS");
    expect(deps.sent).toEqual([]);
    expect(metrics.counted).toEqual([]);
  });

  it("tells people the deployment went on unchecked when the failure lasts until the 15-minute limit", async () => {
    const world = ecsWorld();
    world.mock
      .on(ListTasksCommand)
      .rejects(new ServerException({ message: "Service unavailable", $metadata: { httpStatusCode: 500 } }));
    const clock = { now: T0 };
    const deps = hookDeps(world, clock);

    const first = await runDeploymentHook(hookPayload("POST_SCALE_UP"), deps);
    clock.now = T0 + 14 * 60_000;
    const late = await runDeploymentHook(hookPayload("POST_SCALE_UP", first.response.hookDetails), deps);

    expect(late.response).toEqual({ hookStatus: "SUCCEEDED" });
    expect(deps.sent.map((s) => s.message.category)).toEqual(["hook-unchecked"]);
    expect(deps.sent[0]?.message.cause).toContain("ServerException");
  });

  it("answers IN_PROGRESS when an ECS call hangs past the Lambda deadline, without a message", async () => {
    const world = ecsWorld();
    world.mock.on(ListTasksCommand).callsFake(() => new Promise(() => {}));
    // 3 s are kept back to answer: 20 ms are left for the calls.
    const deps = hookDeps(world, { now: T0 }, { deadline: () => 3_020 });

    const run = await runDeploymentHook(hookPayload("POST_SCALE_UP"), deps);

    expect(run.response.hookStatus).toBe("IN_PROGRESS");
    expect(run.verdict.reason).toContain("deadline");
    expect(deps.sent).toEqual([]);
  });
});
