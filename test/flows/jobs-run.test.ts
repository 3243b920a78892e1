import { describe, expect, it } from "vitest";
import {
  handleRunJob,
  parseRunJobInput,
  RunJobInputError,
  startJob,
} from "../../src/shared/flows/job-run.js";
import { memoryJobRunStore } from "../../src/shared/jobs/memory-run-store.js";
import type { Log } from "../../src/shared/log.js";
import { makeJob } from "../jobs/fixtures.js";
import { flowDeps } from "./jobs-support.js";

const RUNNING_TASK = {
  taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/old",
  lastStatus: "RUNNING",
  desiredStatus: "RUNNING",
  startedAt: new Date("2025-03-10T02:00:00Z"),
};

describe("parseRunJobInput", () => {
  it("reads the job name, scheduled time and execution id Scheduler sends", () => {
    const input = parseRunJobInput({
      job: "nightly",
      scheduledTime: "2025-03-10T03:00:00Z",
      executionId: "4e0c4a1b-0e7e-4a56-9a8e-1f0c2d3e4f50",
    });

    expect(input).toEqual({
      job: "nightly",
      scheduledTime: "2025-03-10T03:00:00Z",
      executionId: "4e0c4a1b-0e7e-4a56-9a8e-1f0c2d3e4f50",
    });
  });

  it("ignores context placeholders left unfilled by a manual invocation", () => {
    const input = parseRunJobInput({
      job: "nightly",
      scheduledTime: "<aws.scheduler.scheduled-time>",
      executionId: "<aws.scheduler.execution-id>",
    });

    expect(input).toEqual({ job: "nightly" });
  });

  it("rejects a payload without a job name", () => {
    expect(() => parseRunJobInput({ source: "ecs-sentinel.watchdog" })).toThrow(RunJobInputError);
    expect(() => parseRunJobInput("nightly")).toThrow(RunJobInputError);
  });
});

describe("handleRunJob", () => {
  it("starts the job named by the schedule, using the execution id as run id and recording the scheduled time", async () => {
    const { deps, ecs, store } = flowDeps([makeJob()]);

    const result = await handleRunJob(
      { job: "nightly", scheduledTime: "2025-03-10T03:00:00Z", executionId: "exec-1" },
      deps,
    );

    expect(result.status).toBe("done");
    expect(ecs.runTaskCalls).toHaveLength(1);
    expect(ecs.runTaskCalls[0]?.tags).toContainEqual({ key: "ecs-sentinel:run-id", value: "exec-1" });
    const [run] = await store.recentRuns("nightly", 1);
    expect(run).toMatchObject({ runId: "exec-1", status: "running", scheduledTime: "2025-03-10T03:00:00Z" });
  });

  it("drops an unknown job name without calling ECS, naming the jobs it knows", async () => {
    const { deps, ecs } = flowDeps([makeJob(), makeJob({ name: "weekly" })]);

    const result = await handleRunJob({ job: "nighlty" }, deps);

    expect(result).toEqual({
      status: "dropped",
      reason: 'unknown job "nighlty" (jobs in the deployed jobs file: nightly, weekly)',
    });
    expect(ecs.listCalls).toEqual([]);
  });

  it("drops a payload that is not an invocation", async () => {
    const { deps } = flowDeps([makeJob()]);

    const result = await handleRunJob({ hello: "world" }, deps);

    expect(result.status).toBe("dropped");
  });

  it("always notifies a run that could not start, even when the job's policy is never, on the job's channels", async () => {
    const job = makeJob({ notify: { on: "never", channels: ["email"] }, startRetries: 0 });
    const { deps, ecs, notify } = flowDeps([job]);
    ecs.runTaskAnswers = [{ failures: [{ reason: "RESOURCE:MEMORY" }] }];

    const result = await handleRunJob({ job: "nightly", executionId: "exec-9" }, deps);

    expect(result.status === "done" && result.result.action).toBe("failed-to-start");
    expect(notify.sent).toHaveLength(1);
    expect(notify.sent[0]).toMatchObject({
      channels: ["email"],
      dedupeKey: "job#nightly#exec-9#failed-to-start",
      message: { category: "job-failed-to-start", severity: "critical" },
    });
  });

  it("sends a skipped run only to jobs that want every outcome", async () => {
    const always = flowDeps([makeJob({ notify: { on: "always" } })]);
    const onFailure = flowDeps([makeJob({ notify: { on: "failure" } })]);
    always.ecs.running = [RUNNING_TASK];
    onFailure.ecs.running = [RUNNING_TASK];

    await handleRunJob({ job: "nightly" }, always.deps);
    await handleRunJob({ job: "nightly" }, onFailure.deps);

    expect(always.notify.sent.map((s) => s.message.category)).toEqual(["job-skipped"]);
    expect(onFailure.notify.sent).toEqual([]);
  });

  it("sends nothing when a job starts: its completion reports it", async () => {
    const { deps, notify } = flowDeps([makeJob({ notify: { on: "always" } })]);

    await handleRunJob({ job: "nightly" }, deps);

    expect(notify.sent).toEqual([]);
  });

  it("reports a failed delivery instead of throwing, so Lambda does not run the job again", async () => {
    const { deps, ecs } = flowDeps([makeJob({ startRetries: 0 })], {
      notify: async () => {
        throw new Error("Slack unavailable");
      },
    });
    ecs.runTaskAnswers = [{ failures: [{ reason: "RESOURCE:CPU" }] }];

    const result = await handleRunJob({ job: "nightly" }, deps);

    expect(result.status === "done" && result.notifyError).toBe("Error: Slack unavailable");
  });
});

function recordingLog(): Log & { lines: { level: string; message: string; fields: object }[] } {
  const lines: { level: string; message: string; fields: object }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: object[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

describe("handleRunJob with a repeated Scheduler execution", () => {
  const invocation = { job: "nightly", scheduledTime: "2025-03-10T03:00:00Z", executionId: "exec-1" };

  it("calls RunTask once for two deliveries of the same execution when overlap is allow", async () => {
    const log = recordingLog();
    const { deps, ecs } = flowDeps([makeJob({ overlap: "allow" })], { store: memoryJobRunStore(), log });

    const first = await handleRunJob(invocation, deps);
    const second = await handleRunJob(invocation, deps);

    expect(first.status === "done" && first.result.action).toBe("run");
    expect(second).toEqual({
      status: "dropped",
      reason: "execution exec-1 of job nightly already handled",
      duplicate: { executionId: "exec-1" },
    });
    expect(ecs.runTaskCalls).toHaveLength(1);
    expect(log.lines).toContainEqual({
      level: "info",
      message: "execution already handled",
      fields: { job: "nightly", executionId: "exec-1" },
    });
    expect(await deps.store.recentRuns("nightly", 5)).toHaveLength(1);
  });

  it("notifies a failed start once, and a retried delivery neither retries RunTask nor notifies again", async () => {
    const { deps, ecs, notify } = flowDeps([makeJob({ startRetries: 0 })], { store: memoryJobRunStore() });
    ecs.runTaskAnswers = [{ failures: [{ reason: "RESOURCE:MEMORY" }] }];

    const first = await handleRunJob(invocation, deps);
    const retried = await handleRunJob(invocation, deps);

    expect(first.status === "done" && first.result.action).toBe("failed-to-start");
    expect(retried.status).toBe("dropped");
    expect(ecs.runTaskCalls).toHaveLength(1);
    expect(notify.sent.map((sent) => sent.dedupeKey)).toEqual(["job#nightly#exec-1#failed-to-start"]);
  });

  it("runs each manual invocation without an execution id, with overlap allow", async () => {
    const { deps, ecs } = flowDeps([makeJob({ overlap: "allow" })], { store: memoryJobRunStore() });

    await handleRunJob({ job: "nightly" }, deps);
    await startJob(makeJob({ overlap: "allow" }), deps, { force: true });

    expect(ecs.runTaskCalls).toHaveLength(2);
  });

  it("treats the same execution id of two different jobs as two executions", async () => {
    const { deps, ecs } = flowDeps([makeJob(), makeJob({ name: "weekly" })], { store: memoryJobRunStore() });

    await handleRunJob({ job: "nightly", executionId: "exec-1" }, deps);
    await handleRunJob({ job: "weekly", executionId: "exec-1" }, deps);

    expect(ecs.runTaskCalls.map((call) => call.startedBy)).toEqual(["job/nightly", "job/weekly"]);
  });
});

describe("startJob with DRY_RUN", () => {
  it("plans the run and reports the RunTask request without starting a task", async () => {
    const { deps, ecs, store } = flowDeps([makeJob()], { dryRun: true });

    const result = await startJob(makeJob(), deps, { scheduledTime: "2025-03-10T03:00:00Z" });

    expect(ecs.runTaskCalls).toEqual([]);
    expect(result.status === "dry-run" && result.plan.action).toBe("run");
    expect(result.status === "dry-run" && result.plan.request?.startedBy).toBe("job/nightly");
    expect(result.status === "dry-run" && result.plan.reason).toMatch(/^DRY_RUN: would run arn:aws:ecs:/);
    // Recorded as an answered occurrence, so the watchdog does not call it missed.
    const [run] = await store.recentRuns("nightly", 1);
    expect(run).toMatchObject({ status: "skipped", scheduledTime: "2025-03-10T03:00:00Z" });
  });

  it("says which tasks overlap replace would stop, and stops none", async () => {
    const { deps, ecs } = flowDeps([], { dryRun: true });
    ecs.running = [RUNNING_TASK];

    const result = await startJob(makeJob({ overlap: "replace" }), deps);

    expect(result.status === "dry-run" && result.plan.wouldStop).toEqual([RUNNING_TASK.taskArn]);
    expect(ecs.stopCalls).toEqual([]);
  });
});
