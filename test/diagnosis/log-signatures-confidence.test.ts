/** How sure a diagnosis is, and what it rests on (issue 18 item 4), before and after the logs are read. */
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { refineWithLogs } from "../../src/shared/diagnosis/log-signatures/index.js";
import { fromDiagnosis } from "../../src/shared/notify/from-diagnosis.js";
import { exited, failedToStart, stoppedTask } from "./task-builder.js";

function confidenceFact(diagnosis: ReturnType<typeof diagnoseTask>) {
  return fromDiagnosis(diagnosis).facts.find((f) => f.label === "Confidence")?.value;
}

describe("confidence of a diagnosis", () => {
  it("is certain, from ECS, when an ECS error names the cause", () => {
    const diagnosis = diagnoseTask(
      failedToStart(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException",
      ),
    );

    expect(diagnosis.confidence).toBe("certain");
    expect(diagnosis.evidenceSource).toBe("ecs");
    expect(confidenceFact(diagnosis)).toBe("certain (ECS stop reason)");
  });

  it("is certain, from the exit code, when only an exit code explains the stop", () => {
    const diagnosis = diagnoseTask(exited(1));

    expect(diagnosis.category).toBe("app-exit");
    expect(diagnosis.confidence).toBe("certain");
    expect(diagnosis.evidenceSource).toBe("exit-code");
  });

  it("is a guess for an unknown stop, which keeps its evidence and gives three next checks", () => {
    const diagnosis = diagnoseTask(
      stoppedTask({
        stopCode: null,
        stoppedReason: "Something odd happened",
        containers: [{ name: "web", exitCode: null }],
      }),
    );

    expect(diagnosis.category).toBe("unknown");
    expect(diagnosis.confidence).toBe("guess");
    expect(diagnosis.evidence.join("\n")).toContain("Something odd happened");
    expect(diagnosis.remediation).toHaveLength(3);
    expect(confidenceFact(diagnosis)).toBe("guess (nothing recognised)");
  });

  it("becomes likely, from the logs, once a log signature refines it", () => {
    const refined = refineWithLogs(diagnoseTask(exited(1)), [
      "standard_init_linux.go:228: exec user process caused: exec format error",
    ]);

    expect(refined.confidence).toBe("likely");
    expect(refined.evidenceSource).toBe("logs");
    expect(confidenceFact(refined)).toBe("likely (log pattern)");
  });
});
