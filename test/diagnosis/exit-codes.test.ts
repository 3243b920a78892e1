import { describe, expect, it } from "vitest";
import { exitCodeMeaning } from "../../src/shared/diagnosis/exit-codes.js";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { exited } from "./task-builder.js";

describe("exit codes", () => {
  it.each([
    [1, "application-error", "application error"],
    [2, "invalid-arguments", "invalid arguments"],
    [126, "command-not-executable", "not executable"],
    [127, "command-not-found", "command not found"],
    [134, "aborted", "SIGABRT"],
    [137, "killed", "SIGKILL"],
    [139, "segmentation-fault", "SIGSEGV"],
    [143, "terminated", "SIGTERM"],
    [255, "exit-status-out-of-range", "255"],
    [-1, "exit-status-out-of-range", "-1"],
    [130, "interrupted", "SIGINT"],
    [131, "killed-by-signal", "signal 3"],
    [42, "non-zero-exit", "application-defined"],
  ])("interprets exit code %i as %s", (code, subCause, words) => {
    const meaning = exitCodeMeaning(code);

    expect(meaning.subCause).toBe(subCause);
    expect(meaning.meaning).toContain(words);
  });

  it("calls 137 and 143 routine when ECS itself stopped the task", () => {
    expect(exitCodeMeaning(137, true).subCause).toBe("stopped-by-ecs");
    expect(exitCodeMeaning(143, true).subCause).toBe("stopped-by-ecs");
  });

  it.each([
    [1, "application-error"],
    [127, "command-not-found"],
    [137, "killed"],
    [139, "segmentation-fault"],
  ])("returns app-exit / %s for an essential container exiting %i", (code, subCause) => {
    const diagnosis = diagnoseTask(exited(code));

    expect(diagnosis.category).toBe("app-exit");
    expect(diagnosis.subCause).toBe(subCause);
    expect(diagnosis.title).toContain(`code ${code}`);
  });

  it("points at entryPoint and PATH for exit code 127", () => {
    const diagnosis = diagnoseTask(exited(127));

    expect(diagnosis.remediation.join(" ")).toMatch(/entryPoint.*PATH/);
  });

  it("trusts an OutOfMemoryError reason over exit codes 0 and 1", () => {
    const zero = diagnoseTask(exited(0, "OutOfMemoryError: Container killed due to memory usage"));
    const one = diagnoseTask(exited(1, "OutOfMemoryError: Container killed due to memory usage"));

    expect(zero.category).toBe("out-of-memory");
    expect(one.category).toBe("out-of-memory");
  });

  it("does not call a bare exit code 137 out-of-memory", () => {
    const diagnosis = diagnoseTask(exited(137));

    expect(diagnosis.category).toBe("app-exit");
  });

  it("returns completed when the essential container of a standalone task exits 0", () => {
    const diagnosis = diagnoseTask(
      exited(0, undefined, { group: "family:nightly-report", startedBy: "events-rule/nightly" }),
    );

    expect(diagnosis.category).toBe("completed");
    expect(diagnosis.severity).toBe("info");
  });

  it("returns completed with warning severity when a service task exits 0", () => {
    const diagnosis = diagnoseTask(exited(0));

    expect(diagnosis.category).toBe("completed");
    expect(diagnosis.subCause).toBe("service-task-exited");
    expect(diagnosis.severity).toBe("warning");
  });

  it("returns unknown when the essential container exited without exit code or reason", () => {
    const diagnosis = diagnoseTask(exited(null));

    expect(diagnosis.category).toBe("unknown");
    expect(diagnosis.evidence).toContain('stoppedReason: "Essential container in task exited"');
  });

  it("reads exit codes when the stop code is missing", () => {
    const diagnosis = diagnoseTask(exited(1, undefined, { stopCode: null }));

    expect(diagnosis.category).toBe("app-exit");
    expect(diagnosis.evidence).toContain("stopCode: missing from the event");
  });
});
