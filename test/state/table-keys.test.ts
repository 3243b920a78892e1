/**
 * The single state table's keys and lifetimes, declared once in src/shared/table.ts and used by every store:
 * the items keep exactly the keys and TTLs they had when each store spelled its own (a deployed table's items
 * must stay readable across the upgrade).
 */
import { describe, expect, it } from "vitest";
import { clusterPartitionKey, groupPartitionKey } from "../../src/shared/enrich/history.js";
import { runKeys } from "../../src/shared/jobs/run-record.js";
import { crashLoopPk } from "../../src/shared/rollback/crash-loop-store.js";
import { claimKey, cooldownKey } from "../../src/shared/rollback/rollback-store.js";
import {
  CRASH_LOOP_RETENTION_MS,
  DAY_MS,
  DEFAULT_RETENTION_MS,
  HISTORY_RETENTION_MS,
  isConditionalCheckFailed,
  JOB_EXECUTION_CLAIM_DAYS,
  JOB_RUN_RETENTION_DAYS,
  JOB_WATCH_TTL_DAYS,
  keys,
  ROLLBACK_CLAIM_TTL_DAYS,
  ROLLBACK_COOLDOWN_TTL_DAYS,
} from "../../src/shared/table.js";

const DEPLOYMENT = "ecs-svc/1234567890123456789";
const SERVICE = "arn:aws:ecs:us-east-1:111122223333:service/prod/api";
const TASK = "arn:aws:ecs:us-east-1:111122223333:task/prod/0f9428c953e33fa7ac593330b734ebc3";

describe("the state table's keys", () => {
  it("keep the notification store's claims, windows and digest pointers where they were", () => {
    expect(keys.event("task#x#stop")).toEqual({ pk: "event#task#x#stop", sk: "event" });
    expect(keys.throttle("api#out-of-memory")).toEqual({ pk: "throttle#api#out-of-memory", sk: "window" });
    expect(keys.digestDue(Date.UTC(2026, 0, 2, 3, 4, 5), "api#oom")).toEqual({
      pk: "digest-due",
      sk: "2026-01-02T03:04:05.000Z#api#oom",
    });
  });

  it("keep the rollback claim and cooldown where they were", () => {
    expect(claimKey(DEPLOYMENT)).toEqual({ pk: `rollback#${DEPLOYMENT}`, sk: "claim" });
    expect(cooldownKey(SERVICE)).toEqual({ pk: `rollback-cooldown#${SERVICE}`, sk: "last" });
  });

  it("keep crash-loop failures and job runs where they were", () => {
    expect(crashLoopPk({ cluster: "prod", service: "api", deploymentId: DEPLOYMENT })).toBe(
      `crashloop#prod#api#${DEPLOYMENT}`,
    );
    expect(runKeys.pk("nightly")).toBe("job#nightly");
    expect(runKeys.sk({ startedAt: "2026-01-02T03:04:05.000Z", runId: "r1" })).toBe(
      "run#2026-01-02T03:04:05.000Z#r1",
    );
    expect(runKeys.skPrefix).toBe("run#");
    expect(runKeys.taskPointerPk(TASK)).toBe(`task#${TASK}`);
    expect(runKeys.taskPointerSk).toBe("job-run");
    expect(runKeys.watchSk).toBe("watch");
    expect(runKeys.executionSk("e-1")).toBe("execution#e-1");
  });

  it("keep the incident history's partitions where they were", () => {
    expect(groupPartitionKey("prod", "service:api")).toBe("history#prod#service:api");
    expect(clusterPartitionKey("prod")).toBe("history#prod");
  });
});

describe("the state table's lifetimes", () => {
  it("are the ones each store had", () => {
    expect(DEFAULT_RETENTION_MS).toBe(7 * DAY_MS);
    expect(ROLLBACK_CLAIM_TTL_DAYS).toBe(30);
    expect(ROLLBACK_COOLDOWN_TTL_DAYS).toBe(7);
    expect(CRASH_LOOP_RETENTION_MS).toBe(DAY_MS);
    expect(JOB_RUN_RETENTION_DAYS).toBe(90);
    expect(JOB_EXECUTION_CLAIM_DAYS).toBe(3);
    expect(JOB_WATCH_TTL_DAYS).toBe(400);
    expect(HISTORY_RETENTION_MS).toBe(30 * DAY_MS);
  });
});

describe("isConditionalCheckFailed", () => {
  it("recognises a failed condition from either DynamoDB client, and nothing else", () => {
    const failed = Object.assign(new Error("The conditional request failed"), {
      name: "ConditionalCheckFailedException",
    });
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });

    expect(isConditionalCheckFailed(failed)).toBe(true);
    expect(isConditionalCheckFailed(throttled)).toBe(false);
    expect(isConditionalCheckFailed({ name: "ConditionalCheckFailedException" })).toBe(false);
  });
});
