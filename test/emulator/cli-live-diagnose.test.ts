import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { ecsClient } from "../../src/shared/aws.js";
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

  it("says a task that ECS does not know is not found, in one line, exit 1", async () => {
    await createCluster("live");
    const io = captureIo();

    const code = await main(
      ["diagnose", "--cluster", "live", "--task", "0123456789abcdef0123456789abcdef"],
      io,
    );

    expect(code).toBe(1);
    expect(io.err().trim().split("\n")).toHaveLength(1);
    expect(io.err()).toMatch(/0123456789abcdef0123456789abcdef in cluster live: .*about an hour/);
  });
});
