/**
 * The crash-loop hook of the task-state flow: what it counts, what it costs, when it decides, and how its
 * failures leave the stopped-task notification intact.
 */
import { AccessDeniedException, DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import type { TaskStateChangeEvent } from "../../src/shared/events/parse.js";
import { parseEcsEvent } from "../../src/shared/events/parse.js";
import { crashLoopHook, crashLoopSubject } from "../../src/shared/flows/crash-loop.js";
import { silentLog } from "../../src/shared/log.js";
import {
  crashLoopPk,
  crashLoopSk,
  memoryCrashLoopStore,
} from "../../src/shared/rollback/crash-loop-store.js";
import { memoryRollbackStore } from "../../src/shared/rollback/memory-rollback-store.js";
import { ecsWorld, NEW_ID, SERVICE_ARN } from "../scenarios/support/ecs-world.js";
import { stoppedTask } from "../scenarios/support/events.js";
import { decisions, scenarioHarness } from "../scenarios/support/harness.js";

const ecsMock = mockClient(ECSClient);

beforeEach(() => {
  ecsMock.reset();
});

const mustNotNotify = async (): Promise<never> => {
  throw new Error("must not notify");
};
const parsed = (raw: Record<string, unknown>) => parseEcsEvent(raw) as TaskStateChangeEvent;
const taskMessages = (h: ReturnType<typeof scenarioHarness>) =>
  h.notified.filter((n) => n.message.kind === "task-stopped");

describe("which stops count", () => {
  it("names the deployment of a failed service task started by it", () => {
    const event = parsed(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" }));

    const subject = crashLoopSubject(event, { category: "app-exit" });

    expect(subject).toEqual({
      key: { cluster: "example", service: "sd-example", deploymentId: NEW_ID },
      serviceArn: SERVICE_ARN,
    });
  });

  it.each([
    ["a scaling stop of a deployment's task", { kind: "scaling" as const }],
    ["a task no deployment started", { startedBy: "ecs-sentinel:job/nightly-report" }],
    ["a task started by a person", { startedBy: "jane" }],
  ])("makes no state or AWS call for %s", async (_, options) => {
    const store = memoryCrashLoopStore();
    const h = scenarioHarness({ crashLoopStore: store });

    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z", ...options }));

    expect(store.operations).toBe(0);
    expect(ecsMock.calls()).toHaveLength(0);
    expect(taskMessages(h)).toHaveLength(1);
  });

  it("makes no call for a standalone task, whose group is a family", async () => {
    const store = memoryCrashLoopStore();
    const hook = crashLoopHook({
      store,
      rollbackClaimed: memoryRollbackStore().rollbackClaimed,
      rollback: async () => {
        throw new Error("must not be called");
      },
      log: silentLog,
      notify: mustNotNotify,
      settings: { threshold: 1, windowMinutes: 15 },
    });
    const raw = stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" });
    raw.detail.group = "family:nightly-report";
    const event = parsed(raw);

    const result = await hook(event, diagnoseTask(event.detail));

    expect(result).toBeUndefined();
    expect(store.operations).toBe(0);
  });

  it("keys failures by cluster, service and deployment, sorted by stop time then task", () => {
    const key = { cluster: "example", service: "sd-example", deploymentId: NEW_ID };
    const failure = {
      taskArn: "arn:aws:ecs:us-west-2:123456789012:task/example/t1",
      stoppedAt: new Date("2024-09-10T16:50:30Z"),
    };

    expect(crashLoopPk(key)).toBe("crashloop#example#sd-example#ecs-svc/2");
    expect(crashLoopSk(failure)).toBe("2024-09-10T16:50:30.000Z#t1");
  });
});

describe("counting", () => {
  it("counts a task delivered three times once", async () => {
    const world = ecsWorld(ecsMock);
    const h = scenarioHarness();
    const event = stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" });

    for (let i = 0; i < 3; i++) await h.dispatch(event);

    expect(world.calls()).toEqual({});
  });

  it("leaves failures older than the window out", async () => {
    const world = ecsWorld(ecsMock);
    const h = scenarioHarness();

    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T16:30:00Z" }));
    await h.dispatch(stoppedTask({ taskId: "t2", time: "2024-09-10T16:31:00Z" }));
    await h.dispatch(stoppedTask({ taskId: "t3", time: "2024-09-10T16:54:00Z" }));

    expect(world.calls()).toEqual({});
  });

  it("uses CRASH_LOOP_WINDOW_MINUTES and CRASH_LOOP_THRESHOLD", async () => {
    const world = ecsWorld(ecsMock);
    const h = scenarioHarness({ env: { CRASH_LOOP_WINDOW_MINUTES: "30", CRASH_LOOP_THRESHOLD: "2" } });

    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T16:30:00Z" }));
    await h.dispatch(stoppedTask({ taskId: "t2", time: "2024-09-10T16:54:00Z" }));

    expect(world.mutations().map((m) => m.api)).toEqual(["StopServiceDeployment"]);
  });
});

describe("after a deployment completed", () => {
  it("rolls back a crash loop within POST_COMPLETION_MINUTES with UpdateService", async () => {
    const world = ecsWorld(ecsMock, {
      rollout: "COMPLETED",
      rolloutReason: "ECS deployment ecs-svc/2 completed.",
    });
    const h = scenarioHarness();

    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T17:01:00Z" }));
    await h.dispatch(stoppedTask({ taskId: "t2", time: "2024-09-10T17:03:00Z" }));
    await h.dispatch(stoppedTask({ taskId: "t3", time: "2024-09-10T17:05:00Z" }));

    expect(world.mutations().map((m) => m.api)).toEqual(["UpdateService"]);
  });

  it("does not blame a crash loop long after completion on the deployment, and says nothing about it", async () => {
    const world = ecsWorld(ecsMock, {
      rollout: "COMPLETED",
      rolloutReason: "ECS deployment ecs-svc/2 completed.",
    });
    const h = scenarioHarness();

    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T17:41:00Z" }));
    await h.dispatch(stoppedTask({ taskId: "t2", time: "2024-09-10T17:43:00Z" }));
    await h.dispatch(stoppedTask({ taskId: "t3", time: "2024-09-10T17:45:00Z" }));

    expect(world.mutations()).toEqual([]);
    expect(decisions(h.log)).toEqual([expect.objectContaining({ code: "outside-window", action: "none" })]);
    expect(h.delivered().filter((m) => m.kind === "rollback")).toEqual([]);
  });
});

describe("failures of the hook", () => {
  it("never take over the stopped-task notification", async () => {
    ecsWorld(ecsMock);
    const h = scenarioHarness();
    const hook = h.deps.hooks?.[0];
    const event = parsed(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" }));

    const result = await hook?.(event, diagnoseTask(event.detail));

    expect(result).toBeUndefined();
  });

  it("are logged when not transient, and the stopped-task notification still goes out", async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .rejects(new AccessDeniedException({ message: "denied", $metadata: {} }));
    const h = scenarioHarness();

    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" }));
    await h.dispatch(stoppedTask({ taskId: "t2", time: "2024-09-10T16:52:00Z" }));
    const third = await h.dispatch(stoppedTask({ taskId: "t3", time: "2024-09-10T16:54:00Z" }));

    expect(third.status).toBe("diagnosed");
    expect(taskMessages(h)).toHaveLength(3);
    expect(h.log.lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: expect.stringContaining("crash-loop check failed"),
        fields: expect.objectContaining({ deploymentId: NEW_ID, error: "AccessDeniedException: denied" }),
      }),
    );
  });

  it("are rethrown when transient; the retried event rolls back once and is notified once", async () => {
    const world = ecsWorld(ecsMock);
    const h = scenarioHarness();
    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" }));
    await h.dispatch(stoppedTask({ taskId: "t2", time: "2024-09-10T16:52:00Z" }));
    const third = stoppedTask({ taskId: "t3", time: "2024-09-10T16:54:00Z" });
    world.failOnce(
      "DescribeServices",
      Object.assign(new Error("Rate exceeded"), {
        name: "ThrottlingException",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    await expect(h.dispatch(third)).rejects.toThrow("Rate exceeded");
    const notifiedBeforeRetry = taskMessages(h).length;
    await h.dispatch(third);

    expect(notifiedBeforeRetry).toBe(2);
    expect(taskMessages(h)).toHaveLength(3);
    expect(world.mutations()).toHaveLength(1);
  });
});

describe("a flood after the decision", () => {
  it("skips the state table and the rollback runner for more failures of a deployment it has just decided", async () => {
    // Arrange: a threshold of 2, so the second failure decides.
    const store = memoryCrashLoopStore();
    let decided = 0;
    const hook = crashLoopHook({
      store,
      rollbackClaimed: memoryRollbackStore().rollbackClaimed,
      rollback: async () => {
        decided++;
        return undefined as never;
      },
      log: silentLog,
      notify: mustNotNotify,
      settings: { threshold: 2, windowMinutes: 15 },
    });
    const failure = (taskId: string) => {
      const event = parsed(stoppedTask({ taskId, time: "2024-09-10T16:50:30Z" }));
      return hook(event, diagnoseTask(event.detail));
    };
    await failure("t1");
    await failure("t2");
    const operationsAfterDecision = store.operations;

    // Act: the flood goes on.
    for (let i = 3; i <= 50; i++) await failure(`t${i}`);

    // Assert
    expect(decided).toBe(1);
    expect(store.operations).toBe(operationsAfterDecision);
  });
});
