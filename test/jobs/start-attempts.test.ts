import { describe, expect, it } from "vitest";
import {
  backoffMs,
  classifyStartFailure,
  nextStartAttempt,
  primaryCapacity,
  type StartAttempt,
  type StartFailureKind,
} from "../../src/shared/jobs/start-attempts.js";
import { makeJob } from "./fixtures.js";

describe("classifyStartFailure", () => {
  it.each([
    [
      "Capacity is unavailable at this time. Please try again later or in a different availability zone",
      "capacity",
    ],
    ["RESOURCE:MEMORY", "capacity"],
    ["RESOURCE:CPU", "capacity"],
    ["No Container Instances were found in your cluster.", "capacity"],
    ["AGENT", "transient"],
    ["ThrottlingException: Rate exceeded", "transient"],
    ["ServerException: Service Unavailable", "transient"],
    ["MISSING", "permanent"],
    ["ATTRIBUTE", "permanent"],
    ["InvalidParameterException: Task definition does not support launch_type FARGATE.", "permanent"],
    ["AccessDeniedException: not authorized to perform: ecs:RunTask", "permanent"],
  ])("classifies %j as %s", (reason, kind) => {
    expect(classifyStartFailure(reason)).toBe(kind);
  });
});

const spotJob = makeJob({
  startRetries: 2,
  capacity: {
    kind: "capacity-providers",
    strategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
    fallback: "FARGATE",
  },
});
const noCapacity: { kind: StartFailureKind; reason: string } = {
  kind: "capacity",
  reason: "Capacity is unavailable at this time.",
};

function failedOn(stage: "primary" | "fallback", count: number, failure = noCapacity): StartAttempt[] {
  const capacity =
    stage === "primary"
      ? primaryCapacity(spotJob)
      : { stage, capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }], label: "FARGATE" };
  return Array.from({ length: count }, () => ({ capacity, failure }));
}

describe("nextStartAttempt", () => {
  it("starts with the job's own capacity at once", () => {
    expect(nextStartAttempt(spotJob, [])).toEqual({ capacity: primaryCapacity(spotJob), delayMs: 0 });
  });

  it("retries the same capacity with growing backoff up to startRetries", () => {
    expect(nextStartAttempt(spotJob, failedOn("primary", 1))).toMatchObject({
      capacity: { stage: "primary" },
      delayMs: 1000,
    });
    expect(nextStartAttempt(spotJob, failedOn("primary", 2))).toMatchObject({
      capacity: { stage: "primary" },
      delayMs: 2000,
    });
  });

  it("falls back from FARGATE_SPOT to FARGATE when the retries found no capacity", () => {
    const next = nextStartAttempt(spotJob, failedOn("primary", 3));

    expect(next).toEqual({
      capacity: {
        stage: "fallback",
        capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
        label: "FARGATE",
      },
      delayMs: 0,
    });
  });

  it("gives up after the fallback's retries too", () => {
    expect(
      nextStartAttempt(spotJob, [...failedOn("primary", 3), ...failedOn("fallback", 3)]),
    ).toBeUndefined();
  });

  it("gives up at once on a permanent failure", () => {
    const attempts = failedOn("primary", 1, { kind: "permanent", reason: "MISSING" });

    expect(nextStartAttempt(spotJob, attempts)).toBeUndefined();
  });

  it("does not fall back after transient failures, only capacity ones", () => {
    const attempts = failedOn("primary", 3, { kind: "transient", reason: "AGENT" });

    expect(nextStartAttempt(spotJob, attempts)).toBeUndefined();
  });

  it("stops after a successful attempt", () => {
    expect(nextStartAttempt(spotJob, [{ capacity: primaryCapacity(spotJob) }])).toBeUndefined();
  });

  it("caps the backoff at 8 seconds", () => {
    expect([1, 2, 3, 4, 5, 9].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });
});
