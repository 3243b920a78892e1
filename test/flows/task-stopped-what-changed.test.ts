/** "What changed": the baseline revision from a service's deployments, the section, and the cached lookup. */
import { AccessDeniedException, DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CallCounter } from "../../src/shared/enrich/call-counter.js";
import {
  buildServiceDeploymentsLookup,
  SERVICE_OPERATIONS,
} from "../../src/shared/enrich/service-deployments.js";
import {
  changesMatter,
  changesSection,
  type DeploymentLike,
  lastSuccessfulRevision,
  revisionLabel,
} from "../../src/shared/flows/what-changed.js";

const arn = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/api:${revision}`;

/** Deployments as DescribeServices returns them (ECS deployment controller). */
function deployment(
  status: "PRIMARY" | "ACTIVE",
  revision: number,
  rolloutState?: "IN_PROGRESS" | "COMPLETED" | "FAILED",
): DeploymentLike {
  return {
    status,
    taskDefinition: arn(revision),
    ...(rolloutState ? { rolloutState } : {}),
  };
}

describe("lastSuccessfulRevision", () => {
  it("picks the completed ACTIVE deployment a new PRIMARY is replacing", () => {
    const deployments = [deployment("PRIMARY", 42, "IN_PROGRESS"), deployment("ACTIVE", 41, "COMPLETED")];

    expect(lastSuccessfulRevision(deployments, arn(42))).toEqual({
      kind: "other",
      taskDefinitionArn: arn(41),
    });
  });

  it("says same when the failing revision's rollout completed: nothing was deployed", () => {
    expect(lastSuccessfulRevision([deployment("PRIMARY", 42, "COMPLETED")], arn(42))).toEqual({
      kind: "same",
      taskDefinitionArn: arn(42),
    });
  });

  it("picks the PRIMARY that is rolling back to the old revision", () => {
    const deployments = [deployment("PRIMARY", 41, "IN_PROGRESS"), deployment("ACTIVE", 42, "FAILED")];

    expect(lastSuccessfulRevision(deployments, arn(42))).toEqual({
      kind: "other",
      taskDefinitionArn: arn(41),
    });
  });

  it("picks another revision's PRIMARY when the service reports no rollout state", () => {
    expect(lastSuccessfulRevision([deployment("PRIMARY", 7)], arn(8))).toEqual({
      kind: "other",
      taskDefinitionArn: arn(7),
    });
  });

  it("treats a lone PRIMARY of the failing revision without rollout state as the steady state", () => {
    expect(lastSuccessfulRevision([deployment("PRIMARY", 8)], arn(8)).kind).toBe("same");
  });

  it("finds no baseline for a first deployment still in progress", () => {
    expect(lastSuccessfulRevision([deployment("PRIMARY", 1, "IN_PROGRESS")], arn(1))).toEqual({
      kind: "none",
      reason: "the service has no earlier successful revision to compare with",
    });
  });

  it("finds no baseline when the service reports no deployments", () => {
    expect(lastSuccessfulRevision([], arn(1)).kind).toBe("none");
  });

  it("matches a short family:revision reference against a full ARN", () => {
    expect(
      lastSuccessfulRevision(
        [{ status: "PRIMARY", taskDefinition: "api:42", rolloutState: "COMPLETED" }],
        arn(42),
      ).kind,
    ).toBe("same");
  });
});

describe("changesSection", () => {
  it("lists image and memory changes by name under the baseline", () => {
    const before = { containerDefinitions: [{ name: "web", image: "repo/api:1.4.2", memory: 512 }] };
    const after = { containerDefinitions: [{ name: "web", image: "repo/api:1.5.0", memory: 256 }] };

    expect(changesSection(arn(41), before, after)).toEqual({
      summary: "Since api:41, the last successful revision",
      lines: ["web image: repo/api:1.4.2 -> repo/api:1.5.0", "web memory: 512 -> 256"],
    });
  });

  it("never shows environment values, only their names", () => {
    const before = {
      containerDefinitions: [{ name: "web", environment: [{ name: "DB_PASSWORD", value: "old-secret" }] }],
    };
    const after = {
      containerDefinitions: [{ name: "web", environment: [{ name: "DB_PASSWORD", value: "new-secret" }] }],
    };

    const section = changesSection(arn(41), before, after);

    expect(section.lines).toEqual(["web environment: changed DB_PASSWORD (value hidden)"]);
    expect(JSON.stringify(section)).not.toMatch(/old-secret|new-secret/);
  });

  it("says nothing that matters changed when the revisions differ only elsewhere", () => {
    const same = { containerDefinitions: [{ name: "web", image: "repo/api:1.4.2" }] };

    expect(changesSection(arn(41), same, same)).toEqual({
      summary: "No difference that matters since api:41, the last successful revision",
      lines: [],
    });
  });
});

describe("changesMatter and revisionLabel", () => {
  it("skips what changed for Spot reclaims and host failures", () => {
    expect([
      changesMatter("spot-interruption"),
      changesMatter("platform"),
      changesMatter("out-of-memory"),
    ]).toEqual([false, false, true]);
  });

  it("labels a revision family:revision", () => {
    expect(revisionLabel(arn(3))).toBe("api:3");
  });
});

describe("buildServiceDeploymentsLookup", () => {
  const ecs = mockClient(ECSClient);
  beforeEach(() => ecs.reset());

  const response = {
    services: [
      {
        serviceName: "api",
        deployments: [
          {
            id: "ecs-svc/1",
            status: "PRIMARY",
            taskDefinition: arn(42),
            rolloutState: "IN_PROGRESS" as const,
          },
          { id: "ecs-svc/0", status: "ACTIVE", taskDefinition: arn(41), rolloutState: "COMPLETED" as const },
        ],
      },
    ],
    failures: [],
  };

  it("asks ECS once per service per minute", async () => {
    ecs.on(DescribeServicesCommand).resolves(response);
    const counter = new CallCounter();
    let now = 0;
    const lookup = buildServiceDeploymentsLookup(new ECSClient({ region: "us-east-1" }), {
      counter,
      now: () => now,
    });

    const first = await lookup("prod", "api");
    await lookup("prod", "api");
    now = 59_000;
    await lookup("prod", "api");
    now = 61_000;
    await lookup("prod", "api");

    expect(first?.map((d) => d.taskDefinition)).toEqual([arn(42), arn(41)]);
    expect(counter.get(SERVICE_OPERATIONS.describeServices)).toBe(2);
    expect(counter.get(SERVICE_OPERATIONS.serviceCacheHit)).toBe(2);
    expect(ecs.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toEqual({
      cluster: "prod",
      services: ["api"],
    });
  });

  it("does not remember throttling", async () => {
    ecs
      .on(DescribeServicesCommand)
      .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }))
      .resolves(response);
    const lookup = buildServiceDeploymentsLookup(new ECSClient({ region: "us-east-1" }), {
      counter: new CallCounter(),
    });

    await expect(lookup("prod", "api")).rejects.toThrow("Rate exceeded");
    const retried = await lookup("prod", "api");

    expect(retried).toHaveLength(2);
  });

  it("remembers a lasting failure for 1,000 lookups and throws its reason each time", async () => {
    ecs.on(DescribeServicesCommand).rejects(
      new AccessDeniedException({
        message:
          "User: arn:aws:sts::123456789012:assumed-role/s/fn is not authorized to perform: ecs:DescribeServices",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const counter = new CallCounter();
    let now = 0;
    const lookup = buildServiceDeploymentsLookup(new ECSClient({ region: "us-east-1" }), {
      counter,
      failureTtlMs: 300_000,
      now: () => now,
    });

    const outcomes = await Promise.allSettled(Array.from({ length: 1000 }, () => lookup("prod", "api")));
    now = 299_999;
    await expect(lookup("prod", "api")).rejects.toThrow("ecs:DescribeServices");
    now = 300_000;
    await expect(lookup("prod", "api")).rejects.toThrow("ecs:DescribeServices");

    expect(outcomes.every((o) => o.status === "rejected" && /not authorized/.test(String(o.reason)))).toBe(
      true,
    );
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(2);
    // 999 shared the call in flight; the one at 299,999 ms was answered by the remembered failure.
    expect(counter.get(SERVICE_OPERATIONS.serviceFailureHit)).toBe(1);
  });

  it("answers undefined for a service ECS does not know", async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: "x", reason: "MISSING" }] });
    const lookup = buildServiceDeploymentsLookup(new ECSClient({ region: "us-east-1" }), {
      counter: new CallCounter(),
    });

    expect(await lookup("prod", "gone")).toBeUndefined();
  });
});
