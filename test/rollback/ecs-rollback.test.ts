import {
  ConflictException,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ServerException,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { ecsRollback, ServiceNotFoundError } from "../../src/shared/rollback/ecs-rollback.js";
import { decideRollback } from "../../src/shared/rollback/policy.js";
import type { Decision } from "../../src/shared/rollback/types.js";
import {
  CLUSTER_ARN,
  DEPLOYMENT_ARN,
  describeDeployments,
  describedDeployment,
  describeRevisions,
  describeServices,
  LIST_SUCCESSFUL,
  REVISION_ARN,
  SERVICE_ARN,
  SERVICE_MISSING,
  serviceRevision,
  TASK_DEFINITION,
} from "./ecs-responses.js";

const ecsMock = mockClient(ECSClient);
const client = new ECSClient({
  region: "us-west-2",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

const NEW_TD = "arn:aws:ecs:us-west-2:123456789012:task-definition/large-ngingx:2";
const NEW_REVISION =
  "arn:aws:ecs:us-west-2:123456789012:service-revision/example/sd-example/4980306466373578954";
const NEW_DEPLOYMENT =
  "arn:aws:ecs:us-west-2:123456789012:service-deployment/example/sd-example/r9i43YFjvgF_xlg7m2eJ1r";

function rollbackDecision(target: Decision["target"], overrides: Partial<Decision> = {}): Decision {
  return {
    action: "rollback",
    code: "rollback",
    reason: "test",
    triggered: true,
    target,
    dryRun: false,
    trigger: "crash-loop",
    deploymentId: "ecs-svc/2",
    serviceArn: SERVICE_ARN,
    ...overrides,
  };
}

/** A deployment of large-ngingx:2 in progress, coming from large-ngingx:1 (which deployed successfully before). */
function mockServiceMidDeployment() {
  ecsMock.on(DescribeServicesCommand).resolves(
    describeServices([
      {
        createdAt: new Date("2024-09-10T16:49:00Z"),
        desiredCount: 1,
        id: "ecs-svc/2",
        pendingCount: 0,
        runningCount: 0,
        rolloutState: "IN_PROGRESS",
        rolloutStateReason: "ECS deployment ecs-svc/2 in progress.",
        status: "PRIMARY",
        taskDefinition: NEW_TD,
        updatedAt: new Date("2024-09-10T16:49:00Z"),
      },
      {
        createdAt: new Date("2024-09-01T10:00:00Z"),
        desiredCount: 1,
        id: "ecs-svc/1",
        pendingCount: 0,
        runningCount: 1,
        rolloutState: "COMPLETED",
        status: "ACTIVE",
        taskDefinition: TASK_DEFINITION,
        updatedAt: new Date("2024-09-01T10:05:00Z"),
      },
    ]),
  );
  // Adapted from the ListServiceDeployments example: a second, running, deployment listed first.
  ecsMock.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      {
        clusterArn: CLUSTER_ARN,
        serviceArn: SERVICE_ARN,
        serviceDeploymentArn: NEW_DEPLOYMENT,
        status: "IN_PROGRESS",
        targetServiceRevisionArn: NEW_REVISION,
      },
      ...(LIST_SUCCESSFUL.serviceDeployments ?? []),
    ],
  });
  ecsMock.on(DescribeServiceDeploymentsCommand).resolves(
    describeDeployments([
      describedDeployment({
        serviceDeploymentArn: NEW_DEPLOYMENT,
        status: "IN_PROGRESS",
        targetServiceRevision: {
          arn: NEW_REVISION,
          pendingTaskCount: 1,
          requestedTaskCount: 1,
          runningTaskCount: 0,
        },
        sourceServiceRevisions: [
          { arn: REVISION_ARN, pendingTaskCount: 0, requestedTaskCount: 1, runningTaskCount: 1 },
        ],
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: false, rollback: false },
          maximumPercent: 200,
          minimumHealthyPercent: 100,
        },
      }),
      describedDeployment({ finishedAt: new Date("2024-09-01T10:05:00Z") }),
    ]),
  );
  ecsMock
    .on(DescribeServiceRevisionsCommand)
    .resolves(
      describeRevisions([
        serviceRevision(),
        serviceRevision({ serviceRevisionArn: NEW_REVISION, taskDefinition: NEW_TD }),
      ]),
    );
}

beforeEach(() => {
  ecsMock.reset();
});

describe("loadRollbackInputs", () => {
  it("loads the service with its tags and the history with each revision's task definition in 4 calls", async () => {
    mockServiceMidDeployment();
    const adapter = ecsRollback(client);

    const { service, history } = await adapter.loadRollbackInputs(SERVICE_ARN);

    expect(ecsMock.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toEqual({
      cluster: CLUSTER_ARN,
      services: [SERVICE_ARN],
      include: ["TAGS"],
    });
    expect(ecsMock.commandCalls(ListServiceDeploymentsCommand)[0]?.args[0].input).toEqual({
      cluster: CLUSTER_ARN,
      service: SERVICE_ARN,
      status: undefined,
      maxResults: 10,
    });
    expect(ecsMock.commandCalls(DescribeServiceDeploymentsCommand)[0]?.args[0].input).toEqual({
      serviceDeploymentArns: [NEW_DEPLOYMENT, DEPLOYMENT_ARN],
    });
    expect(ecsMock.commandCalls(DescribeServiceRevisionsCommand)[0]?.args[0].input).toEqual({
      serviceRevisionArns: [NEW_REVISION, REVISION_ARN],
    });
    expect(service).toMatchObject({
      arn: SERVICE_ARN,
      tags: [{ key: "ecs-sentinel:auto-rollback", value: "true" }],
      deployments: [
        { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS", taskDefinition: NEW_TD },
        { id: "ecs-svc/1", status: "ACTIVE", rolloutState: "COMPLETED", taskDefinition: TASK_DEFINITION },
      ],
    });
    expect(history).toEqual([
      expect.objectContaining({
        serviceDeploymentArn: NEW_DEPLOYMENT,
        status: "IN_PROGRESS",
        targetServiceRevision: { arn: NEW_REVISION, taskDefinition: NEW_TD },
        sourceServiceRevisions: [{ arn: REVISION_ARN, taskDefinition: TASK_DEFINITION }],
      }),
      expect.objectContaining({
        serviceDeploymentArn: DEPLOYMENT_ARN,
        status: "SUCCESSFUL",
        targetServiceRevision: { arn: REVISION_ARN, taskDefinition: TASK_DEFINITION },
        sourceServiceRevisions: [],
      }),
    ]);
    expect(adapter.apiCalls()).toEqual({
      DescribeServices: 1,
      ListServiceDeployments: 1,
      DescribeServiceDeployments: 1,
      DescribeServiceRevisions: 1,
    });
  });

  it("throws ServiceNotFoundError when DescribeServices reports the service MISSING", async () => {
    ecsMock.on(DescribeServicesCommand).resolves(SERVICE_MISSING);

    const load = ecsRollback(client).loadRollbackInputs(SERVICE_ARN);

    await expect(load).rejects.toBeInstanceOf(ServiceNotFoundError);
    await expect(load).rejects.toThrow(/MISSING/);
  });

  it("returns an empty history without describing anything when the service has no service deployments", async () => {
    mockServiceMidDeployment();
    ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    const adapter = ecsRollback(client);

    const { history } = await adapter.loadRollbackInputs(SERVICE_ARN);

    expect(history).toEqual([]);
    expect(adapter.apiCalls()).toEqual({ DescribeServices: 1, ListServiceDeployments: 1 });
  });

  it("describes at most 20 service deployments and 20 revisions per call", async () => {
    mockServiceMidDeployment();
    const briefs = Array.from({ length: 25 }, (_, i) => ({
      ...LIST_SUCCESSFUL.serviceDeployments?.[0],
      serviceDeploymentArn: `${DEPLOYMENT_ARN}-${i}`,
      targetServiceRevisionArn: `${REVISION_ARN}${i}`,
    }));
    ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: briefs });
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves(describeDeployments([]));
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(describeRevisions([]));
    const adapter = ecsRollback(client, { historyLimit: 25 });

    const { history } = await adapter.loadRollbackInputs(SERVICE_ARN);

    expect(history).toHaveLength(25);
    const batches = ecsMock
      .commandCalls(DescribeServiceDeploymentsCommand)
      .map((c) => c.args[0].input.serviceDeploymentArns?.length);
    expect(batches).toEqual([20, 5]);
    expect(adapter.apiCalls()).toMatchObject({ DescribeServiceDeployments: 2, DescribeServiceRevisions: 2 });
  });
});

describe("lastSuccessfulTaskDefinition", () => {
  it("asks ListServiceDeployments for SUCCESSFUL deployments and resolves the target revision's task definition", async () => {
    ecsMock.on(ListServiceDeploymentsCommand).resolves(LIST_SUCCESSFUL);
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves(describeDeployments([describedDeployment()]));
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(describeRevisions([serviceRevision()]));
    const adapter = ecsRollback(client);

    const taskDefinition = await adapter.lastSuccessfulTaskDefinition(SERVICE_ARN);

    expect(taskDefinition).toBe(TASK_DEFINITION);
    expect(ecsMock.commandCalls(ListServiceDeploymentsCommand)[0]?.args[0].input).toMatchObject({
      service: SERVICE_ARN,
      status: ["SUCCESSFUL"],
    });
    expect(adapter.apiCalls()).toEqual({
      ListServiceDeployments: 1,
      DescribeServiceDeployments: 1,
      DescribeServiceRevisions: 1,
    });
  });

  it("skips excluded task definitions", async () => {
    ecsMock.on(ListServiceDeploymentsCommand).resolves(LIST_SUCCESSFUL);
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves(describeDeployments([describedDeployment()]));
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(describeRevisions([serviceRevision()]));

    const taskDefinition = await ecsRollback(client).lastSuccessfulTaskDefinition(SERVICE_ARN, [
      TASK_DEFINITION,
    ]);

    expect(taskDefinition).toBeUndefined();
  });
});

describe("executeRollback", () => {
  it("stops a running service deployment with stopType ROLLBACK", async () => {
    ecsMock.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: NEW_DEPLOYMENT });
    const adapter = ecsRollback(client);

    const outcome = await adapter.executeRollback(
      rollbackDecision({
        kind: "stop-deployment",
        serviceDeploymentArn: NEW_DEPLOYMENT,
        taskDefinition: TASK_DEFINITION,
      }),
    );

    expect(ecsMock.commandCalls(StopServiceDeploymentCommand)[0]?.args[0].input).toEqual({
      serviceDeploymentArn: NEW_DEPLOYMENT,
      stopType: "ROLLBACK",
    });
    expect(outcome).toEqual({
      status: "done",
      api: "StopServiceDeployment",
      serviceDeploymentArn: NEW_DEPLOYMENT,
      taskDefinition: TASK_DEFINITION,
    });
    expect(adapter.apiCalls()).toEqual({ StopServiceDeployment: 1 });
  });

  it("updates the service to the chosen task definition", async () => {
    ecsMock.on(UpdateServiceCommand).resolves({});
    const adapter = ecsRollback(client);

    const outcome = await adapter.executeRollback(
      rollbackDecision({ kind: "update-service", taskDefinition: TASK_DEFINITION }),
    );

    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: CLUSTER_ARN,
      service: SERVICE_ARN,
      taskDefinition: TASK_DEFINITION,
    });
    expect(outcome).toEqual({ status: "done", api: "UpdateService", taskDefinition: TASK_DEFINITION });
    expect(adapter.apiCalls()).toEqual({ UpdateService: 1 });
  });

  it("names the deployment UpdateService started, so its events continue the failed deployment's thread", async () => {
    // Shape of the UpdateService response in the ECS API reference: the new PRIMARY deployment first.
    ecsMock.on(UpdateServiceCommand).resolves({
      service: {
        serviceArn: SERVICE_ARN,
        deployments: [
          { id: "ecs-svc/9223370000000000001", status: "PRIMARY", taskDefinition: TASK_DEFINITION },
          {
            id: "ecs-svc/9223370000000000000",
            status: "ACTIVE",
            taskDefinition: "arn:aws:ecs:us-east-1:111122223333:task-definition/api:42",
          },
        ],
      },
    });
    const adapter = ecsRollback(client);

    const outcome = await adapter.executeRollback(
      rollbackDecision({ kind: "update-service", taskDefinition: TASK_DEFINITION }),
    );

    expect(outcome).toEqual({
      status: "done",
      api: "UpdateService",
      taskDefinition: TASK_DEFINITION,
      deploymentId: "ecs-svc/9223370000000000001",
    });
  });

  it("falls back to UpdateService when ECS refuses to stop a deployment that just finished", async () => {
    ecsMock
      .on(StopServiceDeploymentCommand)
      .rejects(
        new ConflictException({ message: "The service deployment is not in progress.", $metadata: {} }),
      );
    ecsMock.on(UpdateServiceCommand).resolves({});
    const adapter = ecsRollback(client);

    const outcome = await adapter.executeRollback(
      rollbackDecision({
        kind: "stop-deployment",
        serviceDeploymentArn: NEW_DEPLOYMENT,
        taskDefinition: TASK_DEFINITION,
      }),
    );

    expect(outcome).toEqual({ status: "done", api: "UpdateService", taskDefinition: TASK_DEFINITION });
    expect(adapter.apiCalls()).toEqual({ StopServiceDeployment: 1, UpdateService: 1 });
  });

  it("reports a failure without a fallback when ECS itself fails", async () => {
    ecsMock
      .on(StopServiceDeploymentCommand)
      .rejects(new ServerException({ message: "internal error", $metadata: {} }));
    const adapter = ecsRollback(client);

    const outcome = await adapter.executeRollback(
      rollbackDecision({
        kind: "stop-deployment",
        serviceDeploymentArn: NEW_DEPLOYMENT,
        taskDefinition: TASK_DEFINITION,
      }),
    );

    expect(outcome).toEqual({
      status: "failed",
      api: "StopServiceDeployment",
      error: "ServerException: internal error",
    });
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it("reports an UpdateService failure", async () => {
    ecsMock.on(UpdateServiceCommand).rejects(new ConflictException({ message: "busy", $metadata: {} }));

    const outcome = await ecsRollback(client).executeRollback(
      rollbackDecision({ kind: "update-service", taskDefinition: TASK_DEFINITION }),
    );

    expect(outcome).toEqual({ status: "failed", api: "UpdateService", error: "ConflictException: busy" });
  });

  it("changes nothing on a dry run", async () => {
    const adapter = ecsRollback(client);

    const outcome = await adapter.executeRollback(
      rollbackDecision({ kind: "update-service", taskDefinition: TASK_DEFINITION }, { dryRun: true }),
    );

    expect(outcome).toEqual({ status: "skipped", why: "dry run" });
    expect(ecsMock.calls()).toHaveLength(0);
    expect(adapter.apiCalls()).toEqual({});
  });

  it("changes nothing when the decision is not to roll back", async () => {
    const outcome = await ecsRollback(client).executeRollback(
      rollbackDecision(undefined, { action: "none", code: "not-opted-in" }),
    );

    expect(outcome).toEqual({ status: "skipped", why: "decision is not-opted-in" });
    expect(ecsMock.calls()).toHaveLength(0);
  });
});

describe("load, decide, execute", () => {
  it("rolls a crash-looping deployment back with StopServiceDeployment in 5 ECS calls", async () => {
    mockServiceMidDeployment();
    ecsMock.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: NEW_DEPLOYMENT });
    const adapter = ecsRollback(client);
    const now = new Date("2024-09-10T16:55:00Z");
    const failure = (id: string) => ({
      taskArn: `arn:aws:ecs:us-west-2:123456789012:task/example/${id}`,
      stoppedAt: new Date("2024-09-10T16:54:00Z"),
      category: "app-exit" as const,
      startedBy: "ecs-svc/2",
    });

    const inputs = await adapter.loadRollbackInputs(SERVICE_ARN);
    const decision = decideRollback({
      ...inputs,
      trigger: {
        kind: "crash-loop",
        deploymentId: "ecs-svc/2",
        failures: [failure("a"), failure("b"), failure("c")],
      },
      now,
    });
    const outcome = await adapter.executeRollback(decision);

    expect(decision).toMatchObject({
      action: "rollback",
      target: {
        kind: "stop-deployment",
        serviceDeploymentArn: NEW_DEPLOYMENT,
        taskDefinition: TASK_DEFINITION,
      },
    });
    expect(outcome.status).toBe("done");
    expect(Object.values(adapter.apiCalls()).reduce((a, b) => a + b, 0)).toBe(5);
  });
});
