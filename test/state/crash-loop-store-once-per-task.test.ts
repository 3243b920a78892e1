import { describe, expect, it } from "vitest";
import { memoryCrashLoopStore } from "../../src/shared/rollback/crash-loop-store.js";

const key = { cluster: "prod", service: "api", deploymentId: "ecs-svc/4817338263413749021" };
const task = (n: number) => `arn:aws:ecs:us-east-1:111122223333:task/prod/${String(n).padStart(32, "0")}`;

describe("crash-loop store: one failure per task", () => {
  it("counts a task recorded under two stop times (a later event without stoppedAt) once, at its earliest", async () => {
    const store = memoryCrashLoopStore();
    await store.recordFailure(key, {
      taskArn: task(1),
      stoppedAt: new Date("2025-06-03T10:01:31Z"),
      category: "app-exit",
    });
    await store.recordFailure(key, {
      taskArn: task(1),
      stoppedAt: new Date("2025-06-03T10:02:10Z"),
      category: "app-exit",
    });
    await store.recordFailure(key, {
      taskArn: task(2),
      stoppedAt: new Date("2025-06-03T10:02:47Z"),
      category: "app-exit",
    });

    const failures = await store.failuresSince(key, new Date("2025-06-03T10:00:00Z"));

    expect(failures.map((f) => [f.taskArn, f.stoppedAt.toISOString()])).toEqual([
      [task(1), "2025-06-03T10:01:31.000Z"],
      [task(2), "2025-06-03T10:02:47.000Z"],
    ]);
  });
});
