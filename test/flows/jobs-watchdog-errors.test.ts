/**
 * The watchdog when it cannot check a job (ECS or the state table refuses): the next run, 5 minutes later, tries
 * again, so nothing is thrown; but an overdue task left running or a missed run left unalarmed must not hide in
 * a log line — people are told, flood-controlled per job, and it is counted.
 */
import { AccessDeniedException } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { handleWatchdog, type WatchdogFlowDeps } from "../../src/shared/flows/job-watchdog.js";
import { makeJob } from "../jobs/fixtures.js";
import { countingMetrics } from "../metrics/support.js";
import { flowDeps } from "./jobs-support.js";

const NOW = new Date("2025-03-10T06:00:00Z");

const accessDenied = () =>
  new AccessDeniedException({
    message:
      "User: arn:aws:sts::123456789012:assumed-role/watchdog/fn is not authorized to perform: ecs:ListTasks",
    $metadata: { httpStatusCode: 400 },
  });

function deniedWatchdog(overrides: Partial<WatchdogFlowDeps> = {}) {
  const built = flowDeps([makeJob({ maxRuntimeSeconds: 3600 })], { now: () => NOW });
  built.ecs.listJobTasks = async () => {
    throw accessDenied();
  };
  const deps: WatchdogFlowDeps = {
    ...built.deps,
    sweepDigests: async () => ({ digests: [], failed: 0, deferred: 0 }),
    ...overrides,
  };
  return { ...built, deps };
}

describe("handleWatchdog: a job it cannot check", () => {
  it("tells people which job could not be checked and why, flood-controlled per job", async () => {
    // Arrange
    const { deps, notify } = deniedWatchdog();

    // Act
    const result = await handleWatchdog(deps);

    // Assert
    expect(result.errors).toHaveLength(1);
    expect(notify.sent).toHaveLength(1);
    const [sent] = notify.sent;
    expect(sent?.message.severity).toBe("warning");
    expect(sent?.message.category).toBe("job-watchdog-error");
    expect(sent?.message.title).toContain("nightly");
    expect(sent?.message.cause).toContain("AccessDeniedException");
    expect(sent?.throttleKey).toBe("job#nightly#watchdog-error");
    expect(sent?.dedupeKey).toBe(`job#nightly#watchdog-error#${NOW.toISOString()}`);
  });

  it("counts each job it could not check as JobRuns {outcome: watchdog-error}", async () => {
    const metrics = countingMetrics();
    const { deps } = deniedWatchdog({ metrics });

    await handleWatchdog(deps);

    expect(metrics.counted).toEqual([
      { name: "JobRuns", dimensions: { outcome: "watchdog-error" }, value: 1 },
    ]);
  });

  it("still sweeps the digests and returns when the warning cannot be sent", async () => {
    const sweeps: number[] = [];
    const { deps } = deniedWatchdog({
      notify: async () => {
        throw new Error("slack down");
      },
      sweepDigests: async (now) => {
        sweeps.push(now);
        return { digests: [], failed: 0, deferred: 0 };
      },
    });

    const result = await handleWatchdog(deps);

    expect(result.notifyFailures).toBe(1);
    expect(sweeps).toEqual([NOW.getTime()]);
  });
});
