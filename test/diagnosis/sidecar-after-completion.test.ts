/** A sidecar that exits non-zero after the essential container finished: the task completed, the sidecar is a warning. */
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { stoppedTask } from "./task-builder.js";

const ESSENTIAL_EXITED = {
  stopCode: "EssentialContainerExited",
  stoppedReason: "Essential container in task exited",
};

describe("a sidecar failing after the essential container finished", () => {
  it("is a completed task with a warning naming the sidecar when the essential flags are known", () => {
    const task = stoppedTask({
      ...ESSENTIAL_EXITED,
      group: "family:nightly-report",
      startedBy: null,
      containers: [
        { name: "report", essential: true, exitCode: 0, lastStatus: "STOPPED" },
        { name: "metrics", essential: false, exitCode: 2, lastStatus: "STOPPED" },
      ],
    });

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe("completed");
    expect(diagnosis.subCause).toBe("sidecar-failed-after-completion");
    expect(diagnosis.severity).toBe("warning");
    expect(diagnosis.culprit?.name).toBe("report");
    expect(diagnosis.title).toContain("`metrics`");
  });

  it("recognises a well-known sidecar by its image when the event has no essential flags", () => {
    const task = stoppedTask({
      ...ESSENTIAL_EXITED,
      group: "family:etl",
      startedBy: null,
      containers: [
        { name: "etl", exitCode: 0, lastStatus: "STOPPED" },
        { name: "logs", image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable", exitCode: 1 },
      ],
    });

    const diagnosis = diagnoseTask(task);

    expect([diagnosis.category, diagnosis.severity, diagnosis.culprit?.name]).toEqual([
      "completed",
      "warning",
      "etl",
    ]);
    expect(diagnosis.summary).toContain("`logs`");
  });

  it("still blames the essential container when it is the one that failed", () => {
    const task = stoppedTask({
      ...ESSENTIAL_EXITED,
      containers: [
        { name: "api", exitCode: 1, lastStatus: "STOPPED" },
        { name: "envoy", exitCode: 0, lastStatus: "STOPPED" },
      ],
    });

    const diagnosis = diagnoseTask(task);

    expect([diagnosis.category, diagnosis.culprit?.name]).toEqual(["app-exit", "api"]);
  });

  it("keeps a plain completed verdict when sidecars only exited on ECS's SIGTERM", () => {
    const task = stoppedTask({
      ...ESSENTIAL_EXITED,
      group: "family:etl",
      startedBy: null,
      containers: [
        { name: "etl", exitCode: 0, lastStatus: "STOPPED" },
        { name: "log_router", exitCode: 143, lastStatus: "STOPPED" },
      ],
    });

    const diagnosis = diagnoseTask(task);

    expect([diagnosis.category, diagnosis.subCause, diagnosis.severity]).toEqual([
      "completed",
      "finished",
      "info",
    ]);
  });
});
