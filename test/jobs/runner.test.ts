import { describe, expect, it } from "vitest";
import {
  buildRunTaskRequest,
  planRun,
  type RunningJobTask,
  startedByFor,
} from "../../src/shared/jobs/run-planning.js";
import { makeJob } from "./fixtures.js";

const NOW = new Date("2025-03-10T03:00:00Z");
const running = (id: string, extra: Partial<RunningJobTask> = {}): RunningJobTask => ({
  taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/batch/${id}`,
  lastStatus: "RUNNING",
  desiredStatus: "RUNNING",
  startedAt: new Date("2025-03-10T02:30:00Z"),
  ...extra,
});

describe("planRun", () => {
  it.each([
    ["skip", [], "run"],
    ["allow", [], "run"],
    ["replace", [], "run"],
    ["skip", [running("old")], "skip"],
    ["allow", [running("old")], "run"],
    ["replace", [running("old")], "replace"],
    ["skip", [running("old", { desiredStatus: "STOPPED" })], "run"],
    ["skip", [running("old", { lastStatus: "STOPPED" })], "run"],
    ["skip", [running("other", { tags: { "ecs-sentinel:job": "another-job" } })], "run"],
    ["skip", [running("mine", { tags: { "ecs-sentinel:job": "nightly" } })], "skip"],
  ] as const)("with overlap %s and %j running, decides %s", (overlap, tasks, action) => {
    const plan = planRun(makeJob({ overlap }), { runningTasks: tasks, now: NOW, runId: "r1" });

    expect(plan.action).toBe(action);
  });

  it("says which task is still running and for how long when it skips", () => {
    const plan = planRun(makeJob(), { runningTasks: [running("abc123")], now: NOW, runId: "r1" });

    expect(plan).toEqual({
      action: "skip",
      reason: 'previous run abc123 (started 30 min ago) is still running; overlap is "skip"',
      tasksToStop: [],
    });
  });

  it("lists the tasks to stop when it replaces", () => {
    const tasks = [running("a"), running("b")];

    const plan = planRun(makeJob({ overlap: "replace" }), { runningTasks: tasks, now: NOW, runId: "r1" });

    expect(plan.tasksToStop).toEqual(tasks.map((task) => task.taskArn));
    expect(plan.runTaskInput?.startedBy).toBe("job/nightly");
  });
});

describe("buildRunTaskRequest", () => {
  it("builds the full RunTask request: overrides, capacity, network, tags", () => {
    const job = makeJob({
      containerOverrides: [
        { name: "app", command: ["npm", "run", "migrate"], environment: { A: "1" }, memory: 512 },
      ],
      taskCpu: "1024",
      taskMemory: "2048",
      capacity: { kind: "capacity-providers", strategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] },
      network: {
        kind: "explicit",
        subnets: ["subnet-1"],
        securityGroups: ["sg-1"],
        assignPublicIp: "DISABLED",
      },
      tags: { team: "data" },
    });

    const request = buildRunTaskRequest(job, {
      runningTasks: [],
      now: NOW,
      runId: "r1",
      taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:7",
    });

    expect(request).toEqual({
      cluster: "batch",
      taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:7",
      count: 1,
      startedBy: "job/nightly",
      capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: "DISABLED" },
      },
      overrides: {
        cpu: "1024",
        memory: "2048",
        containerOverrides: [
          {
            name: "app",
            command: ["npm", "run", "migrate"],
            environment: [{ name: "A", value: "1" }],
            memory: 512,
          },
        ],
      },
      tags: [
        { key: "team", value: "data" },
        { key: "ecs-sentinel:job", value: "nightly" },
        { key: "ecs-sentinel:run-id", value: "r1" },
      ],
      enableECSManagedTags: true,
      propagateTags: "TASK_DEFINITION",
    });
  });

  it("uses the chosen capacity over the job's and a resolved service network", () => {
    const job = makeJob({
      capacity: {
        kind: "capacity-providers",
        strategy: [{ capacityProvider: "FARGATE_SPOT" }],
        fallback: "FARGATE",
      },
    });

    const request = buildRunTaskRequest(job, {
      runningTasks: [],
      now: NOW,
      runId: "r1",
      network: { subnets: ["subnet-svc"], securityGroups: ["sg-svc"] },
      capacity: {
        stage: "fallback",
        capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
        label: "FARGATE",
      },
    });

    expect(request.capacityProviderStrategy).toEqual([{ capacityProvider: "FARGATE", weight: 1 }]);
    expect(request.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ["subnet-svc"], securityGroups: ["sg-svc"] },
    });
    expect(request.overrides).toBeUndefined();
  });
});

describe("startedByFor", () => {
  it("is job/NAME when that fits in 36 characters", () => {
    expect(startedByFor("nightly-migration")).toBe("job/nightly-migration");
  });

  it("keeps long names distinct within ECS's 36 allowed characters", () => {
    const a = startedByFor(`${"x".repeat(40)}-a`);
    const b = startedByFor(`${"x".repeat(40)}-b`);

    expect(a).toHaveLength(36);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9/_-]+$/);
  });
});
