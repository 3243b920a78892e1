/** Rollback decisions are counted by outcome and the decision's code. */
import { describe, expect, it } from "vitest";
import type { RollbackRun } from "../../src/shared/flows/rollback-runner.js";
import { meteredRollbackRunner, rollbackDecisionDimensions } from "../../src/shared/metrics/rollbacks.js";
import type { Decision } from "../../src/shared/rollback/types.js";
import { countingMetrics } from "./support.js";

const decision = (overrides: Partial<Decision>): Decision => ({
  action: "rollback",
  code: "rollback",
  reason: "",
  triggered: true,
  dryRun: false,
  trigger: "deployment-failed",
  deploymentId: "ecs-svc/1",
  serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/prod/api",
  ...overrides,
});

describe("rollbackDecisionDimensions", () => {
  it.each<[string, RollbackRun, { outcome: string; reason: string }]>([
    [
      "rolled back",
      { decision: decision({}), outcome: { status: "done", api: "StopServiceDeployment" }, summary: "" },
      { outcome: "rolled-back", reason: "rollback" },
    ],
    [
      "refused, with the policy's code",
      { decision: decision({ action: "none", code: "cooldown" }), summary: "" },
      { outcome: "refused", reason: "cooldown" },
    ],
    [
      "a dry run",
      { decision: decision({ dryRun: true }), outcome: { status: "skipped", why: "dry run" }, summary: "" },
      { outcome: "dry-run", reason: "rollback" },
    ],
    [
      "failed at ECS",
      {
        decision: decision({}),
        outcome: { status: "failed", api: "UpdateService", error: "AccessDenied" },
        summary: "",
      },
      { outcome: "failed", reason: "rollback" },
    ],
    [
      "undecided because the check failed",
      { failure: "ThrottlingException", summary: "" },
      { outcome: "undecided", reason: "check-failed" },
    ],
  ])("%s", (_name, run, expected) => {
    expect(rollbackDecisionDimensions(run)).toEqual(expected);
  });
});

describe("meteredRollbackRunner", () => {
  it("counts each run once and returns it unchanged", async () => {
    const metrics = countingMetrics();
    const run: RollbackRun = { decision: decision({ action: "none", code: "not-opted-in" }), summary: "no" };
    const runner = meteredRollbackRunner(async () => run, metrics);

    const returned = await runner({
      trigger: { kind: "deployment-failed", deploymentId: "ecs-svc/1", reason: "circuit breaker" },
      serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/prod/api",
      now: new Date(0),
    });

    expect(returned).toBe(run);
    expect(metrics.counted).toEqual([
      { name: "RollbackDecisions", dimensions: { outcome: "refused", reason: "not-opted-in" }, value: 1 },
    ]);
  });
});
