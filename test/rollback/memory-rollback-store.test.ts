/** The in-memory rollback store keeps the semantics of the DynamoDB one (test/emulator/rollback-store.test.ts). */
import { describe, expect, it } from "vitest";
import { memoryRollbackStore } from "../../src/shared/rollback/memory-rollback-store.js";

const SERVICE_ARN = "arn:aws:ecs:us-east-1:111122223333:service/prod/web";

describe("in-memory rollback store", () => {
  it("grants the first claim for a deployment and refuses every later one", async () => {
    const store = memoryRollbackStore();

    const results = [
      await store.claimRollback("ecs-svc/100", SERVICE_ARN),
      await store.claimRollback("ecs-svc/100", SERVICE_ARN),
    ];

    expect(results).toEqual([true, false]);
  });

  it("tells a claimed deployment from one never claimed", async () => {
    const store = memoryRollbackStore();

    const before = await store.rollbackClaimed("ecs-svc/400");
    await store.claimRollback("ecs-svc/400", SERVICE_ARN);

    expect([
      before,
      await store.rollbackClaimed("ecs-svc/400"),
      await store.rollbackClaimed("ecs-svc/401"),
    ]).toEqual([false, true, false]);
  });
});
