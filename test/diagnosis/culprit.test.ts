import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { stoppedTask, type TaskPatch } from "./task-builder.js";

const exitedTask = (
  containers: TaskPatch["containers"],
  stoppedReason = "Essential container in task exited",
) => stoppedTask({ stopCode: "EssentialContainerExited", stoppedReason, containers });

describe("culprit of a multi-container task", () => {
  it("blames the container that exited 1, not the sidecars that exited 143 after it", () => {
    const task = exitedTask([
      { name: "envoy", exitCode: 143 },
      { name: "api", exitCode: 1 },
      { name: "log_router", exitCode: 143 },
    ]);

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe("app-exit");
    expect(diagnosis.culprit).toEqual({ name: "api", exitCode: 1 });
  });

  it("prefers a container with a failure reason over one with a non-zero exit code", () => {
    const task = exitedTask([
      { name: "worker", exitCode: 1 },
      { name: "api", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" },
    ]);

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe("out-of-memory");
    expect(diagnosis.culprit?.name).toBe("api");
  });

  it("returns completed when the job exits 0 and its sidecars are killed with 137 and 143", () => {
    const task = stoppedTask({
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      group: "family:etl",
      containers: [
        { name: "datadog-agent", exitCode: 137 },
        { name: "etl", exitCode: 0 },
        { name: "envoy", exitCode: 143 },
      ],
    });

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe("completed");
    expect(diagnosis.culprit?.name).toBe("etl");
  });

  it("uses the essential containers from the context when given", () => {
    const task = exitedTask([
      { name: "init-migrations", exitCode: 2 },
      { name: "api", exitCode: 139 },
    ]);

    const diagnosis = diagnoseTask(task, { essentialContainers: ["api"] });

    expect(diagnosis.culprit?.name).toBe("api");
    expect(diagnosis.subCause).toBe("segmentation-fault");
  });

  it("ignores a failure reason of a non-essential container when an essential one explains the stop", () => {
    const task = exitedTask([
      {
        name: "xray",
        exitCode: 1,
        reason:
          "CannotPullContainerError: failed to resolve ref public.ecr.aws/xray/aws-xray-daemon:9: not found",
      },
      { name: "api", exitCode: 1 },
    ]);

    const diagnosis = diagnoseTask(task, { essentialContainers: ["api"] });

    expect(diagnosis.category).toBe("app-exit");
    expect(diagnosis.culprit?.name).toBe("api");
  });

  it("names the container mentioned in the stoppedReason when exit codes do not tell", () => {
    const task = exitedTask(
      [{ name: "web" }, { name: "worker" }],
      "Essential container in task exited: worker",
    );

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.culprit?.name).toBe("worker");
  });

  it("records every container's exit code", () => {
    const task = exitedTask([
      { name: "envoy", exitCode: 143 },
      { name: "api", exitCode: 1 },
      { name: "init" },
    ]);

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.exitCodes).toEqual({ envoy: 143, api: 1 });
  });
});
