import { describe, expect, it } from "vitest";
import { completeRun, maxRuntimeStopReason, shouldNotify } from "../../src/shared/jobs/completion.js";
import { makeRun, stoppedTask } from "./fixtures.js";

describe("completeRun", () => {
  it("succeeds when every essential container exited 0, with duration and facts", () => {
    const task = stoppedTask([
      { name: "app", exitCode: 0 },
      { name: "log-router", exitCode: 137, essential: false },
    ]);

    const completion = completeRun({ run: makeRun({ notifyOn: "always" }), task });

    expect(completion.outcome).toBe("succeeded");
    expect(completion.durationSeconds).toBe(240);
    expect(completion.notify).toBe(true);
    expect(completion.run).toMatchObject({
      status: "succeeded",
      stoppedAt: "2025-03-10T03:04:30.000Z",
      durationSeconds: 240,
      exitCodes: { app: 0, "log-router": 137 },
    });
    expect(completion.message).toMatchObject({
      kind: "job",
      severity: "info",
      category: "job-succeeded",
      title: "Job nightly succeeded in 4m",
      cluster: "batch",
      region: "eu-west-1",
      account: "123456789012",
    });
    expect(completion.message.links[0]?.url).toBe(
      "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/batch/tasks/0123456789abcdef0123456789abcdef/configuration?region=eu-west-1",
    );
  });

  it.each([
    ["a non-zero exit code", [{ name: "app", exitCode: 1 }], "container app exited with code 1"],
    ["no exit code", [{ name: "app" }], "container app reported no exit code"],
    [
      "a failure reason despite exit 0",
      [{ name: "app", exitCode: 0, reason: "OutOfMemoryError: Container killed due to memory usage" }],
      "container app: OutOfMemoryError",
    ],
    [
      "a failing second essential container",
      [
        { name: "app", exitCode: 0 },
        { name: "worker", exitCode: 2 },
      ],
      "container worker exited with code 2",
    ],
    ["no containers at all", [], "no essential container reported how it ended"],
  ])("fails on %s", (_case, containers, problem) => {
    const completion = completeRun({
      run: makeRun({ essentialContainers: undefined }),
      task: stoppedTask(containers),
    });

    expect(completion.outcome).toBe("failed");
    expect(completion.run.status).toBe("failed");
    expect(completion.run.reason).toContain(problem);
    expect(completion.message).toMatchObject({ severity: "critical", category: "job-failed" });
  });

  it("judges only the containers the task definition marks essential", () => {
    const task = stoppedTask([
      { name: "app", exitCode: 0 },
      { name: "sidecar", exitCode: 143 },
    ]);

    expect(completeRun({ run: makeRun({ essentialContainers: ["app"] }), task }).outcome).toBe("succeeded");
  });

  it("fails a task that failed to start even without container exit codes", () => {
    const task = stoppedTask([{ name: "app" }], {
      stopCode: "TaskFailedToStart",
      stoppedReason: "CannotPullContainerError: image not found",
      startedAt: undefined,
    });

    const completion = completeRun({ run: makeRun(), task });

    expect(completion.run.reason).toMatch(/^the task failed to start: CannotPullContainerError/);
  });

  it("calls a run stopped by the watchdog timed out and says so", () => {
    const task = stoppedTask([{ name: "app", exitCode: 143 }], {
      stopCode: "UserInitiated",
      stoppedReason: maxRuntimeStopReason("nightly", "2h"),
    });

    const completion = completeRun({ run: makeRun({ maxRuntimeSeconds: 7200 }), task });

    expect(completion.timedOut).toBe(true);
    expect(completion.message).toMatchObject({
      category: "job-timed-out",
      title: "Job nightly exceeded its maximum runtime of 2h",
      reason: "ecs-sentinel: job nightly exceeded its maximum runtime of 2h",
    });
  });

  it("carries the caller's diagnosis into the failure message", () => {
    const diagnosis = {
      category: "out-of-memory",
      title: "Container app ran out of memory",
      summary: "The container exceeded its 512 MiB limit and was killed.",
      remediation: ["Raise the container's memory."],
      evidence: ["exit code 137"],
      docs: ["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html"],
    };

    const completion = completeRun({
      run: makeRun(),
      task: stoppedTask([{ name: "app", exitCode: 137 }]),
      diagnosis,
    });

    expect(completion.message).toMatchObject({
      title: "Job nightly failed: Container app ran out of memory",
      cause: diagnosis.summary,
      remediation: diagnosis.remediation,
      evidence: ["container app exited with code 137", "exit code 137"],
    });
    expect(completion.message.links.map((link) => link.url)).toContain(diagnosis.docs[0]);
  });
});

describe("shouldNotify", () => {
  it.each([
    ["always", "succeeded", true],
    ["always", "failed", true],
    ["failure", "succeeded", false],
    ["failure", "failed", true],
    ["never", "failed", false],
  ] as const)("notify on %s, outcome %s -> %s", (on, outcome, expected) => {
    expect(shouldNotify(on, outcome)).toBe(expected);
  });
});
