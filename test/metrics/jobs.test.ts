/** Job runs are counted by outcome: run-job's result, the watchdog's stops and missed runs, closed runs. */
import { describe, expect, it } from "vitest";
import type { RunJobFlowResult } from "../../src/shared/flows/job-run.js";
import type { WatchdogFlowResult } from "../../src/shared/flows/job-watchdog.js";
import type { RunJobResult } from "../../src/shared/jobs/start-run.js";
import {
  recordJobCompletion,
  recordRunJob,
  recordWatchdog,
  runJobOutcome,
} from "../../src/shared/metrics/jobs.js";
import { countingMetrics } from "./support.js";

const done = (action: RunJobResult["action"]): RunJobFlowResult => ({
  status: "done",
  job: "nightly",
  result: { action } as RunJobResult,
  outcomes: [],
});

describe("runJobOutcome", () => {
  it.each<[RunJobFlowResult, string]>([
    [done("run"), "started"],
    [done("replace"), "started"],
    [done("skip"), "skipped"],
    [done("failed-to-start"), "failed-to-start"],
    [{ status: "dry-run", job: "nightly", plan: { action: "run", reason: "", wouldStop: [] } }, "dry-run"],
    [{ status: "dropped", reason: "unknown job" }, "dropped"],
    [{ status: "dropped", reason: "again", duplicate: { executionId: "x" } }, "duplicate"],
  ])("%j -> %s", (result, expected) => {
    expect(runJobOutcome(result)).toBe(expected);
  });
});

describe("job metrics", () => {
  it("counts one run-job invocation under its outcome", () => {
    const metrics = countingMetrics();

    recordRunJob(metrics, {}, done("run"));

    expect(metrics.counted).toEqual([{ name: "JobRuns", dimensions: { outcome: "started" }, value: 1 }]);
  });

  it("counts the watchdog's overdue stops and missed runs, and nothing for a quiet sweep", () => {
    const metrics = countingMetrics();
    const quiet = { stopped: [], wouldStop: [], missed: [] } as unknown as WatchdogFlowResult;
    const busy = {
      stopped: [{}, {}],
      wouldStop: [],
      missed: [{ job: "nightly", scheduledAt: "2026-12-03T00:00:00Z" }],
    } as unknown as WatchdogFlowResult;

    recordWatchdog(metrics, {}, quiet);
    recordWatchdog(metrics, {}, busy);

    expect(metrics.counted).toEqual([
      { name: "JobRuns", dimensions: { outcome: "overdue-stopped" }, value: 2 },
      { name: "JobRuns", dimensions: { outcome: "missed" }, value: 1 },
    ]);
  });

  it("counts a closed run as succeeded or failed", () => {
    const metrics = countingMetrics();

    recordJobCompletion(metrics, "failed");

    expect(metrics.counted).toEqual([{ name: "JobRuns", dimensions: { outcome: "failed" }, value: 1 }]);
  });
});
