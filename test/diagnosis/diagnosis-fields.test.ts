import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { parseTask } from "../../src/shared/events/parse.js";
import { exited, FAMILY, SERVICE_NAME, stoppedTask } from "./task-builder.js";

describe("diagnosis fields", () => {
  it("fills the task's identity from the real event", () => {
    const diagnosis = diagnoseTask(stoppedTask());

    expect(diagnosis).toMatchObject({
      taskArn: expect.stringContaining(":task/"),
      clusterArn: expect.stringContaining(":cluster/"),
      group: `service:${SERVICE_NAME}`,
      service: SERVICE_NAME,
      family: FAMILY,
      revision: 10,
      startedBy: "ecs-svc/8646900195280463695",
      stopCode: "ServiceSchedulerInitiated",
      stoppedReason: "Scaling activity initiated by (deployment ecs-svc/8646900195280463695)",
      stoppedAt: "2023-05-02T15:29:11.177Z",
      exitCodes: { FargateContainer: 137 },
    });
  });

  it("names the container and the service in the title and summary of an out-of-memory stop", () => {
    const diagnosis = diagnoseTask(exited(137, "OutOfMemoryError: Container killed due to memory usage"));

    expect(diagnosis.title).toBe(`Container \`web\` in service \`${SERVICE_NAME}\` ran out of memory`);
    expect(diagnosis.summary).toContain("512 MiB");
  });

  it("quotes the reason, exit code, stop code and memory limit from the task definition in the evidence", () => {
    const diagnosis = diagnoseTask(exited(137, "OutOfMemoryError: Container killed due to memory usage"), {
      containerMemoryLimits: { web: 1024 },
    });

    expect(diagnosis.evidence).toEqual(
      expect.arrayContaining([
        'stoppedReason: "Essential container in task exited"',
        "stopCode: EssentialContainerExited",
        expect.stringMatching(
          /^container web: exit code 137 \(SIGKILL.*\), reason "OutOfMemoryError: Container killed due to memory usage"$/,
        ),
        "memory limit 1024 MiB (task definition)",
      ]),
    );
  });

  it("names the family of a standalone task", () => {
    const diagnosis = diagnoseTask(exited(1, undefined, { group: "family:nightly-report", startedBy: null }));

    expect(diagnosis.title).toBe(`Container \`web\` in task family \`${FAMILY}\` exited with code 1`);
    expect(diagnosis.service).toBeUndefined();
  });

  it("keeps the evidence of a stop it does not recognise", () => {
    const diagnosis = diagnoseTask(
      stoppedTask({
        stopCode: null,
        stoppedReason: "Something new happened to this task",
        containers: [{ name: "web" }],
      }),
    );

    expect(diagnosis.category).toBe("unknown");
    expect(diagnosis.evidence).toContain('stoppedReason: "Something new happened to this task"');
    expect(diagnosis.remediation.length).toBeGreaterThan(0);
  });

  it("never copies environment variable values from overrides into the evidence", () => {
    const task = parseTask({
      taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef",
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      containers: [{ name: "app", exitCode: 1 }],
      overrides: {
        containerOverrides: [
          { name: "app", environment: [{ name: "DB_PASSWORD", value: "hunter2-secret" }] },
        ],
      },
    });

    const diagnosis = diagnoseTask(task);

    expect(JSON.stringify(diagnosis)).not.toContain("hunter2-secret");
  });

  it("caps very long reasons in the evidence but keeps them whole in stoppedReason", () => {
    const reason = `CannotPullContainerError: ${"x".repeat(2000)}`;

    const diagnosis = diagnoseTask(
      stoppedTask({ stopCode: "TaskFailedToStart", stoppedReason: reason, containers: [{ name: "web" }] }),
    );

    expect(diagnosis.stoppedReason).toBe(reason);
    expect(diagnosis.evidence[0]?.length).toBeLessThan(700);
  });

  it("links only to AWS documentation", () => {
    const diagnosis = diagnoseTask(exited(1));

    expect(diagnosis.docs.length).toBeGreaterThan(0);
    expect(diagnosis.docs.every((url) => url.startsWith("https://docs.aws.amazon.com/"))).toBe(true);
  });

  it("matches reasons regardless of case", () => {
    const diagnosis = diagnoseTask(exited(137, "OUTOFMEMORYERROR: CONTAINER KILLED DUE TO MEMORY USAGE"));

    expect(diagnosis.category).toBe("out-of-memory");
  });
});
