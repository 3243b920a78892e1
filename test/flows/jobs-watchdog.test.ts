import { describe, expect, it } from "vitest";
import { handleWatchdog, type WatchdogFlowDeps } from "../../src/shared/flows/job-watchdog.js";
import { makeJob } from "../jobs/fixtures.js";
import { flowDeps } from "./jobs-support.js";

const NOW = new Date("2025-03-10T06:00:00Z");
const overdueTask = {
  taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/slow",
  lastStatus: "RUNNING",
  desiredStatus: "RUNNING",
  startedAt: new Date("2025-03-10T03:00:00Z"),
};

function watchdogDeps(jobs: Parameters<typeof flowDeps>[0], dryRun = false) {
  const built = flowDeps(jobs, { dryRun, now: () => NOW });
  const sweeps: number[] = [];
  const deps: WatchdogFlowDeps = {
    ...built.deps,
    sweepDigests: async (now) => {
      sweeps.push(now);
      return { digests: [{}, {}], failed: 0, deferred: 0 };
    },
  };
  return { ...built, deps, sweeps };
}

describe("handleWatchdog", () => {
  it("stops a run past its maxRuntime with a reason that says so, and leaves the message to its completion", async () => {
    const { deps, ecs, notify } = watchdogDeps([makeJob({ maxRuntimeSeconds: 3600 })]);
    ecs.running = [overdueTask];

    const result = await handleWatchdog(deps);

    expect(ecs.stopCalls).toEqual([
      {
        cluster: "batch",
        taskArn: overdueTask.taskArn,
        reason: "ecs-sentinel: job nightly exceeded its maximum runtime of 1h",
      },
    ]);
    expect(result.stopped.map((s) => s.taskArn)).toEqual([overdueTask.taskArn]);
    expect(notify.sent).toEqual([]);
  });

  it("sends a missed-run alarm once per occurrence to the job's channels", async () => {
    const job = makeJob({ notify: { on: "failure", channels: ["email"] } });
    const { deps, store, notify } = watchdogDeps([job]);
    await store.saveWatchState({ job: "nightly", watchingSince: "2025-03-01T00:00:00.000Z" });

    const first = await handleWatchdog(deps);
    const second = await handleWatchdog(deps);

    expect(first.missed).toEqual([{ job: "nightly", scheduledAt: "2025-03-10T03:00:00.000Z" }]);
    expect(second.missed).toEqual([]);
    expect(notify.sent).toEqual([
      expect.objectContaining({
        channels: ["email"],
        dedupeKey: "job#nightly#missed#2025-03-10T03:00:00.000Z",
        message: expect.objectContaining({ category: "job-missed" }),
      }),
    ]);
  });

  it("raises no missed-run alarm for a job whose policy is never", async () => {
    const { deps, store, notify } = watchdogDeps([makeJob({ notify: { on: "never" } })]);
    await store.saveWatchState({ job: "nightly", watchingSince: "2025-03-01T00:00:00.000Z" });

    const result = await handleWatchdog(deps);

    expect(result.missed).toHaveLength(1);
    expect(notify.sent).toEqual([]);
  });

  it("under DRY_RUN reports the task it would stop and stops nothing", async () => {
    const { deps, ecs, notify } = watchdogDeps([makeJob({ maxRuntimeSeconds: 3600 })], true);
    ecs.running = [overdueTask];

    const result = await handleWatchdog(deps);

    expect(ecs.stopCalls).toEqual([]);
    expect(result.stopped).toEqual([]);
    expect(result.wouldStop.map((s) => s.taskArn)).toEqual([overdueTask.taskArn]);
    expect(notify.sent.map((s) => [s.message.category, s.dedupeKey])).toEqual([
      ["job-overdue", `job#nightly#overdue#${overdueTask.taskArn}`],
    ]);
  });

  it("sweeps the pending flood digests at the watchdog's clock", async () => {
    const { deps, sweeps } = watchdogDeps([]);

    const result = await handleWatchdog(deps);

    expect(sweeps).toEqual([NOW.getTime()]);
    expect(result.digests).toEqual({ sent: 2, failed: 0, deferred: 0 });
  });
});
