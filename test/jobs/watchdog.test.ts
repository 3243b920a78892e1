import { describe, expect, it } from "vitest";
import type { WatchState } from "../../src/shared/jobs/ports.js";
import type { RunningJobTask } from "../../src/shared/jobs/run-planning.js";
import { checkMissedRun, findOverdueTasks, runWatchdog } from "../../src/shared/jobs/watchdog.js";
import { FakeEcs, MemoryRunStore } from "./fakes.js";
import { makeJob, makeRun, schedule } from "./fixtures.js";

const task = (id: string, startedAt: string, extra: Partial<RunningJobTask> = {}): RunningJobTask => ({
  taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/batch/${id}`,
  lastStatus: "RUNNING",
  desiredStatus: "RUNNING",
  startedAt: new Date(startedAt),
  ...extra,
});

describe("findOverdueTasks", () => {
  const job = makeJob({ maxRuntimeSeconds: 7200 });
  const now = new Date("2025-03-10T05:00:00Z");

  it("picks tasks running longer than maxRuntime, with a reason that says so", () => {
    const tasks = [task("late", "2025-03-10T02:59:00Z"), task("fine", "2025-03-10T03:30:00Z")];

    expect(findOverdueTasks(job, tasks, now)).toEqual([
      {
        taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/late",
        runningSeconds: 7260,
        reason: "ecs-sentinel: job nightly exceeded its maximum runtime of 2h",
      },
    ]);
  });

  it("counts from createdAt for a task stuck before starting, and ignores tasks already stopping", () => {
    const tasks = [
      task("pending", "2025-03-10T02:00:00Z", {
        startedAt: undefined,
        createdAt: new Date("2025-03-10T02:00:00Z"),
      }),
      task("stopping", "2025-03-10T01:00:00Z", { desiredStatus: "STOPPED" }),
    ];

    expect(findOverdueTasks(job, tasks, now).map((t) => t.taskArn.split("/").pop())).toEqual(["pending"]);
  });

  it("stops nothing for a job without maxRuntime", () => {
    expect(findOverdueTasks(makeJob(), [task("old", "2020-01-01T00:00:00Z")], now)).toEqual([]);
  });
});

describe("checkMissedRun", () => {
  const job = makeJob({
    schedule: schedule("cron(0 3 * * ? *)"),
    timezone: "Europe/Berlin",
    missedRunGraceSeconds: 900,
  });
  const watching: WatchState = { job: "nightly", watchingSince: "2025-03-01T00:00:00Z" };
  // 03:00 Berlin = 02:00 UTC in March before the DST change.
  const afterGrace = new Date("2025-03-10T02:16:00Z");

  it("alarms when no run started within the grace period after the scheduled time", () => {
    const yesterday = makeRun({ startedAt: "2025-03-09T02:00:03.000Z" });

    const check = checkMissedRun(job, [yesterday], watching, afterGrace);

    expect(check.missed).toBe(true);
    expect(check.missed && check.scheduledAt.toISOString()).toBe("2025-03-10T02:00:00.000Z");
    expect(check.missed && check.message).toMatchObject({
      kind: "job",
      severity: "warning",
      category: "job-missed",
      title: "Job nightly missed its run of 2025-03-10T03:00:00+01:00",
    });
    expect(check.watchState.lastMissedAlarm).toBe("2025-03-10T02:00:00.000Z");
  });

  it("stays quiet inside the grace period", () => {
    const yesterday = makeRun({ startedAt: "2025-03-09T02:00:03.000Z" });

    const check = checkMissedRun(job, [yesterday], watching, new Date("2025-03-10T02:14:00Z"));

    expect(check.missed).toBe(false);
  });

  it.each([
    ["a started run", makeRun({ startedAt: "2025-03-10T02:00:02.000Z" })],
    ["a skipped run", makeRun({ status: "skipped", startedAt: "2025-03-10T02:00:02.000Z" })],
    [
      "a run that failed to start",
      makeRun({ status: "failed-to-start", startedAt: "2025-03-10T02:00:40.000Z" }),
    ],
    [
      "a run carrying the scheduled time",
      makeRun({ startedAt: "2025-03-10T02:09:00.000Z", scheduledTime: "2025-03-10T02:00:00Z" }),
    ],
  ])("counts %s as the occurrence answered", (_case, run) => {
    expect(checkMissedRun(job, [run], watching, afterGrace).missed).toBe(false);
  });

  it("alarms once per missed occurrence", () => {
    const alreadyAlarmed = { ...watching, lastMissedAlarm: "2025-03-10T02:00:00.000Z" };

    expect(checkMissedRun(job, [], alreadyAlarmed, afterGrace).missed).toBe(false);
  });

  it("starts watching a new job without alarming about occurrences before it", () => {
    const first = checkMissedRun(job, [], undefined, afterGrace);
    const later = checkMissedRun(job, [], first.watchState, new Date("2025-03-10T02:20:00Z"));

    expect(first).toEqual({
      missed: false,
      watchState: { job: "nightly", watchingSince: afterGrace.toISOString() },
    });
    expect(later.missed).toBe(false);
  });

  it("alarms for a rate job when no run came within interval plus grace of the last", () => {
    const hourly = makeJob({ schedule: schedule("rate(1 hour)"), missedRunGraceSeconds: 600 });
    const last = makeRun({ startedAt: "2025-03-10T01:00:00.000Z" });

    const onTime = checkMissedRun(hourly, [last], watching, new Date("2025-03-10T02:09:00Z"));
    const late = checkMissedRun(hourly, [last], watching, new Date("2025-03-10T02:11:00Z"));

    expect(onTime.missed).toBe(false);
    expect(late.missed && late.scheduledAt.toISOString()).toBe("2025-03-10T02:00:00.000Z");
  });

  it("alarms for a one-time at job that never ran, and never for a disabled job", () => {
    const once = makeJob({ schedule: schedule("at(2025-03-10T02:00:00)") });

    expect(checkMissedRun(once, [], watching, afterGrace).missed).toBe(true);
    expect(checkMissedRun({ ...once, enabled: false }, [], watching, afterGrace).missed).toBe(false);
  });
});

describe("runWatchdog", () => {
  it("stops overdue tasks, alarms missed runs and remembers what it alarmed", async () => {
    const ecs = new FakeEcs();
    const store = new MemoryRunStore();
    ecs.running = [task("late", "2025-03-10T00:00:00Z")];
    await store.saveWatchState({ job: "nightly", watchingSince: "2025-03-01T00:00:00Z" });
    const job = makeJob({ maxRuntimeSeconds: 3600 });

    const report = await runWatchdog([job], { ecs, store, now: () => new Date("2025-03-10T03:20:00Z") });

    expect(ecs.stopCalls).toEqual([
      {
        cluster: "batch",
        taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/late",
        reason: "ecs-sentinel: job nightly exceeded its maximum runtime of 1h",
      },
    ]);
    expect(report.missed).toEqual([{ job: "nightly", scheduledAt: new Date("2025-03-10T03:00:00Z") }]);
    expect(report.messages).toHaveLength(1);
    expect(store.watch.get("nightly")?.lastMissedAlarm).toBe("2025-03-10T03:00:00.000Z");
  });

  it("falls back to the run record's start when ECS reports no start time", async () => {
    const ecs = new FakeEcs();
    const store = new MemoryRunStore();
    const taskArn = "arn:aws:ecs:eu-west-1:123456789012:task/batch/no-times";
    ecs.running = [{ taskArn, lastStatus: "RUNNING", desiredStatus: "RUNNING" }];
    await store.saveRun(makeRun({ taskArn, startedAt: "2025-03-10T01:00:00.000Z" }));

    const report = await runWatchdog([makeJob({ maxRuntimeSeconds: 3600 })], {
      ecs,
      store,
      now: () => new Date("2025-03-10T03:00:00Z"),
    });

    expect(report.stopped.map((task) => task.taskArn)).toEqual([taskArn]);
  });

  it("keeps checking the other jobs when one fails", async () => {
    const ecs = new FakeEcs();
    const store = new MemoryRunStore();
    ecs.listJobTasks = async () => {
      throw new Error("AccessDeniedException");
    };
    const jobs = [makeJob({ name: "broken", maxRuntimeSeconds: 60 }), makeJob({ name: "other" })];

    const report = await runWatchdog(jobs, { ecs, store, now: () => new Date("2025-03-10T03:20:00Z") });

    expect(report.errors).toEqual([{ job: "broken", error: "Error: AccessDeniedException" }]);
    expect(store.watch.has("other")).toBe(true);
  });
});
