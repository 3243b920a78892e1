import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { stoppedTask, taskReason } from "./task-builder.js";

describe("stops decided by ECS or a person", () => {
  it("returns scaling for the real Fargate scale-in event", () => {
    const diagnosis = diagnoseTask(stoppedTask());

    expect(diagnosis.category).toBe("scaling");
    expect(diagnosis.severity).toBe("info");
    expect(diagnosis.culprit).toBeUndefined();
  });

  it("does not call the routine exit 137 of a scheduler stop a crash", () => {
    const diagnosis = diagnoseTask(stoppedTask());

    expect(diagnosis.evidence).toContain(
      "container FargateContainer: exit code 137 (SIGKILL: killed after the stop timeout, routine when ECS stops a task)",
    );
  });

  it.each([
    [
      "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/web/73e2d6bc24d8a067)",
      "ServiceSchedulerInitiated",
    ],
    ["Task failed ELB health checks in (elb my-classic-elb)", "ServiceSchedulerInitiated"],
    [
      "task failed elb health checks in (target-group arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/web/1)",
      null,
    ],
  ])("returns elb-health-check for %s", (stoppedReason, stopCode) => {
    const diagnosis = diagnoseTask(stoppedTask({ stoppedReason, stopCode }));

    expect(diagnosis.category).toBe("elb-health-check");
    expect(diagnosis.severity).toBe("warning");
  });

  it("names the target group of an ELB health-check stop", () => {
    const diagnosis = diagnoseTask(
      stoppedTask({
        stoppedReason:
          "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/web/73e2d6bc24d8a067)",
      }),
    );

    expect(diagnosis.summary).toContain("targetgroup/web/73e2d6bc24d8a067");
  });

  it("returns container-health-check and names the unhealthy container", () => {
    const task = stoppedTask({
      stoppedReason: "Task failed container health checks",
      containers: [
        { name: "envoy", exitCode: 143, healthStatus: "HEALTHY" },
        { name: "api", exitCode: 137, healthStatus: "UNHEALTHY" },
      ],
    });

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe("container-health-check");
    expect(diagnosis.culprit?.name).toBe("api");
  });

  it("returns container-health-check for a scheduler stop without reason when a container is UNHEALTHY", () => {
    const task = stoppedTask({
      stoppedReason: null,
      containers: [{ name: "api", exitCode: 137, healthStatus: "UNHEALTHY" }],
    });

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe("container-health-check");
  });

  it.each([
    ["Task stopped by user", "UserInitiated"],
    ["Stopped by user", "UserInitiated"],
    ["Nightly cleanup by ops-bot", "UserInitiated"],
    ["Task stopped by user", null],
    ["Container instance deregistration forced by user", "UserInitiated"],
  ])("returns user-stopped for %s (stop code %s)", (stoppedReason, stopCode) => {
    const diagnosis = diagnoseTask(stoppedTask({ stoppedReason, stopCode }));

    expect(diagnosis.category).toBe("user-stopped");
    expect(diagnosis.severity).toBe("info");
  });

  it("does not read a failure into a reason written by whoever called StopTask", () => {
    const diagnosis = diagnoseTask(
      stoppedTask({
        stopCode: "UserInitiated",
        stoppedReason: "Rolled back: connection timed out in smoke test",
      }),
    );

    expect(diagnosis.category).toBe("user-stopped");
  });
});

describe("spot interruption", () => {
  it("sets interruptionNotice for the notice that arrives while the task still runs", () => {
    const task = stoppedTask({
      stopCode: "SpotInterruption",
      stoppedReason: "Your Spot Task was interrupted.",
      lastStatus: "RUNNING",
      desiredStatus: "STOPPED",
      capacityProviderName: "FARGATE_SPOT",
      containers: [{ name: "web", lastStatus: "RUNNING", exitCode: null }],
    });

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe("spot-interruption");
    expect(diagnosis.interruptionNotice).toBe(true);
    expect(diagnosis.severity).toBe("warning");
  });

  it("recognises the older TerminationNotice stop code on Fargate", () => {
    const task = stoppedTask({
      stopCode: "TerminationNotice",
      stoppedReason: "Your Spot Task was interrupted.",
      lastStatus: "RUNNING",
    });

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe("spot-interruption");
    expect(diagnosis.interruptionNotice).toBe(true);
  });

  it("leaves interruptionNotice unset once the task has stopped", () => {
    const diagnosis = diagnoseTask(
      stoppedTask({ stopCode: "SpotInterruption", stoppedReason: "Your Spot Task was interrupted." }),
    );

    expect(diagnosis.category).toBe("spot-interruption");
    expect(diagnosis.interruptionNotice).toBeUndefined();
  });

  it("does not blame the container that exited 137 when Spot reclaimed it", () => {
    const diagnosis = diagnoseTask(
      stoppedTask({
        stopCode: "SpotInterruption",
        stoppedReason: "Your Spot Task was interrupted.",
        group: "family:batch",
      }),
    );

    expect(diagnosis.culprit).toBeUndefined();
  });
});

describe("platform and placement", () => {
  it.each([
    ["host-terminated", "Host EC2 (instance i-0123456789abcdef0) terminated.", "TerminationNotice", "EC2"],
    ["host-terminated", "Host EC2 (instance i-0123456789abcdef0) stopped.", null, "EC2"],
    ["instance-retirement", "Instance i-0123456789abcdef0 is being retired", null, "EC2"],
    [
      "infrastructure-maintenance",
      "Task is being stopped due to an issue in the underlying infrastructure",
      "InfrastructureHealth",
      "FARGATE",
    ],
    [
      "infrastructure-maintenance",
      "ECS is performing maintenance on the underlying infrastructure hosting the task",
      "ServiceSchedulerInitiated",
      "FARGATE",
    ],
    ["infrastructure-maintenance", "", "InfrastructureHealth", "FARGATE"],
    [
      "container-runtime-timeout",
      "DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s",
      "TaskFailedToStart",
      "EC2",
    ],
    [
      "container-runtime-timeout",
      "ContainerRuntimeTimeoutError: Could not transition to running; timed out after waiting 1m: context deadline exceeded",
      "TaskFailedToStart",
      "FARGATE",
    ],
    [
      "cannot-inspect-container",
      "CannotInspectContainerError: Could not transition to inspecting; timed out after waiting 30s",
      "EssentialContainerExited",
      "EC2",
    ],
    ["internal-error", "InternalError: unexpected EOF", "TaskFailedToStart", "FARGATE"],
  ])("returns platform / %s for %s", (subCause, stoppedReason, stopCode, launchType) => {
    const diagnosis = diagnoseTask(
      stoppedTask({ stoppedReason: stoppedReason || null, stopCode, launchType }),
    );

    expect(diagnosis.category).toBe("platform");
    expect(diagnosis.subCause).toBe(subCause);
  });

  it.each([
    ["TaskFailedToStart: RESOURCE:MEMORY"],
    ["TaskFailedToStart: AGENT"],
    ["TaskFailedToStart: ATTRIBUTE"],
    ["TaskFailedToStart: EMPTY CAPACITY PROVIDER"],
    ["TaskFailedToStart: MemberOf placement constraint unsatisfied"],
    ["Capacity is unavailable at this time. Please try again later or in a different availability zone"],
  ])("returns placement for %s", (stoppedReason) => {
    const diagnosis = diagnoseTask(taskReason(stoppedReason));

    expect(diagnosis.category).toBe("placement");
    expect(diagnosis.culprit).toBeUndefined();
  });
});
