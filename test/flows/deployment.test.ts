/**
 * The deployment flow: deployment and service-action events -> messages, the review of a new deployment, and
 * how review and rollback failures are handled. ECS answers through aws-sdk-client-mock (ecs-world.ts).
 */
import {
  AccessDeniedException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SERVICE_ACTION_EVENT_NAMES } from "../../src/shared/deployments/service-action-catalog.js";
import { ecsWorld, NEW_TASK_DEFINITION, NEW_TD, SERVICE_ARN } from "../scenarios/support/ecs-world.js";
import { deploymentEvent, taskStartImpaired } from "../scenarios/support/events.js";
import { decisions, scenarioHarness } from "../scenarios/support/harness.js";

const ecsMock = mockClient(ECSClient);

beforeEach(() => {
  ecsMock.reset();
});

const throttling = () =>
  Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $metadata: { httpStatusCode: 400 },
  });
const accessDenied = () =>
  new AccessDeniedException({
    message: "User is not authorized to perform: ecs:DescribeServices",
    $metadata: {},
  });

const FAILED = () => deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" });

describe("service-action events", () => {
  it("are sent keyed by the event id and flood-controlled by cluster, service and eventName", async () => {
    const h = scenarioHarness();
    const event = taskStartImpaired("2024-09-10T16:50:00Z");

    const result = await h.dispatch(event);

    expect(result).toMatchObject({
      status: "handled",
      summary: "SERVICE_TASK_START_IMPAIRED sd-example (critical)",
    });
    expect(h.notified[0]?.meta).toEqual({
      dedupeKey: event.id,
      throttleKey: "example#sd-example#SERVICE_TASK_START_IMPAIRED",
      serviceArn: SERVICE_ARN,
    });
    expect(h.notified[0]?.message).toMatchObject({
      title: "sd-example: cannot start tasks",
      cluster: "example",
    });
  });

  it("send one message for a flapping SERVICE_TASK_START_IMPAIRED; the repeats are counted", async () => {
    const h = scenarioHarness();

    for (let minute = 0; minute < 6; minute++) {
      await h.dispatch(taskStartImpaired(`2024-09-10T16:5${minute}:00Z`));
    }

    expect(h.delivered()).toHaveLength(1);
    expect(h.notified.slice(1).flatMap((n) => n.outcomes.map((o) => o.reason))).toEqual(
      Array(10).fill("throttled"),
    );
  });

  it.each(SERVICE_ACTION_EVENT_NAMES)("turn %s into a message about the service", async (eventName) => {
    const h = scenarioHarness();
    const event = taskStartImpaired("2024-09-10T16:50:00Z");
    event.detail = { ...event.detail, eventName, eventType: "INFO" };

    const result = await h.dispatch(event);

    expect(result.status).toBe("handled");
    const [message] = h.delivered();
    expect(message?.title).toMatch(/^sd-example: /);
    expect(message?.cause.length).toBeGreaterThan(0);
    expect(ecsMock.calls()).toHaveLength(0);
  });
});

describe("deployment state changes", () => {
  it("take the cluster from the service ARN, since the detail names none", async () => {
    const h = scenarioHarness();
    const event = deploymentEvent("SERVICE_DEPLOYMENT_COMPLETED", { time: "2024-09-10T16:58:00Z" });

    await h.dispatch(event);

    expect(h.notified[0]?.message).toMatchObject({
      title: "sd-example: deployment completed",
      cluster: "example",
      service: "sd-example",
    });
    expect(h.notified[0]?.meta).toMatchObject({
      dedupeKey: event.id,
      throttleKey: "example#sd-example#SERVICE_DEPLOYMENT_COMPLETED",
      serviceArn: SERVICE_ARN,
      thread: { key: `deployment#${SERVICE_ARN}#ecs-svc/2` },
    });
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it("say what failed, why and what to do, before any rollback decision", async () => {
    ecsWorld(ecsMock, {
      rollout: "FAILED",
      rolloutReason: "failed",
      circuitBreaker: { enable: true, rollback: true },
    });
    const h = scenarioHarness();

    await h.dispatch(FAILED());

    const [first] = h.notified;
    expect(first?.message).toMatchObject({
      title: "sd-example: deployment failed",
      severity: "critical",
      reason: "ECS deployment circuit breaker: task failed to start.",
    });
    expect(first?.message.remediation.length).toBeGreaterThan(1);
    expect(first?.message.facts).toContainEqual({ label: "Deployment", value: "ecs-svc/2" });
  });

  it("give a rollback deployment its own flood-control key, so it is not swallowed by the deployment before", async () => {
    const h = scenarioHarness();
    ecsWorld(ecsMock);

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }));
    await h.dispatch(
      deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", {
        time: "2024-09-10T16:50:05Z",
        deploymentId: "ecs-svc/3",
        reason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.",
      }),
    );

    expect(h.delivered().map((m) => m.title)).toContain("sd-example: rolling back to ecs-svc/1");
    expect(h.notified.at(-1)?.meta.throttleKey).toBe(
      "example#sd-example#SERVICE_DEPLOYMENT_IN_PROGRESS#rollback",
    );
  });
});

describe("deployment review", () => {
  it("sends one concise message for a new deployment with findings, and names the revision", async () => {
    ecsWorld(ecsMock);
    const h = scenarioHarness();

    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }));

    const reviews = h.delivered().filter((m) => m.kind === "deployment-review");
    expect(reviews).toHaveLength(1);
    expect(reviews[0]?.cause).toContain("`MYSQL_ROOT_PASSWORD`");
    expect(JSON.stringify(reviews[0])).not.toContain('"password"');
    expect(h.notified[1]?.meta.dedupeKey).toMatch(/^review#/);
    expect(ecsMock.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toMatchObject({
      include: ["TAGS"],
    });
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)[0]?.args[0].input).toEqual({
      taskDefinition: NEW_TD,
    });
  });

  it("sends nothing when nothing is flagged", async () => {
    ecsWorld(ecsMock, { circuitBreaker: { enable: true, rollback: true } });
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        ...NEW_TASK_DEFINITION,
        containerDefinitions: [
          {
            name: "web",
            image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/web:1.4.2",
            essential: true,
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/web" } },
            healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost/health || exit 1"] },
          },
        ],
      },
    });
    const h = scenarioHarness();

    const result = await h.dispatch(
      deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }),
    );

    expect(h.delivered().map((m) => m.kind)).toEqual(["deployment"]);
    expect(result).toMatchObject({ summary: expect.stringContaining("review: nothing flagged") });
  });

  it("is not made for a rollback deployment", async () => {
    ecsWorld(ecsMock);
    const h = scenarioHarness();

    await h.dispatch(
      deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", {
        time: "2024-09-10T16:54:05Z",
        reason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.",
      }),
    );

    expect(ecsMock.calls()).toHaveLength(0);
  });

  it.each([
    ["access is denied", accessDenied, "warning"],
    ["ECS throttles", throttling, "info"],
  ])(
    "never blocks the deployment message when %s, and says the review failed",
    async (_, error, severity) => {
      ecsMock.on(DescribeServicesCommand).rejects(error());
      const h = scenarioHarness();

      const result = await h.dispatch(
        deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }),
      );

      expect(result.status).toBe("handled");
      expect(h.delivered().map((m) => m.title)).toEqual([
        "sd-example: deployment started",
        "sd-example: deployment review failed",
      ]);
      expect(h.delivered()[1]).toMatchObject({
        severity,
        cause: expect.stringMatching(
          /^deployment review failed for `sd-example`: .+ — the review was skipped/,
        ),
      });
      expect(h.log.lines).toContainEqual(
        expect.objectContaining({
          level: "warn",
          message: expect.stringContaining("deployment review skipped"),
          fields: expect.objectContaining({ deploymentId: "ecs-svc/2" }),
        }),
      );
    },
  );
});

describe("rollback on a failed deployment", () => {
  it("logs every decision with ecsService, cluster, deploymentId, action, code and reason", async () => {
    ecsWorld(ecsMock, {
      rollout: "FAILED",
      rolloutReason: "failed",
      circuitBreaker: { enable: true, rollback: true },
    });
    const h = scenarioHarness();

    await h.dispatch(FAILED());

    expect(decisions(h.log)).toEqual([
      expect.objectContaining({
        ecsService: "sd-example",
        cluster: "example",
        deploymentId: "ecs-svc/2",
        action: "none",
        code: "ecs-rolls-back",
        reason: expect.stringContaining("ECS rolls deployment ecs-svc/2 back by itself"),
      }),
    ]);
  });

  it("propagates a transient error for a Lambda retry, which sends the deployment message only once", async () => {
    const world = ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed" });
    world.failOnce("ListServiceDeployments", throttling());
    const h = scenarioHarness();
    const event = FAILED();

    await expect(h.dispatch(event)).rejects.toThrow("Rate exceeded");
    await h.dispatch(event);

    expect(world.mutations().map((m) => m.api)).toEqual(["UpdateService"]);
    expect(h.delivered().map((m) => m.title)).toEqual([
      "sd-example: deployment failed",
      "sd-example: rollback check failed",
      "sd-example: rolled back ecs-svc/2 to large-ngingx:1",
    ]);
    expect(h.delivered()[1]).toMatchObject({ severity: "warning" });
  });

  it("logs and notifies a non-transient error, and reports the event as handled", async () => {
    ecsMock.on(DescribeServicesCommand).rejects(accessDenied());
    const h = scenarioHarness();

    const result = await h.dispatch(FAILED());

    expect(result).toMatchObject({
      status: "handled",
      summary: expect.stringContaining("rollback check failed"),
    });
    expect(h.delivered().map((m) => m.title)).toEqual([
      "sd-example: deployment failed",
      "sd-example: rollback check failed",
    ]);
    expect(h.delivered()[1]).toMatchObject({ severity: "critical" });
    expect(h.log.lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: "rollback check failed; nothing was changed",
        fields: expect.objectContaining({ error: expect.stringContaining("AccessDeniedException") }),
      }),
    );
  });

  it("logs a service that no longer exists", async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolves({ failures: [{ arn: SERVICE_ARN, reason: "MISSING" }], services: [] });
    const h = scenarioHarness();

    const result = await h.dispatch(FAILED());

    expect(result).toMatchObject({ summary: expect.stringContaining("ServiceNotFoundError") });
  });
});
