import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORIES, diagnoseTask, SEVERITIES } from "../../src/shared/diagnosis/index.js";
import { parseTask } from "../../src/shared/events/parse.js";

const FRAGMENTS = [
  "CannotPullContainerError:",
  "ResourceInitializationError: unable to pull secrets or registry auth:",
  "OutOfMemoryError: Container killed due to memory usage",
  "i/o timeout",
  "not found",
  "AccessDeniedException",
  "is not authorized to perform: ssm:GetParameters",
  "Task failed ELB health checks in (target-group x)",
  "Essential container in task exited",
  "Your Spot Task was interrupted.",
  "Scaling activity initiated by (deployment ecs-svc/1)",
  "mount.nfs4: Connection timed out",
  "no space left on device",
  "...",
];
const STOP_CODES = [
  undefined,
  "TaskFailedToStart",
  "EssentialContainerExited",
  "UserInitiated",
  "ServiceSchedulerInitiated",
  "SpotInterruption",
  "TerminationNotice",
  "InfrastructureHealth",
];

const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 4 }).map((parts) => parts.join(" ")),
);

const taskArbitrary = fc.record({
  stopCode: fc.constantFrom(...STOP_CODES),
  stoppedReason: fc.option(text, { nil: undefined }),
  group: fc.constantFrom(undefined, "service:api", "family:job"),
  lastStatus: fc.constantFrom("STOPPED", "RUNNING", "DEPROVISIONING"),
  containers: fc.array(
    fc.record({
      name: fc.constantFrom("web", "envoy", "log_router", "app"),
      exitCode: fc.option(fc.constantFrom(0, 1, 2, 126, 127, 134, 137, 139, 143, 255, -1), {
        nil: undefined,
      }),
      reason: fc.option(text, { nil: undefined }),
      healthStatus: fc.constantFrom(undefined, "HEALTHY", "UNHEALTHY", "UNKNOWN"),
    }),
    { maxLength: 4 },
  ),
});

describe("diagnosis properties", () => {
  it("returns exactly one known category and severity, a title, a summary, evidence and docs for any task", () => {
    fc.assert(
      fc.property(taskArbitrary, (fields) => {
        const task = parseTask({
          taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c/abc",
          desiredStatus: "STOPPED",
          ...fields,
        });

        const diagnosis = diagnoseTask(task);

        expect(CATEGORIES).toContain(diagnosis.category);
        expect(SEVERITIES).toContain(diagnosis.severity);
        expect(diagnosis.title.length).toBeGreaterThan(0);
        expect(diagnosis.summary.length).toBeGreaterThan(0);
        expect(diagnosis.evidence.length).toBeGreaterThan(0);
        expect(diagnosis.remediation.length).toBeGreaterThan(0);
        expect(diagnosis.docs.length).toBeGreaterThan(0);
        expect(diagnosis.subCause).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      }),
      { numRuns: 500 },
    );
  });

  it("names as culprit only a container of the task", () => {
    fc.assert(
      fc.property(taskArbitrary, (fields) => {
        const task = parseTask({ taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c/abc", ...fields });

        const culprit = diagnoseTask(task).culprit;

        if (culprit) expect(fields.containers.map((c) => c.name)).toContain(culprit.name);
      }),
      { numRuns: 300 },
    );
  });
});
