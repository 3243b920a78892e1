import { describe, expect, it } from "vitest";
import { runJob } from "../../src/shared/jobs/start-run.js";
import type { JobSpec } from "../../src/shared/jobs/types.js";
import { FakeEcs, MemoryRunStore } from "./fakes.js";
import { makeJob } from "./fixtures.js";

const NOW = new Date("2025-03-10T03:00:01Z");
const NO_CAPACITY = {
  failures: [{ arn: "", reason: "Capacity is unavailable at this time. Please try again later" }],
};
const STARTED = { taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/started", failures: [] };

function setup(job: JobSpec) {
  const ecs = new FakeEcs();
  const store = new MemoryRunStore();
  const sleeps: number[] = [];
  const deps = {
    ecs,
    store,
    now: () => NOW,
    newRunId: () => "run-1",
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  };
  return {
    ecs,
    store,
    sleeps,
    run: (options = {}) => runJob(job, deps, options),
    /** One delivery of a Scheduler execution. */
    deliver: (executionId: string) => runJob(job, deps, { executionId }),
  };
}

const spotJob = makeJob({
  startRetries: 1,
  capacity: {
    kind: "capacity-providers",
    strategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
    fallback: "FARGATE",
  },
  network: { kind: "explicit", subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: "DISABLED" },
});

describe("runJob", () => {
  it("starts the task, records the run and its task pointer", async () => {
    const { ecs, store, run } = setup(makeJob({ maxRuntimeSeconds: 7200 }));

    const result = await run({ scheduledTime: "2025-03-10T03:00:00Z" });

    expect(result.action).toBe("run");
    expect(ecs.listCalls).toEqual([{ cluster: "batch", startedBy: "job/nightly" }]);
    expect(ecs.runTaskCalls[0]?.taskDefinition).toBe(
      "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:7",
    );
    expect(result.run).toEqual({
      job: "nightly",
      runId: "run-1",
      status: "running",
      startedAt: "2025-03-10T03:00:01.000Z",
      scheduledTime: "2025-03-10T03:00:00Z",
      cluster: "batch",
      taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/new",
      taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:7",
      essentialContainers: ["app"],
      capacity: "cluster default capacity",
      attempts: 1,
      reason: "no run of this job is in progress",
      maxRuntimeSeconds: 7200,
      notifyOn: "failure",
    });
    expect(await store.findRunByTask("arn:aws:ecs:eu-west-1:123456789012:task/batch/new")).toEqual(
      result.run,
    );
  });

  it("skips and records the skip while the previous run is still running", async () => {
    const { ecs, store, run } = setup(makeJob());
    ecs.running = [{ taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/old", lastStatus: "RUNNING" }];

    const result = await run();

    expect(result.action).toBe("skip");
    expect(ecs.runTaskCalls).toEqual([]);
    expect((await store.recentRuns("nightly", 5))[0]).toMatchObject({ status: "skipped", attempts: 0 });
  });

  it("stops the previous run before starting the new one when overlap is replace", async () => {
    const { ecs, run } = setup(makeJob({ overlap: "replace" }));
    ecs.running = [{ taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/old", lastStatus: "RUNNING" }];

    const result = await run();

    expect(result.action).toBe("replace");
    expect(ecs.stopCalls).toEqual([
      {
        cluster: "batch",
        taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/old",
        reason: "ecs-sentinel: job nightly replaced by run run-1",
      },
    ]);
    expect(ecs.runTaskCalls).toHaveLength(1);
  });

  it("retries Spot with backoff, then falls back to FARGATE", async () => {
    const { ecs, sleeps, run } = setup(spotJob);
    ecs.runTaskAnswers = [NO_CAPACITY, NO_CAPACITY, STARTED];

    const result = await run();

    expect(ecs.runTaskCalls.map((call) => call.capacityProviderStrategy?.[0]?.capacityProvider)).toEqual([
      "FARGATE_SPOT",
      "FARGATE_SPOT",
      "FARGATE",
    ]);
    expect(sleeps).toEqual([1000]);
    expect(result.run).toMatchObject({ status: "running", capacity: "FARGATE", attempts: 3 });
  });

  it("gives up and records failed-to-start when no capacity is found at all", async () => {
    const { ecs, store, run } = setup(spotJob);
    ecs.runTaskAnswers = [NO_CAPACITY];

    const result = await run();

    expect(result.action).toBe("failed-to-start");
    expect(ecs.runTaskCalls).toHaveLength(4);
    expect(result.run.reason).toBe(
      "RunTask failed 4 time(s) on FARGATE_SPOT, then FARGATE: Capacity is unavailable at this time. Please try again later",
    );
    expect((await store.recentRuns("nightly", 1))[0]?.status).toBe("failed-to-start");
  });

  it("retries a thrown throttling error and does not retry a permanent one", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const invalid = Object.assign(new Error("Task definition does not support launch_type FARGATE."), {
      name: "InvalidParameterException",
    });
    const { ecs, run } = setup(makeJob());
    ecs.runTaskAnswers = [throttled, invalid];

    const result = await run();

    expect(ecs.runTaskCalls).toHaveLength(2);
    expect(result.attempts.map((attempt) => attempt.failure?.kind)).toEqual(["transient", "permanent"]);
    expect(result.run.reason).toContain(
      "InvalidParameterException: Task definition does not support launch_type FARGATE.",
    );
  });

  it("reports a task definition that cannot be resolved as failed-to-start without calling RunTask", async () => {
    const { ecs, run } = setup(makeJob());
    ecs.missingTaskDefinition = true;

    const result = await run();

    expect(result.action).toBe("failed-to-start");
    expect(result.run.reason).toBe(
      "could not prepare the task: ClientException: Unable to describe task definition.",
    );
    expect(ecs.runTaskCalls).toEqual([]);
  });

  it("leaves the execution unclaimed when resolving the task definition is throttled, so the retried delivery runs it", async () => {
    // Shaped as the ECS API reference's ThrottlingException once the SDK's own retries are spent.
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $fault: "client",
      $metadata: { httpStatusCode: 400, attempts: 4 },
    });
    const { ecs, store, deliver } = setup(makeJob());
    ecs.taskDefinitionErrors = [throttled];

    await expect(deliver("exec-1")).rejects.toBe(throttled);
    const retried = await deliver("exec-1");

    expect(retried.action).toBe("run");
    expect(ecs.runTaskCalls).toHaveLength(1);
    expect((await store.recentRuns("nightly", 5)).map((run) => run.status)).toEqual(["running"]);
  });

  it("leaves the execution unclaimed when the service whose network the job borrows answers 503", async () => {
    const unavailable = Object.assign(new Error("Service Unavailable"), {
      name: "ServerException",
      $fault: "server",
      $metadata: { httpStatusCode: 503, attempts: 4 },
    });
    const { ecs, deliver } = setup(makeJob({ network: { kind: "from-service", service: "api" } }));
    ecs.serviceNetworks.api = {
      subnets: ["subnet-api"],
      securityGroups: ["sg-api"],
      assignPublicIp: "DISABLED",
    };
    ecs.serviceNetworkErrors = [unavailable];

    await expect(deliver("exec-1")).rejects.toBe(unavailable);
    const retried = await deliver("exec-1");

    expect(retried.action).toBe("run");
    expect(ecs.runTaskCalls).toHaveLength(1);
  });

  it("borrows the network of the service named in fromService", async () => {
    const { ecs, run } = setup(makeJob({ network: { kind: "from-service", service: "api" } }));
    ecs.serviceNetworks.api = {
      subnets: ["subnet-api"],
      securityGroups: ["sg-api"],
      assignPublicIp: "DISABLED",
    };

    await run();

    expect(ecs.runTaskCalls[0]?.networkConfiguration).toEqual({
      awsvpcConfiguration: {
        subnets: ["subnet-api"],
        securityGroups: ["sg-api"],
        assignPublicIp: "DISABLED",
      },
    });
  });

  it("skips a disabled job unless forced", async () => {
    const { ecs, run } = setup(makeJob({ enabled: false }));

    const skipped = await run();
    const forced = await run({ force: true });

    expect(skipped.action).toBe("skip");
    expect(forced.action).toBe("run");
    expect(ecs.runTaskCalls).toHaveLength(1);
  });
});

describe("runJob with a Scheduler execution id", () => {
  const OLD_TASK = { taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/old", lastStatus: "RUNNING" };

  it("uses the execution id as run id and claims the execution", async () => {
    const { store, deliver } = setup(makeJob());

    const result = await deliver("exec-1");

    expect(result.action).toBe("run");
    expect(result.action !== "already-handled" && result.run.runId).toBe("exec-1");
    expect([...store.executions]).toEqual(["nightly|exec-1"]);
  });

  it("starts nothing and records nothing for a second delivery of the same execution", async () => {
    const { ecs, store, deliver } = setup(makeJob({ overlap: "allow" }));
    await deliver("exec-1");

    const again = await deliver("exec-1");

    expect(again).toEqual({ action: "already-handled", job: "nightly", executionId: "exec-1" });
    expect(ecs.runTaskCalls).toHaveLength(1);
    expect(await store.recentRuns("nightly", 5)).toHaveLength(1);
  });

  it("does not let a second delivery stop the task its first delivery started when overlap is replace", async () => {
    const { ecs, deliver } = setup(makeJob({ overlap: "replace" }));
    await deliver("exec-1");
    ecs.running = [{ ...OLD_TASK, taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/new" }];

    const again = await deliver("exec-1");

    expect(again.action).toBe("already-handled");
    expect(ecs.stopCalls).toEqual([]);
    expect(ecs.runTaskCalls).toHaveLength(1);
  });

  it("keeps the claim when RunTask fails, so a retried delivery does not try again", async () => {
    const { ecs, deliver } = setup(spotJob);
    ecs.runTaskAnswers = [NO_CAPACITY];

    const first = await deliver("exec-1");
    const retried = await deliver("exec-1");

    expect(first.action).toBe("failed-to-start");
    expect(retried.action).toBe("already-handled");
    expect(ecs.runTaskCalls).toHaveLength(4);
  });

  it("answers a second delivery of a skipped execution as already handled, even once the overlap is gone", async () => {
    const { ecs, deliver } = setup(makeJob());
    ecs.running = [OLD_TASK];
    const skipped = await deliver("exec-1");
    ecs.running = [];

    const again = await deliver("exec-1");

    expect(skipped.action).toBe("skip");
    expect(again.action).toBe("already-handled");
    expect(ecs.runTaskCalls).toEqual([]);
  });

  it("leaves the execution unclaimed when reading ECS fails, so the retried delivery runs it", async () => {
    const { ecs, deliver } = setup(makeJob());
    const listJobTasks = ecs.listJobTasks.bind(ecs);
    ecs.listJobTasks = async () => {
      throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    };
    await expect(deliver("exec-1")).rejects.toThrow("Rate exceeded");
    ecs.listJobTasks = listJobTasks;

    const retried = await deliver("exec-1");

    expect(retried.action).toBe("run");
    expect(ecs.runTaskCalls).toHaveLength(1);
  });

  it("claims nothing for runs without an execution id, so each one starts a task", async () => {
    const { ecs, store, run } = setup(makeJob({ overlap: "allow" }));

    await run();
    await run();

    expect(ecs.runTaskCalls).toHaveLength(2);
    expect(store.executions.size).toBe(0);
  });
});
