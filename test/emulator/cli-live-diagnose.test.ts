import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { ecsClient } from "../../src/app/aws.js";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";
import { advanceTask, createCluster, registerTaskDefinition, runTask } from "./support/index.js";

describe("ecs-sentinel diagnose --cluster --task against the emulator's ECS", () => {
  it("diagnoses a task stopped with StopTask as user-stopped, reading the task definition", async () => {
    // Arrange: a running task, stopped by a person.
    const cluster = await createCluster("live");
    const taskDefinition = await registerTaskDefinition({ family: "live-web", containerName: "web" });
    const [task] = await runTask({ cluster, taskDefinition });
    const taskArn = task?.taskArn ?? "";
    await ecsClient().send(new StopTaskCommand({ cluster, task: taskArn, reason: "Task stopped by user" }));
    for (let i = 0; i < 4; i++) await advanceTask(cluster, taskArn);
    const io = captureIo();

    // Act
    const code = await main(["diagnose", "--json", "--cluster", "live", "--task", taskArn], io);

    // Assert
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    const record = JSON.parse(io.out().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ taskArn, category: "user-stopped", severity: "info" });
    expect(record.evidence).toEqual(
      expect.arrayContaining([expect.stringContaining("Task stopped by user")]),
    );
  });

  it("reports a task ECS does not know (DescribeTasks failure MISSING) with the history suggestion, exit 2", async () => {
    await createCluster("live");
    const io = captureIo();

    const code = await main(
      ["diagnose", "--json", "--cluster", "live", "--task", "0123456789abcdef0123456789abcdef"],
      io,
    );

    expect(code).toBe(2);
    expect(io.err()).toBe("");
    const record = JSON.parse(io.out().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({
      status: "failure",
      reason: "MISSING",
      suggestion: "ecs-sentinel history --cluster live",
    });
    expect(String(record.taskArn)).toContain("0123456789abcdef0123456789abcdef");
    expect(record).not.toHaveProperty("category");
  });

  it("reports a running task as not stopped, with no category, exit 3", async () => {
    const cluster = await createCluster("live");
    const taskDefinition = await registerTaskDefinition({ family: "live-web", containerName: "web" });
    const [task] = await runTask({ cluster, taskDefinition });
    const taskArn = task?.taskArn ?? "";
    const io = captureIo();

    const code = await main(["diagnose", "--json", "--cluster", "live", "--task", taskArn], io);

    expect(code).toBe(3);
    const record = JSON.parse(io.out().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ taskArn, status: "not-stopped", desiredStatus: "RUNNING" });
    expect(record).not.toHaveProperty("category");
  });
});
